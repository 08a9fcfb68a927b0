//! InvokeModelWithResponseStream and CountTokens through the official SDK: every chunk
//! decoded back to Anthropic's streaming events, the invocation metrics, and the stream faults.

use aws_sdk_bedrockruntime::primitives::Blob;
use aws_sdk_bedrockruntime::types::{
    ContentBlock, ConversationRole, ConverseTokensRequest, CountTokensInput,
    InvokeModelTokensRequest, Message, ResponseStream,
};
use aws_sdk_bedrockruntime::Client;
use bedrock_emulator::{FAULT_BAD_CRC, FAULT_STREAM_ERROR, FAULT_STREAM_THROTTLE, FAULT_TRUNCATE};
use serde_json::{json, Value};

use crate::common::{client, emulator, user, HAIKU};

fn anthropic_body(text: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "anthropic_version": "bedrock-2023-05-31", "max_tokens": 100,
        "messages": [{"role": "user", "content": text}],
    }))
    .unwrap()
}

/// The decoded inner events received, and whether the stream ended cleanly.
async fn consume(client: &Client, model: &str, text: &str) -> (Vec<Value>, Result<(), String>) {
    let mut output = client
        .invoke_model_with_response_stream()
        .model_id(model)
        .content_type("application/json")
        .accept("application/json")
        .body(Blob::new(anthropic_body(text)))
        .send()
        .await
        .unwrap();
    assert_eq!(output.content_type(), "application/json");
    let mut events = Vec::new();
    loop {
        match output.body.recv().await {
            Ok(Some(ResponseStream::Chunk(part))) => {
                let bytes = part.bytes().unwrap().as_ref();
                events.push(serde_json::from_slice(bytes).unwrap());
            }
            Ok(Some(other)) => panic!("unexpected event {other:?}"),
            Ok(None) => return (events, Ok(())),
            Err(error) => return (events, Err(format!("{error:?}"))),
        }
    }
}

#[tokio::test]
async fn a_full_stream_decodes_to_anthropic_events() {
    let emu = emulator().await;
    let client = client(&emu);
    let (events, end) = consume(&client, HAIKU, "stream me please").await;
    end.unwrap();
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    let deltas = types
        .iter()
        .filter(|t| **t == "content_block_delta")
        .count();
    assert_eq!(deltas, 10, "one text_delta per word");
    assert_eq!(types[..2], ["message_start", "content_block_start"]);
    assert_eq!(
        types[types.len() - 3..],
        ["content_block_stop", "message_delta", "message_stop"]
    );
    assert_eq!(events[0]["message"]["model"], "claude-3-haiku-20240307");
    assert_eq!(events[0]["message"]["usage"]["input_tokens"], 3);
    let text: String = events
        .iter()
        .filter_map(|e| e["delta"]["text"].as_str())
        .collect();
    assert_eq!(
        text,
        "Hello from the Bedrock emulator. You said: stream me please"
    );
    let delta = &events[events.len() - 2];
    assert_eq!(delta["delta"]["stop_reason"], "end_turn");
    assert_eq!(delta["usage"]["output_tokens"], 10);
    let metrics = &events[events.len() - 1]["amazon-bedrock-invocationMetrics"];
    assert_eq!(metrics["inputTokenCount"], 3);
    assert_eq!(metrics["outputTokenCount"], 10);
    assert!(metrics["invocationLatency"].is_u64());
    assert!(metrics["firstByteLatency"].is_u64());
    assert_eq!(emu.stream_stats().completed, 1);
}

#[tokio::test]
async fn the_wire_carries_chunk_frames_with_padding() {
    let emu = emulator().await;
    let path = format!(
        "/model/{}/invoke-with-response-stream",
        HAIKU.replace(':', "%3A")
    );
    let body = String::from_utf8(anthropic_body("hi")).unwrap();
    let raw = crate::wire::call(&emu, &path, &body, crate::wire::Auth::SigV4).await;
    assert_eq!(
        raw.header("content-type"),
        Some("application/vnd.amazon.eventstream")
    );
    assert_eq!(
        raw.header("x-amzn-bedrock-content-type"),
        Some("application/json")
    );
    let first = aws_smithy_eventstream::frame::read_message_from(raw.body.clone()).unwrap();
    let payload: Value = serde_json::from_slice(first.payload()).unwrap();
    assert!(payload["bytes"].is_string());
    assert!(payload["p"].is_string());
}

#[tokio::test]
async fn stream_faults_surface_as_sdk_errors() {
    let emu = emulator().await;
    let client = client(&emu);
    let (events, end) = consume(&client, FAULT_STREAM_ERROR, "x").await;
    assert_eq!(events.len(), 4);
    assert!(end.unwrap_err().contains("ModelStreamError"));
    let (events, end) = consume(&client, FAULT_STREAM_THROTTLE, "x").await;
    assert_eq!(events.len(), 1);
    assert!(end.unwrap_err().contains("Throttling"));
    for fault in [FAULT_TRUNCATE, FAULT_BAD_CRC] {
        let (_, end) = consume(&client, fault, "x").await;
        assert!(end.is_err(), "{fault}");
    }
}

#[tokio::test]
async fn other_families_do_not_stream() {
    let emu = emulator().await;
    let error = client(&emu)
        .invoke_model_with_response_stream()
        .model_id("amazon.titan-embed-text-v2:0")
        .body(Blob::new(br#"{"inputText":"x"}"#.to_vec()))
        .send()
        .await
        .unwrap_err();
    assert!(error.into_service_error().is_validation_exception());
}

#[tokio::test]
async fn count_tokens_counts_like_converse_and_invoke() {
    let emu = emulator().await;
    let client = client(&emu);
    let converse = CountTokensInput::Converse(
        ConverseTokensRequest::builder()
            .messages(user("one two three"))
            .messages(
                Message::builder()
                    .role(ConversationRole::Assistant)
                    .content(ContentBlock::Text("four five".into()))
                    .build()
                    .unwrap(),
            )
            .messages(user("six"))
            .build(),
    );
    let counted = client
        .count_tokens()
        .model_id(HAIKU)
        .input(converse)
        .send()
        .await
        .unwrap();
    assert_eq!(counted.input_tokens(), 6);

    let invoke = CountTokensInput::InvokeModel(
        InvokeModelTokensRequest::builder()
            .body(Blob::new(anthropic_body("stream me please")))
            .build()
            .unwrap(),
    );
    let counted = client
        .count_tokens()
        .model_id(HAIKU)
        .input(invoke)
        .send()
        .await
        .unwrap();
    assert_eq!(counted.input_tokens(), 3);

    let titan = CountTokensInput::InvokeModel(
        InvokeModelTokensRequest::builder()
            .body(Blob::new(br#"{"inputText":"x"}"#.to_vec()))
            .build()
            .unwrap(),
    );
    let error = client
        .count_tokens()
        .model_id("amazon.titan-embed-text-v2:0")
        .input(titan)
        .send()
        .await
        .unwrap_err();
    assert!(error.into_service_error().is_validation_exception());
}
