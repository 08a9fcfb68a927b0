//! Golden tests for the chat translators: OpenAI JSON in → exact Converse JSON out, Converse
//! JSON in → exact OpenAI JSON out, and realistic event sequences → exact SSE bytes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod completions;
mod request;
mod response;
mod stream;
mod tools;

use quarry_openai::chat::ChatRequest;
use serde_json::Value;

use super::{converse_from_chat, ChatDefaults, ResponseMeta, TranslateError};

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

fn meta() -> ResponseMeta {
    ResponseMeta {
        id: "chatcmpl-test".into(),
        created: 1_700_000_000,
        model: "claude".into(),
    }
}
