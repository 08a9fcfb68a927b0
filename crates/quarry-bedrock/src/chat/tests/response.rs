//! Whole responses, usage and finish reasons.

use quarry_openai::chat::{PromptTokensDetails, Usage};
use serde_json::json;

use super::meta;
use crate::chat::{
    chat_from_converse, completion_from_converse, finish_reason, parse_converse_response,
    usage_from_bedrock,
};
use crate::wire::TokenUsage;

const TEXT_RESPONSE: &str = r#"{
    "output": {"message": {"role": "assistant", "content": [
        {"reasoningContent": {"reasoningText": {"text": "The user wants a greeting.", "signature": "abc"}}},
        {"text": "Hello"},
        {"text": ", world!"}
    ]}},
    "stopReason": "end_turn",
    "usage": {"inputTokens": 12, "outputTokens": 4, "totalTokens": 1516,
              "cacheReadInputTokens": 1000, "cacheWriteInputTokens": 500},
    "metrics": {"latencyMs": 321}
}"#;

#[test]
fn golden_chat_completion_joins_text_and_counts_cached_tokens() {
    let resp = parse_converse_response(TEXT_RESPONSE.as_bytes()).unwrap();
    let completion = chat_from_converse(resp, &meta());
    assert_eq!(
        serde_json::to_string(&completion).unwrap(),
        concat!(
            r#"{"id":"chatcmpl-test","object":"chat.completion","created":1700000000,"model":"claude","#,
            r#""choices":[{"index":0,"message":{"role":"assistant","content":"Hello, world!","refusal":null,"#,
            r#""reasoning_content":"The user wants a greeting.","#,
            r#""thinking_blocks":[{"type":"thinking","thinking":"The user wants a greeting.","signature":"abc"}]},"#,
            r#""logprobs":null,"finish_reason":"stop"}],"#,
            r#""usage":{"prompt_tokens":1512,"completion_tokens":4,"total_tokens":1516,"#,
            r#""prompt_tokens_details":{"cached_tokens":1000}}}"#
        )
    );
}

#[test]
fn golden_tool_calls_response() {
    let body = json!({
        "output": {"message": {"role": "assistant", "content": [
            {"toolUse": {"toolUseId": "tooluse_1", "name": "get_weather", "input": {"city": "Paris"}}},
            {"toolUse": {"toolUseId": "tooluse_2", "name": "now", "input": {}}},
            {"toolUse": {"toolUseId": "tooluse_3", "name": "ping"}}
        ]}},
        "stopReason": "tool_use",
        "usage": {"inputTokens": 50, "outputTokens": 20, "totalTokens": 70},
        "metrics": {"latencyMs": 10}
    });
    let resp = parse_converse_response(body.to_string().as_bytes()).unwrap();
    let completion = chat_from_converse(resp, &meta());
    assert_eq!(
        serde_json::to_value(&completion).unwrap(),
        json!({
            "id": "chatcmpl-test", "object": "chat.completion", "created": 1_700_000_000u64, "model": "claude",
            "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": null, "refusal": null, "tool_calls": [
                    {"id": "tooluse_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}},
                    {"id": "tooluse_2", "type": "function", "function": {"name": "now", "arguments": "{}"}},
                    {"id": "tooluse_3", "type": "function", "function": {"name": "ping", "arguments": "{}"}}
                ]},
                "logprobs": null,
                "finish_reason": "tool_calls"
            }],
            "usage": {"prompt_tokens": 50, "completion_tokens": 20, "total_tokens": 70,
                      "prompt_tokens_details": {"cached_tokens": 0}}
        })
    );
}

#[test]
fn text_next_to_tool_calls_is_kept() {
    let body = json!({
        "output": {"message": {"role": "assistant", "content": [
            {"text": "Let me check."},
            {"toolUse": {"toolUseId": "t1", "name": "f", "input": {"a": [1, 2]}}}
        ]}},
        "stopReason": "tool_use",
        "usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2},
        "metrics": {"latencyMs": 1}
    });
    let completion = chat_from_converse(
        parse_converse_response(body.to_string().as_bytes()).unwrap(),
        &meta(),
    );
    let message = &completion.choices[0].message;
    assert_eq!(message.content.as_deref(), Some("Let me check."));
    assert_eq!(
        message.tool_calls.as_ref().unwrap()[0].function.arguments,
        "{\"a\":[1,2]}"
    );
}

