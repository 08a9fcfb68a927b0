#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Helpers for the engine's unit tests: run JSON bodies through parse, validate and reply.

use serde_json::{json, Value};

use super::cache::PromptCache;
use super::engine::{reply, Reply};
use super::validate::{parse, validate, Call};
use crate::error::ErrorCode;

pub(crate) const HAIKU: &str = "anthropic.claude-3-haiku-20240307-v1:0";
pub(crate) const NOVA: &str = "us.amazon.nova-lite-v1:0";

pub(crate) fn call(model_id: &str, streaming: bool) -> Call<'_> {
    Call {
        model_id,
        streaming,
    }
}

/// The reply to `body` on `Converse` with a Claude model and a fresh cache.
pub(crate) fn answer(body: Value) -> Reply {
    answer_with(&body, &PromptCache::default(), call(HAIKU, false))
}

pub(crate) fn answer_with(body: &Value, cache: &PromptCache, call: Call<'_>) -> Reply {
    let bytes = serde_json::to_vec(body).unwrap();
    let request = parse(&bytes).unwrap();
    validate(&request, call).unwrap();
    reply(&request, cache)
}

/// The `ValidationException` message for `body` (on `Converse` with a Claude model).
pub(crate) fn rejection(body: &str) -> String {
    rejection_for(body, call(HAIKU, false))
}

pub(crate) fn rejection_for(body: &str, call: Call<'_>) -> String {
    let error = match parse(body.as_bytes()) {
        Err(error) => error,
        Ok(request) => validate(&request, call).unwrap_err(),
    };
    assert_eq!(error.code, ErrorCode::ValidationException);
    error.message.into_owned()
}

pub(crate) fn user(text: &str) -> Value {
    json!({"role": "user", "content": [{"text": text}]})
}
