//! The new Converse members as raw JSON on the wire: golden response bodies for reasoning, cache
//! usage and guardrail traces, and the rules only a raw client can break.

use http::StatusCode;
use serde_json::{json, Value};

use crate::common::emulator;
use crate::wire::{call, Auth};
use crate::wire_stream::frames;

const HAIKU_PATH: &str = "/model/anthropic.claude-3-haiku-20240307-v1%3A0";

#[tokio::test]
async fn a_full_featured_reply_has_the_bedrock_shape() {
    let emu = emulator().await;
    let body = json!({
        "system": [{"text": "Be brief."}, {"cachePoint": {"type": "default"}}],
        "messages": [{"role": "user", "content": [{"text": "hi"}]}],
        "additionalModelRequestFields": {"thinking": {"type": "enabled", "budget_tokens": 1024}},
        "guardrailConfig": {"guardrailIdentifier": "abc123", "guardrailVersion": "1", "trace": "enabled"},
    })
    .to_string();
    let raw = call(&emu, &format!("{HAIKU_PATH}/converse"), &body, Auth::SigV4).await;
    assert_eq!(raw.status, StatusCode::OK);
    let reply = raw.json();
    assert_eq!(
        reply["output"],
        json!({"message": {"role": "assistant", "content": [
            {"reasoningContent": {"reasoningText": {"text": "Thinking about: hi", "signature": "sig-2c77d21a9102c74a"}}},
            {"text": "Hello from the Bedrock emulator. You said: hi"},
        ]}})
    );
    assert_eq!(reply["stopReason"], "end_turn");
    // 2 system words cached; 3 reasoning + 8 text words out
    assert_eq!(
        reply["usage"],
        json!({"inputTokens": 1, "outputTokens": 11, "totalTokens": 14,
               "cacheReadInputTokens": 0, "cacheWriteInputTokens": 2})
    );
    assert_eq!(
        reply["trace"],
        json!({"guardrail": {"inputAssessment": {"abc123": {}}}})
    );

    let again = call(&emu, &format!("{HAIKU_PATH}/converse"), &body, Auth::SigV4).await;
    assert_eq!(again.json()["usage"]["cacheReadInputTokens"], 2);
}

#[tokio::test]
async fn stream_processing_mode_is_extraneous_on_converse() {
    let emu = emulator().await;
    let body = json!({
        "messages": [{"role": "user", "content": [{"text": "hi"}]}],
        "guardrailConfig": {"guardrailIdentifier": "abc123", "guardrailVersion": "1", "streamProcessingMode": "sync"},
    })
    .to_string();
    let raw = call(&emu, &format!("{HAIKU_PATH}/converse"), &body, Auth::SigV4).await;
    assert_eq!(raw.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        raw.header("x-amzn-errortype")
            .map(|t| t.split(':').next().unwrap()),
        Some("ValidationException")
    );
    assert_eq!(
        raw.json(),
        json!({"message": "Malformed input request: extraneous key [streamProcessingMode] is not permitted"})
    );
    let raw = call(
        &emu,
        &format!("{HAIKU_PATH}/converse-stream"),
        &body,
        Auth::SigV4,
    )
    .await;
    assert_eq!(raw.status, StatusCode::OK);
}

#[tokio::test]
async fn a_reasoning_stream_has_the_bedrock_event_payloads() {
    let emu = emulator().await;
    let body = json!({
        "messages": [{"role": "user", "content": [{"text": "hi"}]}],
        "additionalModelRequestFields": {"reasoningConfig": {"type": "enabled"}},
    })
    .to_string();
    let raw = call(
        &emu,
        &format!("{HAIKU_PATH}/converse-stream"),
        &body,
        Auth::SigV4,
    )
    .await;
    let (messages, left) = frames(&raw);
    assert_eq!(left, 0);
    let payloads: Vec<Value> = messages
        .iter()
        .map(|m| {
            let mut payload: Value = serde_json::from_slice(m.payload()).unwrap();
            payload.as_object_mut().unwrap().remove("p");
            payload
        })
        .collect();
    assert_eq!(
        payloads[1..6],
        [
            json!({"contentBlockIndex": 0, "delta": {"reasoningContent": {"text": "Thinking"}}}),
            json!({"contentBlockIndex": 0, "delta": {"reasoningContent": {"text": " about:"}}}),
            json!({"contentBlockIndex": 0, "delta": {"reasoningContent": {"text": " hi"}}}),
            json!({"contentBlockIndex": 0, "delta": {"reasoningContent": {"signature": "sig-2c77d21a9102c74a"}}}),
            json!({"contentBlockIndex": 0}),
        ]
    );
    assert_eq!(
        payloads[6],
        json!({"contentBlockIndex": 1, "delta": {"text": "Hello"}})
    );
}
