#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Issue 3 through the whole gateway: function calling, reasoning, prompt caching, structured
//! output, guardrails and documents — each asserting what the client got and what Bedrock saw.

mod common;

use async_openai::types::chat::{
    ChatCompletionMessageToolCalls, ChatCompletionRequestUserMessageArgs, ChatCompletionTool,
    ChatCompletionTools, CreateChatCompletionRequestArgs, FinishReason, FunctionObjectArgs,
};
use common::{chat_config, sse_data, Harness};
use serde_json::{json, Value};

const HAIKU: &str = "anthropic.claude-3-haiku-20240307-v1:0";
const SONNET_37: &str = "us.anthropic.claude-3-7-sonnet-20250219-v1:0";
const SONNET_45: &str = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";

fn weather_tool() -> ChatCompletionTools {
    ChatCompletionTools::Function(ChatCompletionTool {
        function: FunctionObjectArgs::default()
            .name("get_weather")
            .description("Weather for a city")
            .parameters(json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}))
            .build()
            .unwrap(),
    })
}

async fn post_json(h: &Harness, body: Value) -> Value {
    let (status, _, text) = h.post("/v1/chat/completions", &body.to_string()).await;
    assert_eq!(status, 200, "{text}");
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn the_openai_sdk_gets_tool_calls_and_bedrock_gets_tool_specs() {
    let h = Harness::start(&chat_config("")).await;
    let req = CreateChatCompletionRequestArgs::default()
        .model(HAIKU)
        .messages([ChatCompletionRequestUserMessageArgs::default()
            .content("Weather in Paris?")
            .build()
            .unwrap()
            .into()])
        .tools(vec![weather_tool()])
        .build()
        .unwrap();
    let response = h.openai().chat().create(req).await.unwrap();
    let choice = &response.choices[0];
    assert_eq!(choice.finish_reason, Some(FinishReason::ToolCalls));
    assert_eq!(
        choice.message.content.as_deref(),
        Some("Calling get_weather."),
        "text beside tool calls is kept"
    );
    let calls = choice.message.tool_calls.as_ref().unwrap();
    assert_eq!(calls.len(), 1);
    let ChatCompletionMessageToolCalls::Function(call) = &calls[0] else {
        panic!("{calls:?}")
    };
    assert!(call.id.starts_with("tooluse_"));
    assert_eq!(call.function.name, "get_weather");
    assert_eq!(
        serde_json::from_str::<Value>(&call.function.arguments).unwrap(),
        json!({"city": "example"})
    );

    let sent = h.last_upstream_json();
    assert_eq!(
        sent["toolConfig"]["tools"][0]["toolSpec"],
        json!({"name": "get_weather", "description": "Weather for a city",
               "inputSchema": {"json": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}})
    );
}

#[tokio::test]
async fn a_tool_round_trip_sends_tool_use_and_tool_result_blocks() {
    let h = Harness::start(&chat_config("")).await;
    let v = post_json(&h, json!({
        "model": HAIKU,
        "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}],
        "messages": [
            {"role": "user", "content": "Weather in Paris?"},
            {"role": "assistant", "content": "Let me check.", "tool_calls": [
                {"id": "tooluse_a", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}},
                {"id": "tooluse_b", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Lyon\"}"}}]},
            {"role": "tool", "tool_call_id": "tooluse_a", "content": "{\"temp\": 21}"},
            {"role": "tool", "tool_call_id": "tooluse_b", "content": "sunny"}
        ]
    })).await;
    assert!(v["choices"][0]["message"]["content"]
        .as_str()
        .unwrap()
        .starts_with("Tool results received"));
    let sent = h.last_upstream_json();
    let messages = sent["messages"].as_array().unwrap();
    assert_eq!(
        messages.len(),
        3,
        "both tool results merged into one user turn: {messages:?}"
    );
    assert_eq!(messages[1]["content"][0], json!({"text": "Let me check."}));
    assert_eq!(
        messages[1]["content"][1]["toolUse"]["input"],
        json!({"city": "Paris"})
    );
    assert_eq!(messages[2]["role"], "user");
    assert_eq!(
        messages[2]["content"][0]["toolResult"]["content"],
        json!([{"json": {"temp": 21}}])
    );
    assert_eq!(
        messages[2]["content"][1]["toolResult"]["content"],
        json!([{"text": "sunny"}])
    );
}

