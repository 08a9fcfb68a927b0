//! Guardrails, traces, additional response fields, `parallel_tool_calls`, `strict`, usage.

use quarry_openai::chat::ChatRequest;
use serde_json::json;

use super::{
    chat_stream, chunk, converse, converse_for, converse_for_mode, delta_chunk, meta, run_stream,
    ROLE_CHUNK, SONNET_4_5,
};
use crate::chat::{
    chat_from_converse, converse_from_completion_for_model, parse_converse_response,
    usage_from_bedrock, ChatDefaults,
};
use crate::wire::TokenUsage;

fn guarded() -> serde_json::Value {
    json!({
        "messages": [{"role": "user", "content": "hi"}],
        "guardrailConfig": {"guardrailIdentifier": "gr-1", "guardrailVersion": "2", "trace": "enabled", "streamProcessingMode": "async"}
    })
}

#[test]
fn stream_processing_mode_goes_to_converse_stream_only() {
    assert_eq!(
        converse_for_mode(SONNET_4_5, guarded(), false)["guardrailConfig"],
        json!({"guardrailIdentifier": "gr-1", "guardrailVersion": "2", "trace": "enabled"})
    );
    assert_eq!(
        converse_for_mode(SONNET_4_5, guarded(), true)["guardrailConfig"],
        json!({"guardrailIdentifier": "gr-1", "guardrailVersion": "2", "trace": "enabled", "streamProcessingMode": "async"})
    );
    // The family-less entry point does not know the operation and changes nothing.
    assert_eq!(
        converse(guarded())["guardrailConfig"]["streamProcessingMode"],
        json!("async")
    );
    // Legacy completions too, from extra_body.
    let req = serde_json::from_value(json!({"prompt": "p", "extra_body": {"guardrailConfig": {"guardrailIdentifier": "g", "guardrailVersion": "1", "streamProcessingMode": "sync"}}})).unwrap();
    let out = converse_from_completion_for_model(&req, &ChatDefaults::default(), SONNET_4_5, false)
        .unwrap();
    assert_eq!(
        out.guardrail_config,
        Some(json!({"guardrailIdentifier": "g", "guardrailVersion": "1"}))
    );
}

#[test]
fn route_latency_applies_to_family_aware_requests() {
    let req: ChatRequest =
        serde_json::from_value(json!({"messages": [{"role": "user", "content": "hi"}]})).unwrap();
    let defaults = ChatDefaults {
        performance_config_latency: Some("optimized".into()),
        ..ChatDefaults::default()
    };
    let out = crate::chat::converse_from_chat_for_model(&req, &defaults, SONNET_4_5, true).unwrap();
    assert_eq!(
        serde_json::to_value(out.performance_config).unwrap(),
        json!({"latency": "optimized"})
    );
}

#[test]
fn parallel_tool_calls_is_accepted_and_strict_follows_the_family() {
    let req = json!({
        "messages": [{"role": "user", "content": "hi"}],
        "tools": [{"type": "function", "function": {"name": "f", "strict": true, "parameters": {"type": "object"}}}],
        "parallel_tool_calls": false
    });
    let spec = |strict: bool| {
        let mut s = json!({"toolSpec": {"name": "f", "inputSchema": {"json": {"type": "object"}}}});
        if strict {
            s["toolSpec"]["strict"] = json!(true);
        }
        json!({"tools": [s]})
    };
    assert_eq!(
        converse_for(SONNET_4_5, req.clone())["toolConfig"],
        spec(true)
    );
    assert_eq!(
        converse_for("openai.gpt-oss-120b-1:0", req.clone())["toolConfig"],
        spec(true)
    );
    assert_eq!(
        converse_for("us.amazon.nova-pro-v1:0", req.clone())["toolConfig"],
        spec(false)
    );
    assert_eq!(
        converse_for("us.meta.llama3-3-70b-instruct-v1:0", req)["toolConfig"],
        spec(false)
    );
}

const GUARDED_RESPONSE: &str = r#"{
    "output": {"message": {"role": "assistant", "content": [{"text": "Sorry, I can't help with that."}]}},
    "stopReason": "guardrail_intervened",
    "usage": {"inputTokens": 7, "outputTokens": 8, "totalTokens": 15},
    "metrics": {"latencyMs": 40},
    "additionalModelResponseFields": {"stop_sequence": null},
    "trace": {"guardrail": {"inputAssessment": {"gr-1": {"topicPolicy": {"topics": [{"name": "Weapons", "type": "DENY", "action": "BLOCKED"}]}}}}}
}"#;

