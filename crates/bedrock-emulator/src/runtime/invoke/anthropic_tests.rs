#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::time::{Instant, SystemTime};

use http::HeaderMap;
use serde_json::json;

use super::*;
use crate::ctx::Stores;
use crate::runtime::invoke::anthropic_stream::{events, Latency};

const HAIKU: &str = "anthropic.claude-3-haiku-20240307-v1:0";

fn exchange_with(body: &Value, headers: &HeaderMap, stores: &Stores) -> Result<Exchange, ApiError> {
    let bytes = serde_json::to_vec(body).unwrap();
    let ctx = Ctx {
        label: HAIKU,
        body: &bytes,
        headers,
        query: "",
        region: "us-east-1",
        now: SystemTime::UNIX_EPOCH,
        started: Instant::now(),
        stores,
    };
    answer(&ctx, body)
}

fn exchange(body: Value) -> Exchange {
    exchange_with(&body, &HeaderMap::new(), &Stores::default()).unwrap()
}

fn hello(text: &str) -> Value {
    json!({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 100,
           "messages": [{"role": "user", "content": text}]})
}

#[test]
fn the_message_matches_the_converse_reply() {
    let message = message(&exchange(hello("hi there")));
    assert_eq!(message["type"], "message");
    assert_eq!(message["role"], "assistant");
    assert_eq!(message["model"], "claude-3-haiku-20240307");
    assert!(message["id"].as_str().unwrap().starts_with("msg_bdrk_01"));
    assert_eq!(
        message["id"].as_str().unwrap().len(),
        "msg_bdrk_01".len() + 22
    );
    assert_eq!(
        message["content"],
        json!([{"type": "text", "text": "Hello from the Bedrock emulator. You said: hi there"}])
    );
    assert_eq!(message["stop_reason"], "end_turn");
    assert_eq!(message["stop_sequence"], Value::Null);
    assert_eq!(
        message["usage"],
        json!({"input_tokens": 2, "output_tokens": 9})
    );
    assert!(message.get("amazon-bedrock-guardrailAction").is_none());
}

#[test]
fn stop_sequences_limits_and_system_blocks() {
    let mut body = hello("one two three");
    body["stop_sequences"] = json!(["You said"]);
    body["system"] = json!([{"type": "text", "text": "be brief"}]);
    let message = message(&exchange(body));
    assert_eq!(message["stop_reason"], "stop_sequence");
    assert_eq!(message["stop_sequence"], "You said");
    assert_eq!(
        message["content"][0]["text"],
        "Hello from the Bedrock emulator. "
    );
    assert_eq!(message["usage"]["input_tokens"], 5);

    let mut body = hello("x");
    body["max_tokens"] = json!(2);
    let message = super::message(&exchange(body));
    assert_eq!(message["stop_reason"], "max_tokens");
    assert_eq!(message["content"][0]["text"], "Hello from");
}

