//! `POST /v1/completions` (legacy text completions): request, response and stream chunks.
//! A stream chunk has the same `text_completion` shape as the whole response.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::chat::{Stop, StreamOptions, Usage};

/// `object` of a text completion and of each of its stream chunks.
pub const TEXT_COMPLETION_OBJECT: &str = "text_completion";

/// A legacy completion request. `prompt` stays raw JSON because OpenAI accepts a string, a
/// list of strings, token arrays and lists of token arrays; the translator refuses what it
/// cannot map with a message naming the form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CompletionRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    /// Not part of OpenAI's API, but many clients send it; accepted and mapped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_k: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop: Option<Stop>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<u32>,
    /// An integer in OpenAI's API (number of log probabilities per token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logprobs: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub echo: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best_of: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_options: Option<StreamOptions>,
    /// Every other field: Bedrock passthrough fields, `extra_body`, and ignored OpenAI fields.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl CompletionRequest {
    pub fn is_stream(&self) -> bool {
        self.stream == Some(true)
    }

    pub fn include_usage(&self) -> bool {
        self.stream_options
            .as_ref()
            .and_then(|o| o.include_usage)
            .unwrap_or(false)
    }
}

/// A text completion, or one chunk of a streamed one (then `usage` is absent except on the
/// final usage chunk, whose `choices` is empty).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextCompletion<'a> {
    pub id: Cow<'a, str>,
    pub object: Cow<'a, str>,
    pub created: u64,
    pub model: Cow<'a, str>,
    pub choices: Vec<CompletionChoice<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_fingerprint: Option<Cow<'a, str>>,
}

impl<'a> TextCompletion<'a> {
    pub fn new(
        id: impl Into<Cow<'a, str>>,
        created: u64,
        model: impl Into<Cow<'a, str>>,
        choices: Vec<CompletionChoice<'a>>,
        usage: Option<Usage>,
    ) -> Self {
        Self {
            id: id.into(),
            object: Cow::Borrowed(TEXT_COMPLETION_OBJECT),
            created,
            model: model.into(),
            choices,
            usage,
            system_fingerprint: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompletionChoice<'a> {
    pub text: Cow<'a, str>,
    pub index: u32,
    /// Always `null`: Bedrock has no log probabilities.
    #[serde(default)]
    pub logprobs: Option<Value>,
    /// `null` on stream chunks until the last one.
    #[serde(default)]
    pub finish_reason: Option<Cow<'a, str>>,
}

impl<'a> CompletionChoice<'a> {
    /// Choice 0 with `text` and an optional finish reason.
    pub fn new(text: impl Into<Cow<'a, str>>, finish_reason: Option<&'a str>) -> Self {
        Self {
            text: text.into(),
            index: 0,
            logprobs: None,
            finish_reason: finish_reason.map(Cow::Borrowed),
        }
    }
}