#[test]
fn golden_text_completion() {
    let resp = parse_converse_response(
        br#"{"output":{"message":{"role":"assistant","content":[{"text":"there was a fox"}]}},
             "stopReason":"max_tokens","usage":{"inputTokens":5,"outputTokens":4,"totalTokens":9},
             "metrics":{"latencyMs":1},"p":"abcdef"}"#,
    )
    .unwrap();
    let completion = completion_from_converse(resp, &meta());
    assert_eq!(
        serde_json::to_string(&completion).unwrap(),
        concat!(
            r#"{"id":"chatcmpl-test","object":"text_completion","created":1700000000,"model":"claude","#,
            r#""choices":[{"text":"there was a fox","index":0,"logprobs":null,"finish_reason":"length"}],"#,
            r#""usage":{"prompt_tokens":5,"completion_tokens":4,"total_tokens":9,"prompt_tokens_details":{"cached_tokens":0}}}"#
        )
    );
}

#[test]
fn an_answer_with_no_text_is_an_empty_string() {
    let resp = parse_converse_response(
        br#"{"output":{"message":{"role":"assistant","content":[]}},"stopReason":"guardrail_intervened",
             "usage":{"inputTokens":5,"outputTokens":0,"totalTokens":5},"metrics":{"latencyMs":1}}"#,
    )
    .unwrap();
    let completion = chat_from_converse(resp, &meta());
    assert_eq!(completion.choices[0].message.content.as_deref(), Some(""));
    assert_eq!(
        completion.choices[0].finish_reason.as_deref(),
        Some("content_filter")
    );
}

#[test]
fn every_stop_reason_has_an_openai_finish_reason() {
    let table = [
        ("end_turn", "stop"),
        ("stop_sequence", "stop"),
        ("max_tokens", "length"),
        ("model_context_window_exceeded", "length"),
        ("tool_use", "tool_calls"),
        ("guardrail_intervened", "content_filter"),
        ("content_filtered", "content_filter"),
        ("malformed_model_output", "stop"),
        ("malformed_tool_use", "stop"),
        ("something_new", "stop"),
    ];
    for (bedrock, openai) in table {
        assert_eq!(finish_reason(bedrock), openai, "{bedrock}");
    }
}

#[test]
fn usage_counts_cache_reads_and_writes_as_prompt_tokens() {
    let usage = usage_from_bedrock(&TokenUsage {
        input_tokens: 10,
        output_tokens: 5,
        total_tokens: 15,
        cache_read_input_tokens: Some(200),
        cache_write_input_tokens: Some(30),
        cache_details: None,
    });
    assert_eq!(
        usage,
        Usage {
            prompt_tokens: 240,
            completion_tokens: 5,
            total_tokens: 245,
            prompt_tokens_details: Some(PromptTokensDetails { cached_tokens: 200 }),
            completion_tokens_details: None,
        }
    );
}

#[test]
fn upstream_garbage_is_described_with_its_location() {
    assert_eq!(
        parse_converse_response(b"<html>").unwrap_err(),
        "Bedrock returned an invalid Converse response: expected value at line 1 column 1"
    );
    let err = parse_converse_response(
        br#"{"output":{"message":{"role":"assistant","content":[]}},"stopReason":"end_turn",
             "usage":{"inputTokens":"many","outputTokens":0,"totalTokens":0}}"#,
    )
    .unwrap_err();
    assert!(
        err.starts_with("Bedrock returned an invalid Converse response at `usage.inputTokens`: invalid type: string \"many\""),
        "{err}"
    );
    let err =
        parse_converse_response(br#"{"output":{"message":{"role":"assistant","content":[]}}}"#)
            .unwrap_err();
    assert!(err.contains("missing field `stopReason`"), "{err}");
}