#[tokio::test]
async fn streamed_tool_calls_use_dense_indexes_across_several_calls() {
    let h = Harness::start(&chat_config("")).await;
    let (status, _, body) = h.post("/v1/chat/completions", &json!({
        "model": HAIKU, "stream": true,
        "tools": [
            {"type": "function", "function": {"name": "a", "parameters": {"type": "object"}}},
            {"type": "function", "function": {"name": "b", "parameters": {"type": "object", "properties": {"x": {"type": "integer"}}, "required": ["x"]}}}],
        "messages": [{"role": "user", "content": "use all tools"}]
    }).to_string()).await;
    assert_eq!(status, 200);
    let mut calls: Vec<(String, String, String)> = Vec::new();
    let mut text = String::new();
    let mut finish = None;
    for data in sse_data(&body) {
        if data == "[DONE]" {
            continue;
        }
        let chunk: Value = serde_json::from_str(&data).unwrap();
        let Some(choice) = chunk["choices"].get(0) else {
            continue;
        };
        text.push_str(choice["delta"]["content"].as_str().unwrap_or_default());
        for call in choice["delta"]["tool_calls"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let index = call["index"].as_u64().unwrap() as usize;
            if index == calls.len() {
                calls.push((
                    call["id"].as_str().unwrap().to_owned(),
                    call["function"]["name"].as_str().unwrap().to_owned(),
                    String::new(),
                ));
            }
            calls[index]
                .2
                .push_str(call["function"]["arguments"].as_str().unwrap_or_default());
        }
        if let Some(f) = choice["finish_reason"].as_str() {
            finish = Some(f.to_owned());
        }
    }
    assert_eq!(text, "Calling 2 tools.");
    assert_eq!(calls.len(), 2);
    assert_eq!((calls[0].1.as_str(), calls[1].1.as_str()), ("a", "b"));
    assert_ne!(calls[0].0, calls[1].0);
    assert_eq!(
        serde_json::from_str::<Value>(&calls[0].2).unwrap(),
        json!({})
    );
    assert_eq!(
        serde_json::from_str::<Value>(&calls[1].2).unwrap(),
        json!({"x": 1})
    );
    assert_eq!(finish.as_deref(), Some("tool_calls"));
}

#[tokio::test]
async fn reasoning_comes_back_signed_and_can_be_replayed() {
    let h = Harness::start(&chat_config("")).await;
    let v = post_json(
        &h,
        json!({"model": SONNET_37, "reasoning_effort": "low",
        "messages": [{"role": "user", "content": "Why is the sky blue?"}]}),
    )
    .await;
    let message = &v["choices"][0]["message"];
    assert_eq!(
        message["reasoning_content"],
        "Thinking about: Why is the sky blue?"
    );
    let block = &message["thinking_blocks"][0];
    assert_eq!(block["type"], "thinking");
    assert!(block["signature"].as_str().unwrap().starts_with("sig-"));
    let sent = h.last_upstream_json();
    assert_eq!(
        sent["additionalModelRequestFields"]["thinking"]["type"],
        "enabled"
    );

    // The client sends the turn back: Bedrock receives the signed reasoning first.
    let v = post_json(&h, json!({"model": SONNET_37, "reasoning_effort": "low", "messages": [
        {"role": "user", "content": "Why is the sky blue?"},
        {"role": "assistant", "content": message["content"], "thinking_blocks": message["thinking_blocks"]},
        {"role": "user", "content": "And at sunset?"}]})).await;
    assert!(v["choices"][0]["message"]["content"]
        .as_str()
        .unwrap()
        .contains("And at sunset?"));
    let sent = h.last_upstream_json();
    assert_eq!(
        sent["messages"][1]["content"][0]["reasoningContent"]["reasoningText"]["signature"],
        block["signature"]
    );
}