#[test]
fn tools_thinking_and_tool_results() {
    let mut body = hello("weather?");
    body["tools"] = json!([{"name": "get_weather", "description": "d",
        "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}]);
    let message = message(&exchange(body.clone()));
    assert_eq!(message["stop_reason"], "tool_use");
    assert_eq!(message["content"][1]["type"], "tool_use");
    assert_eq!(message["content"][1]["name"], "get_weather");
    assert_eq!(message["content"][1]["input"], json!({"city": "example"}));
    let id = message["content"][1]["id"].as_str().unwrap();
    assert!(id.starts_with("toolu_bdrk_01"));

    body["messages"] = json!([
        {"role": "user", "content": "weather?"},
        {"role": "assistant", "content": [{"type": "tool_use", "id": id, "name": "get_weather", "input": {"city": "Paris"}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": id, "content": "sunny"}]},
    ]);
    let message = super::message(&exchange(body));
    assert_eq!(
        message["content"][0]["text"],
        "Tool results received: sunny"
    );

    let mut body = hello("think");
    body["thinking"] = json!({"type": "enabled", "budget_tokens": 1024});
    let message = super::message(&exchange(body));
    assert_eq!(message["content"][0]["type"], "thinking");
    assert_eq!(message["content"][0]["thinking"], "Thinking about: think");
    assert!(message["content"][0]["signature"]
        .as_str()
        .unwrap()
        .starts_with("sig-"));
}

#[test]
fn guardrail_headers_and_cache_control() {
    let mut headers = HeaderMap::new();
    headers.insert("x-amzn-bedrock-guardrailidentifier", "gr1".parse().unwrap());
    headers.insert("x-amzn-bedrock-guardrailversion", "1".parse().unwrap());
    headers.insert("x-amzn-bedrock-trace", "ENABLED".parse().unwrap());
    let stores = Stores::default();
    let blocked = exchange_with(&hello("this is blocked"), &headers, &stores).unwrap();
    let message = message(&blocked);
    assert_eq!(message["amazon-bedrock-guardrailAction"], "INTERVENED");
    assert_eq!(
        message["content"][0]["text"],
        "Sorry, the model cannot answer this question."
    );
    assert!(message["amazon-bedrock-trace"]["guardrail"]["inputAssessment"]["gr1"].is_object());
    let fine = exchange_with(&hello("fine"), &headers, &stores).unwrap();
    assert_eq!(
        super::message(&fine)["amazon-bedrock-guardrailAction"],
        "NONE"
    );

    let body = json!({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 10,
        "system": [{"type": "text", "text": "a long system prompt", "cache_control": {"type": "ephemeral"}}],
        "messages": [{"role": "user", "content": "hi"}]});
    let first = super::message(&exchange_with(&body, &HeaderMap::new(), &stores).unwrap());
    assert_eq!(first["usage"]["cache_creation_input_tokens"], 4);
    assert_eq!(first["usage"]["cache_read_input_tokens"], 0);
    let second = super::message(&exchange_with(&body, &HeaderMap::new(), &stores).unwrap());
    assert_eq!(second["usage"]["cache_read_input_tokens"], 4);
    assert_eq!(second["usage"]["input_tokens"], 1);
}

#[test]
fn required_members_are_bedrocks_schema_errors() {
    let rejection = |body: Value| {
        exchange_with(&body, &HeaderMap::new(), &Stores::default())
            .err()
            .unwrap()
            .message
            .into_owned()
    };
    assert_eq!(
        rejection(json!({"max_tokens": 1, "messages": []})),
        "Malformed input request: #: required key [anthropic_version] not found, please reformat your input and try again."
    );
    assert!(rejection(json!({"anthropic_version": "x", "messages": []}))
        .contains("required key [max_tokens] not found"));
    assert!(rejection(
        json!({"anthropic_version": "x", "max_tokens": 5, "messages": [
        {"role": "user", "content": [{"type": "video"}]}]})
    )
    .contains("#/messages/0/content/0/type: video is not a valid enum value"));
}

#[test]
fn stream_events_concatenate_to_the_message() {
    let mut body = hello("stream this");
    body["thinking"] = json!({"type": "enabled", "budget_tokens": 1024});
    let exchange = exchange(body);
    let events = events(
        &exchange,
        Latency {
            first_byte: 3,
            total: 7,
        },
    );
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types[0], "message_start");
    assert_eq!(types[1], "content_block_start");
    assert_eq!(&types[types.len() - 2..], ["message_delta", "message_stop"]);
    let text: String = events
        .iter()
        .filter(|e| e["delta"]["type"] == "text_delta")
        .map(|e| e["delta"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(text, exchange.reply.text);
    let thinking: String = events
        .iter()
        .filter(|e| e["delta"]["type"] == "thinking_delta")
        .map(|e| e["delta"]["thinking"].as_str().unwrap())
        .collect();
    assert_eq!(thinking, "Thinking about: stream this");
    assert!(events
        .iter()
        .any(|e| e["delta"]["type"] == "signature_delta"));
    let last = events.last().unwrap();
    assert_eq!(
        last["amazon-bedrock-invocationMetrics"],
        json!({"inputTokenCount": 2, "outputTokenCount": exchange.reply.usage.output_tokens,
               "invocationLatency": 7, "firstByteLatency": 3})
    );
    assert_eq!(
        events[events.len() - 2]["usage"]["output_tokens"],
        exchange.reply.usage.output_tokens
    );
}

#[test]
fn model_names_drop_provider_and_version() {
    assert_eq!(model_name(HAIKU), "claude-3-haiku-20240307");
    assert_eq!(
        model_name("us.anthropic.claude-sonnet-4-20250514-v1:0"),
        "claude-sonnet-4-20250514"
    );
    assert_eq!(model_name("quarry.fault-slow-5"), "quarry.fault-slow-5");
}
