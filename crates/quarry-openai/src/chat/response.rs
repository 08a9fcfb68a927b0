//! Chat completion responses: the whole `chat.completion` object and the
//! `chat.completion.chunk` objects of a stream.
//!
//! Field order and the always-present `null`s (`logprobs`, `finish_reason`, `refusal`) follow
//! what OpenAI sends, because some clients read them without checking they exist.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::request::ToolCall;

/// `object` of a non-streamed chat completion.
pub const CHAT_COMPLETION_OBJECT: &str = "chat.completion";
/// `object` of every chunk of a streamed chat completion.
pub const CHAT_COMPLETION_CHUNK_OBJECT: &str = "chat.completion.chunk";

/// A non-streamed chat completion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatCompletion {
    pub id: String,
    pub object: Cow<'static, str>,
    pub created: u64,
    pub model: String,
    pub choices: Vec<Choice>,
    pub usage: Usage,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_fingerprint: Option<String>,
    /// Bedrock's `trace` (guardrail assessments, prompt router), passed through as Kong does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<Value>,
    /// Bedrock's `additionalModelResponseFields` (what `additionalModelResponseFieldPaths`
    /// asked for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_model_response_fields: Option<Value>,
}

impl ChatCompletion {
    /// A `chat.completion` with the given choices.
    pub fn new(
        id: String,
        created: u64,
        model: String,
        choices: Vec<Choice>,
        usage: Usage,
    ) -> Self {
        Self {
            id,
            object: Cow::Borrowed(CHAT_COMPLETION_OBJECT),
            created,
            model,
            choices,
            usage,
            system_fingerprint: None,
            trace: None,
            additional_model_response_fields: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub index: u32,
    pub message: ResponseMessage,
    /// Always `null`: Bedrock has no log probabilities.
    #[serde(default)]
    pub logprobs: Option<Value>,
    #[serde(default)]
    pub finish_reason: Option<Cow<'static, str>>,
}

/// The assistant's message in a non-streamed completion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseMessage {
    pub role: Cow<'static, str>,
    /// `null` when the assistant only called tools.
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default)]
    pub refusal: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_calls: Option<Vec<ToolCall>>,
    /// The model's reasoning text, all blocks joined (LiteLLM's and DeepSeek's field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_content: Option<String>,
    /// The reasoning blocks with their signatures, for a client to send the turn back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinking_blocks: Option<Vec<ThinkingBlock>>,
}

impl ResponseMessage {
    pub fn assistant(content: Option<String>, tool_calls: Option<Vec<ToolCall>>) -> Self {
        Self {
            role: Cow::Borrowed("assistant"),
            content,
            refusal: None,
            tool_calls,
            reasoning_content: None,
            thinking_blocks: None,
        }
    }
}

/// One reasoning block, in LiteLLM's convention (which Anthropic-aware clients replay): signed
/// reasoning text, or reasoning the provider encrypted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum ThinkingBlock {
    #[serde(rename = "thinking")]
    Thinking {
        /// Empty when the provider only returned a signature (Claude's omitted display).
        #[serde(default)]
        thinking: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signature: Option<String>,
    },
    #[serde(rename = "redacted_thinking")]
    Redacted {
        /// Base64 of the encrypted reasoning.
        data: String,
    },
}

/// Token counts. `prompt_tokens` includes cached prompt tokens, as in OpenAI's API.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub total_tokens: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_tokens_details: Option<PromptTokensDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion_tokens_details: Option<CompletionTokensDetails>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromptTokensDetails {
    /// Prompt tokens read from a prompt cache.
    pub cached_tokens: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompletionTokensDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_tokens: Option<u64>,
}

/// One `chat.completion.chunk` of a stream. Borrows its strings so a stream translator can
/// serialize a chunk without copying the id, model or text delta.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatCompletionChunk<'a> {
    pub id: Cow<'a, str>,
    pub object: Cow<'a, str>,
    pub created: u64,
    pub model: Cow<'a, str>,
    pub choices: Vec<ChunkChoice<'a>>,
    /// Present only on the final usage chunk (`stream_options.include_usage`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_fingerprint: Option<Cow<'a, str>>,
    /// Bedrock's `trace`, on the usage chunk (or the finish chunk without a usage chunk).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<Value>,
    /// Bedrock's `additionalModelResponseFields`, on the finish chunk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_model_response_fields: Option<Value>,
}

impl<'a> ChatCompletionChunk<'a> {
    /// A chunk carrying `choices`, stamped with the stream's id, creation time and model.
    pub fn new(id: &'a str, created: u64, model: &'a str, choices: Vec<ChunkChoice<'a>>) -> Self {
        Self {
            id: Cow::Borrowed(id),
            object: Cow::Borrowed(CHAT_COMPLETION_CHUNK_OBJECT),
            created,
            model: Cow::Borrowed(model),
            choices,
            usage: None,
            system_fingerprint: None,
            trace: None,
            additional_model_response_fields: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChunkChoice<'a> {
    pub index: u32,
    pub delta: Delta<'a>,
    /// Always `null`.
    #[serde(default)]
    pub logprobs: Option<Value>,
    /// `null` on every chunk but the one that ends the choice.
    #[serde(default)]
    pub finish_reason: Option<Cow<'a, str>>,
}

impl<'a> ChunkChoice<'a> {
    /// Choice 0 with the given delta and no finish reason.
    pub fn delta(delta: Delta<'a>) -> Self {
        Self {
            index: 0,
            delta,
            logprobs: None,
            finish_reason: None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Delta<'a> {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_calls: Option<Vec<ToolCallChunk<'a>>>,
    /// A piece of the model's reasoning text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_content: Option<Cow<'a, str>>,
    /// A finished reasoning block with its signature (or a redacted one), for replay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinking_blocks: Option<Vec<ThinkingBlock>>,
}

/// A piece of a streamed tool call. `index` is dense and 0-based over the tool calls of the
/// message; `id` and `function.name` come once, on the first piece.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCallChunk<'a> {
    pub index: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Cow<'a, str>>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<FunctionCallChunk<'a>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FunctionCallChunk<'a> {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arguments: Option<Cow<'a, str>>,
}