#[test]
fn golden_guardrail_intervention_with_trace_and_additional_fields() {
    let completion = chat_from_converse(
        parse_converse_response(GUARDED_RESPONSE.as_bytes()).unwrap(),
        &meta(),
    );
    assert_eq!(
        serde_json::to_string(&completion).unwrap(),
        concat!(
            r#"{"id":"chatcmpl-test","object":"chat.completion","created":1700000000,"model":"claude","#,
            r#""choices":[{"index":0,"message":{"role":"assistant","content":"Sorry, I can't help with that.","refusal":null},"#,
            r#""logprobs":null,"finish_reason":"content_filter"}],"#,
            r#""usage":{"prompt_tokens":7,"completion_tokens":8,"total_tokens":15,"prompt_tokens_details":{"cached_tokens":0}},"#,
            r#""trace":{"guardrail":{"inputAssessment":{"gr-1":{"topicPolicy":{"topics":[{"action":"BLOCKED","name":"Weapons","type":"DENY"}]}}}}},"#,
            r#""additional_model_response_fields":{"stop_sequence":null}}"#
        )
    );
}

fn guarded_stream() -> Vec<(&'static str, &'static str)> {
    vec![
        ("messageStart", r#"{"role":"assistant"}"#),
        (
            "contentBlockDelta",
            r#"{"contentBlockIndex":0,"delta":{"text":"Sorry."}}"#,
        ),
        (
            "messageStop",
            r#"{"stopReason":"guardrail_intervened","additionalModelResponseFields":{"stop_sequence":null}}"#,
        ),
        (
            "metadata",
            r#"{"usage":{"inputTokens":7,"outputTokens":2,"totalTokens":9},"metrics":{"latencyMs":4},"trace":{"guardrail":{"actionReason":"blocked"}}}"#,
        ),
    ]
}

#[test]
fn golden_stream_trace_rides_on_the_usage_chunk() {
    let (sse, _) = run_stream(chat_stream(true), &guarded_stream());
    let expected = [
        delta_chunk(ROLE_CHUNK),
        delta_chunk(r#"{"content":"Sorry."}"#),
        chunk(concat!(
            r#""choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"content_filter"}],"#,
            r#""additional_model_response_fields":{"stop_sequence":null}"#
        )),
        chunk(concat!(
            r#""choices":[],"usage":{"prompt_tokens":7,"completion_tokens":2,"total_tokens":9,"prompt_tokens_details":{"cached_tokens":0}},"#,
            r#""trace":{"guardrail":{"actionReason":"blocked"}}"#
        )),
        "data: [DONE]\n\n".to_owned(),
    ]
    .concat();
    assert_eq!(sse, expected);
}

#[test]
fn golden_stream_trace_rides_on_the_finish_chunk_without_usage() {
    let (sse, t) = run_stream(chat_stream(false), &guarded_stream());
    let expected = [
        delta_chunk(ROLE_CHUNK),
        delta_chunk(r#"{"content":"Sorry."}"#),
        chunk(concat!(
            r#""choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"content_filter"}],"#,
            r#""trace":{"guardrail":{"actionReason":"blocked"}},"#,
            r#""additional_model_response_fields":{"stop_sequence":null}"#
        )),
        "data: [DONE]\n\n".to_owned(),
    ]
    .concat();
    assert_eq!(sse, expected);
    assert_eq!(t.finish_reason(), Some("content_filter"));
    // Without a metadata event the finish chunk still goes out when the body ends.
    let (sse, _) = run_stream(chat_stream(false), &guarded_stream()[..3]);
    assert!(sse.ends_with(&[
        chunk(concat!(
            r#""choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"content_filter"}],"#,
            r#""additional_model_response_fields":{"stop_sequence":null}"#
        )),
        "data: [DONE]\n\n".to_owned()
    ].concat()), "{sse}");
}

#[test]
fn total_tokens_equals_bedrocks_total_with_cache_tokens() {
    let bedrock = TokenUsage {
        input_tokens: 12,
        output_tokens: 40,
        total_tokens: 2052,
        cache_read_input_tokens: Some(1500),
        cache_write_input_tokens: Some(500),
        cache_details: None,
    };
    let usage = usage_from_bedrock(&bedrock);
    assert_eq!(usage.prompt_tokens, 2012);
    assert_eq!(usage.total_tokens, bedrock.total_tokens);
    assert_eq!(
        usage.prompt_tokens_details.map(|d| d.cached_tokens),
        Some(1500)
    );
}