#[tokio::test]
async fn reasoning_streams_as_reasoning_content_deltas_with_the_signature() {
    let h = Harness::start(&chat_config("")).await;
    let (_, _, body) = h
        .post(
            "/v1/chat/completions",
            &json!({"model": SONNET_37, "stream": true,
        "reasoning_effort": "medium", "messages": [{"role": "user", "content": "hi"}]})
            .to_string(),
        )
        .await;
    let mut reasoning = String::new();
    let mut signature = None;
    for data in sse_data(&body).into_iter().filter(|d| d != "[DONE]") {
        let chunk: Value = serde_json::from_str(&data).unwrap();
        let delta = &chunk["choices"][0]["delta"];
        reasoning.push_str(delta["reasoning_content"].as_str().unwrap_or_default());
        if let Some(s) = delta["thinking_blocks"][0]["signature"].as_str() {
            signature = Some(s.to_owned());
        }
    }
    assert_eq!(reasoning, "Thinking about: hi");
    assert!(signature.unwrap().starts_with("sig-"));
}

#[tokio::test]
async fn cache_markers_become_cache_points_and_cached_tokens_are_reported() {
    let h = Harness::start(&chat_config("")).await;
    let request = json!({"model": HAIKU, "stream_options": null, "messages": [
        {"role": "system", "content": [{"type": "text", "text": "You are a very patient assistant with a long prompt.", "cache_control": {"type": "ephemeral"}}]},
        {"role": "user", "content": "Question one"}]});
    let first = post_json(&h, request.clone()).await;
    let sent = h.last_upstream_json();
    assert_eq!(
        sent["system"][1],
        json!({"cachePoint": {"type": "default"}})
    );
    assert!(!sent.to_string().contains("cache_control"));
    assert_eq!(first["usage"]["prompt_tokens_details"]["cached_tokens"], 0);
    let second = post_json(&h, request).await;
    let cached = second["usage"]["prompt_tokens_details"]["cached_tokens"]
        .as_u64()
        .unwrap();
    assert_eq!(
        cached, 10,
        "the system prompt's words were read from the cache"
    );
    assert_eq!(
        second["usage"]["prompt_tokens"], first["usage"]["prompt_tokens"],
        "prompt tokens include cache reads"
    );
}

#[tokio::test]
async fn structured_output_is_native_or_emulated_by_model() {
    let h = Harness::start(&chat_config("")).await;
    let schema = json!({"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
                        "required": ["name", "age"], "additionalProperties": false});
    let response_format =
        json!({"type": "json_schema", "json_schema": {"name": "person", "schema": schema}});
    let v = post_json(
        &h,
        json!({"model": SONNET_45, "response_format": response_format,
        "messages": [{"role": "user", "content": "Invent a person"}]}),
    )
    .await;
    assert_eq!(
        serde_json::from_str::<Value>(v["choices"][0]["message"]["content"].as_str().unwrap())
            .unwrap(),
        json!({"age": 1, "name": "example"})
    );
    assert_eq!(
        h.last_upstream_json()["outputConfig"]["textFormat"]["type"],
        "json_schema"
    );

    let v = post_json(
        &h,
        json!({"model": HAIKU, "response_format": response_format,
        "messages": [{"role": "user", "content": "Invent a person"}]}),
    )
    .await;
    assert_eq!(v["choices"][0]["finish_reason"], "stop");
    assert!(v["choices"][0]["message"]["tool_calls"].is_null());
    assert_eq!(
        serde_json::from_str::<Value>(v["choices"][0]["message"]["content"].as_str().unwrap())
            .unwrap(),
        json!({"age": 1, "name": "example"})
    );
    let sent = h.last_upstream_json();
    assert_eq!(
        sent["toolConfig"]["toolChoice"],
        json!({"tool": {"name": "quarry_structured_output"}})
    );
}

