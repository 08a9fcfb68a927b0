//! ConverseStream bytes on the wire, decoded frame by frame.

use aws_smithy_eventstream::frame::{DecodedFrame, MessageFrameDecoder};
use aws_smithy_types::event_stream::Message;
use bedrock_emulator::{FAULT_ERROR_FRAME, FAULT_STREAM_THROTTLE, FAULT_TRUNCATE};
use bytes::BytesMut;
use http::StatusCode;
use serde_json::Value;

use crate::common::emulator;
use crate::wire::{call, Auth, Raw, HI};

/// Decode every complete frame; also return how many bytes were left over.
pub fn frames(raw: &Raw) -> (Vec<Message>, usize) {
    let mut buffer = BytesMut::from(&raw.body[..]);
    let mut decoder = MessageFrameDecoder::new();
    let mut messages = Vec::new();
    while let DecodedFrame::Complete(message) = decoder.decode_frame(&mut buffer).unwrap() {
        messages.push(message);
    }
    (messages, buffer.len())
}

fn headers(message: &Message) -> Vec<(String, String)> {
    message
        .headers()
        .iter()
        .map(|h| {
            (
                h.name().as_str().to_owned(),
                h.value().as_string().unwrap().as_str().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_stream_is_an_eventstream_of_padded_events() {
    let emu = emulator().await;
    let raw = call(
        &emu,
        "/model/meta.llama3-8b-instruct-v1%3A0/converse-stream",
        HI,
        Auth::SigV4,
    )
    .await;
    assert_eq!(raw.status, StatusCode::OK);
    assert_eq!(
        raw.header("content-type"),
        Some("application/vnd.amazon.eventstream")
    );
    assert_eq!(raw.header("transfer-encoding"), Some("chunked"));
    assert!(raw.header("x-amzn-requestid").is_some());
    let (messages, left) = frames(&raw);
    assert_eq!(left, 0);
    let types: Vec<String> = messages.iter().map(|m| headers(m)[0].1.clone()).collect();
    assert_eq!(types.first().map(String::as_str), Some("messageStart"));
    assert_eq!(types.last().map(String::as_str), Some("metadata"));
    for message in &messages {
        let names: Vec<String> = headers(message).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, [":event-type", ":content-type", ":message-type"]);
        let payload: Value = serde_json::from_slice(message.payload()).unwrap();
        let p = payload["p"].as_str().unwrap();
        assert!("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".starts_with(p));
    }
}

#[tokio::test]
async fn validation_errors_come_before_the_stream() {
    let emu = emulator().await;
    let raw = call(
        &emu,
        "/model/meta.llama3-8b-instruct-v1%3A0/converse-stream",
        r#"{"messages":[{"role":"assistant","content":[{"text":"hi"}]}]}"#,
        Auth::SigV4,
    )
    .await;
    assert_eq!(raw.status, StatusCode::BAD_REQUEST);
    assert_eq!(raw.header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn an_error_frame_carries_its_code_in_headers() {
    let emu = emulator().await;
    let raw = call(
        &emu,
        &format!("/model/{FAULT_ERROR_FRAME}/converse-stream"),
        HI,
        Auth::SigV4,
    )
    .await;
    let (messages, _) = frames(&raw);
    assert_eq!(messages.len(), 2);
    assert_eq!(
        headers(&messages[1]),
        [
            (":message-type".to_owned(), "error".to_owned()),
            (":error-code".to_owned(), "InternalFailure".to_owned()),
            (
                ":error-message".to_owned(),
                "An internal error occurred".to_owned()
            ),
        ]
    );
    assert!(messages[1].payload().is_empty());
}

#[tokio::test]
async fn a_throttling_frame_is_a_modeled_exception() {
    let emu = emulator().await;
    let raw = call(
        &emu,
        &format!("/model/{FAULT_STREAM_THROTTLE}/converse-stream"),
        HI,
        Auth::SigV4,
    )
    .await;
    assert_eq!(raw.status, StatusCode::OK);
    let (messages, _) = frames(&raw);
    assert_eq!(
        headers(&messages[1]),
        [
            (
                ":exception-type".to_owned(),
                "throttlingException".to_owned()
            ),
            (":content-type".to_owned(), "application/json".to_owned()),
            (":message-type".to_owned(), "exception".to_owned()),
        ]
    );
    let payload: Value = serde_json::from_slice(messages[1].payload()).unwrap();
    assert_eq!(
        payload["message"],
        "Too many requests, please wait before trying again."
    );
}

#[tokio::test]
async fn a_truncated_stream_ends_inside_a_frame() {
    let emu = emulator().await;
    let raw = call(
        &emu,
        &format!("/model/{FAULT_TRUNCATE}/converse-stream"),
        HI,
        Auth::SigV4,
    )
    .await;
    let (messages, left) = frames(&raw);
    assert_eq!(messages.len(), 3);
    assert!(left > 0, "half a frame is left over");
}
