//! Golden tests for the chat translators: OpenAI JSON in → exact Converse JSON out, Converse
//! JSON in → exact OpenAI JSON out, and realistic event sequences → exact SSE bytes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cache;
mod completions;
mod content;
mod extras;
mod family;
mod reasoning;
mod request;
mod response;
mod stream;
mod structured;
mod tools;

use bytes::BytesMut;
use quarry_openai::chat::ChatRequest;
use serde_json::Value;

use super::{
    converse_from_chat, converse_from_chat_for_model, ChatDefaults, ResponseMeta, StreamFormat,
    StreamTranslator, TranslateError,
};

const SONNET_4_5: &str = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const SONNET_3_5: &str = "anthropic.claude-3-5-sonnet-20241022-v2:0";
const NOVA_PRO: &str = "us.amazon.nova-pro-v1:0";

/// Translates a chat request with no route defaults and returns the Converse JSON.
fn converse(req: Value) -> Value {
    converse_with(req, &ChatDefaults::default())
}

fn converse_with(req: Value, defaults: &ChatDefaults) -> Value {
    let req: ChatRequest = serde_json::from_value(req).unwrap();
    let out = converse_from_chat(&req, defaults).unwrap_or_else(|e| panic!("refused: {e}"));
    serde_json::to_value(out).unwrap()
}

/// Asserts the request is refused with exactly this param and message.
fn refused(req: Value, param: &str, message: &str) {
    let parsed: ChatRequest = serde_json::from_value(req).unwrap();
    let err = converse_from_chat(&parsed, &ChatDefaults::default()).unwrap_err();
    assert_eq!(
        err,
        TranslateError {
            message: message.to_owned(),
            param: Some(param.to_owned())
        }
    );
}

/// Translates a chat request for `model_id` (non-streaming) and returns the Converse JSON.
fn converse_for(model_id: &str, req: Value) -> Value {
    converse_for_mode(model_id, req, false)
}

fn converse_for_mode(model_id: &str, req: Value, stream: bool) -> Value {
    let req: ChatRequest = serde_json::from_value(req).unwrap();
    let out = converse_from_chat_for_model(&req, &ChatDefaults::default(), model_id, stream)
        .unwrap_or_else(|e| panic!("refused: {e}"));
    serde_json::to_value(out).unwrap()
}

/// Asserts the request for `model_id` is refused with exactly this param and message.
fn refused_for(model_id: &str, req: Value, param: &str, message: &str) {
    let parsed: ChatRequest = serde_json::from_value(req).unwrap();
    let err = converse_from_chat_for_model(&parsed, &ChatDefaults::default(), model_id, false)
        .unwrap_err();
    assert_eq!(
        err,
        TranslateError {
            message: message.to_owned(),
            param: Some(param.to_owned())
        }
    );
}

/// Feeds `(event type, payload)` pairs to a translator, then ends the body; returns the SSE
/// text and the translator.
fn run_stream(mut t: StreamTranslator, events: &[(&str, &str)]) -> (String, StreamTranslator) {
    let mut out = BytesMut::new();
    for (event_type, payload) in events {
        t.on_event(event_type, payload.as_bytes(), &mut out)
            .unwrap_or_else(|e| panic!("{event_type}: {e}"));
    }
    t.finish(&mut out);
    (String::from_utf8(out.to_vec()).unwrap(), t)
}

fn chat_stream(include_usage: bool) -> StreamTranslator {
    let mut t = StreamTranslator::new(StreamFormat::Chat, meta(), include_usage);
    t.keep_text();
    t
}

/// `data: <chat chunk>\n\n` with the test stream's id, created and model.
fn chunk(body: &str) -> String {
    format!(
        "data: {{\"id\":\"chatcmpl-test\",\"object\":\"chat.completion.chunk\",\
         \"created\":1700000000,\"model\":\"claude\",{body}}}\n\n"
    )
}

/// A chunk with one delta and no finish reason.
fn delta_chunk(delta: &str) -> String {
    chunk(&format!(
        r#""choices":[{{"index":0,"delta":{delta},"logprobs":null,"finish_reason":null}}]"#
    ))
}

const ROLE_CHUNK: &str = r#"{"role":"assistant","content":""}"#;

fn meta() -> ResponseMeta {
    ResponseMeta {
        id: "chatcmpl-test".into(),
        created: 1_700_000_000,
        model: "claude".into(),
    }
}