#[tokio::test]
async fn guardrail_intervention_is_content_filter_with_the_trace() {
    let h = Harness::start(&chat_config("")).await;
    let guardrail =
        json!({"guardrailIdentifier": "gr-1", "guardrailVersion": "1", "trace": "enabled"});
    let v = post_json(
        &h,
        json!({"model": HAIKU, "guardrailConfig": guardrail,
        "messages": [{"role": "user", "content": "this should be blocked"}]}),
    )
    .await;
    assert_eq!(v["choices"][0]["finish_reason"], "content_filter");
    assert_eq!(
        v["choices"][0]["message"]["content"],
        "Sorry, the model cannot answer this question."
    );
    assert_eq!(
        v["trace"]["guardrail"]["inputAssessment"]["gr-1"]["topicPolicy"]["topics"][0]["action"],
        "BLOCKED"
    );

    // Streams take streamProcessingMode; one-shot calls must not send it to Converse.
    let with_mode = json!({"guardrailIdentifier": "gr-1", "guardrailVersion": "1", "streamProcessingMode": "async"});
    post_json(&h, json!({"model": HAIKU, "guardrailConfig": with_mode, "messages": [{"role": "user", "content": "fine"}]})).await;
    assert!(h.last_upstream_json()["guardrailConfig"]
        .get("streamProcessingMode")
        .is_none());
    let (status, _, body) = h
        .post(
            "/v1/chat/completions",
            &json!({"model": HAIKU, "stream": true, "guardrailConfig": with_mode,
        "messages": [{"role": "user", "content": "blocked again"}]})
            .to_string(),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        h.last_upstream_json()["guardrailConfig"]["streamProcessingMode"],
        "async"
    );
    assert!(
        body.contains("\"finish_reason\":\"content_filter\""),
        "{body}"
    );
}

#[tokio::test]
async fn pdf_file_parts_become_documents() {
    let h = Harness::start(&chat_config("")).await;
    let pdf = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, b"%PDF-1.4 fake");
    let v = post_json(&h, json!({"model": HAIKU, "messages": [{"role": "user", "content": [
        {"type": "text", "text": "Summarise"},
        {"type": "file", "file": {"filename": "report.pdf", "file_data": format!("data:application/pdf;base64,{pdf}")}}]}]})).await;
    assert_eq!(
        v["choices"][0]["message"]["content"],
        "Hello from the Bedrock emulator. You said: Summarise [document report pdf 13 bytes]"
    );
    let sent = h.last_upstream_json();
    assert_eq!(
        sent["messages"][0]["content"][1],
        json!({"document": {"format": "pdf", "name": "report", "source": {"bytes": pdf}}})
    );
}

#[tokio::test]
async fn family_rules_apply_to_profiles_and_arns() {
    let h = Harness::start(&chat_config("")).await;
    // Claude 4.5 refuses temperature with top_p: top_p is dropped.
    post_json(&h, json!({"model": SONNET_45, "temperature": 0.2, "top_p": 0.9, "messages": [{"role": "user", "content": "x"}]})).await;
    assert_eq!(
        h.last_upstream_json()["inferenceConfig"],
        json!({"temperature": 0.2})
    );
    // Titan Text takes no system prompt: it is folded into the first user message.
    post_json(
        &h,
        json!({"model": "amazon.titan-text-express-v1", "messages": [
        {"role": "system", "content": "Be brief."}, {"role": "user", "content": "x"}]}),
    )
    .await;
    let sent = h.last_upstream_json();
    assert!(sent.get("system").is_none());
    assert_eq!(sent["messages"][0]["content"][0]["text"], "Be brief.\n\nx");
    // …and has no tool use: a clear 400.
    let (status, _, body) = h.post("/v1/chat/completions", &json!({"model": "amazon.titan-text-express-v1",
        "tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}],
        "messages": [{"role": "user", "content": "x"}]}).to_string()).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("\"param\":\"tools\""), "{body}");
}

#[tokio::test]
async fn family_rules_see_through_foundation_model_and_profile_arns() {
    let h = Harness::start(&chat_config("")).await;
    for model in [
        "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1",
        "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    ] {
        post_json(&h, json!({"model": model, "temperature": 0.2, "top_p": 0.9, "messages": [
            {"role": "system", "content": "Be brief."}, {"role": "user", "content": "x"}]})).await;
        let sent = h.last_upstream_json();
        if model.contains("titan") {
            assert!(sent.get("system").is_none(), "{model}: Titan takes no system prompt");
            assert_eq!(sent["messages"][0]["content"][0]["text"], "Be brief.\n\nx");
        } else {
            assert_eq!(sent["inferenceConfig"], json!({"temperature": 0.2}), "{model}: top_p dropped for Claude 4.5");
        }
    }
}
