//! Chat completions and legacy completions over Converse / ConverseStream: pure translators
//! from OpenAI requests to Converse requests, from Converse responses to OpenAI responses,
//! and from ConverseStream events to OpenAI server-sent events.
//!
//! | file | owns |
//! |---|---|
//! | `request.rs` | entry points, sampling parameters, route defaults, per-family adjustments |
//! | `messages.rs` | messages → `system` / `messages`: roles, merging, blank text, refusals |
//! | `content.rs` | images, documents and audio from data URLs / base64 |
//! | `tools.rs` | `tools`/`tool_choice`, assistant `tool_calls`, `tool` messages |
//! | `structured.rs` | `response_format`: native `outputConfig` or the structured-output tool |
//! | `reasoning.rs` | `reasoning_effort`, replayed and returned reasoning |
//! | `cache.rs` | `cache_control` → `cachePoint`, placement and the limit of four |
//! | `family.rs` | model families from model IDs, profiles and ARNs; the capability table |
//! | `passthrough.rs` | Bedrock-only request fields a client may send (`guardrailConfig`, …) |
//! | `response.rs` | whole responses, usage and finish reasons |
//! | `stream.rs` | the stream translator |
//!
//! Decisions worth knowing (details in each file):
//! - The model family comes from the resolved model ID ([`family`]); opaque IDs
//!   (application inference profiles, custom/provisioned ARNs) get no adjustment.
//! - Models that refuse `system` get it prepended to the first user message; models that refuse
//!   `temperature` with `top_p` lose `top_p`; models without tool use get a 400 on `tools`.
//! - Images/documents/audio are translated from inline base64 only; `http(s)` image URLs and
//!   `file_id` are 400s (the gateway may inline URLs before calling the translator).
//! - `reasoning_effort` maps to Anthropic `thinking` (budget 1024/2048/8192/16384), Nova 2
//!   `reasoningConfig` or gpt-oss `reasoning_effort`, and is ignored elsewhere; thinking turns
//!   a forced `tool_choice` into `auto`. Responses carry `reasoning_content` and LiteLLM-style
//!   `thinking_blocks`, which a client replays; unsigned reasoning is dropped from history.
//! - `cache_control` → `cachePoint` (ttl kept), at most four (the first four in prompt order:
//!   tools, system, messages), none after a `toolResult` for Nova, none for families without
//!   prompt caching.
//! - `response_format` uses native `outputConfig` where the family has it, else a forced tool
//!   ([`STRUCTURED_OUTPUT_TOOL`]) whose input becomes `content`; `json_object` always uses the
//!   tool with schema `{"type": "object"}`. Real tool calls are never swallowed.
//! - `parallel_tool_calls` is accepted and ignored (Converse has no switch); `strict` on tools
//!   is forwarded to families with native structured output only.
//! - Non-streaming requests lose `guardrailConfig.streamProcessingMode`; a response's `trace`
//!   and `additionalModelResponseFields` come back as top-level `trace` and
//!   `additional_model_response_fields`.

mod cache;
mod content;
mod family;
mod messages;
mod passthrough;
mod reasoning;
mod request;
mod response;
mod stream;
mod structured;
mod tools;

#[cfg(test)]
mod tests;

pub(crate) use family::base_id;
pub use family::{family, Claude, ClaudeTier, Family};
pub use request::{
    converse_from_chat, converse_from_chat_for_model, converse_from_completion,
    converse_from_completion_for_model,
};
pub use response::{
    chat_from_converse, completion_from_converse, finish_reason, parse_converse_response,
    usage_from_bedrock,
};
pub use stream::{StreamFormat, StreamTranslator};
pub use structured::{uses_structured_output_tool, STRUCTURED_OUTPUT_TOOL};

/// Route-level values (Kong's `model.options`) that fill what the client left out. The client
/// always wins, except `performance_config_latency`, which the route forces.
#[derive(Debug, Clone, Default)]
pub struct ChatDefaults {
    pub max_tokens: Option<u32>,
    pub temperature: Option<f64>,
    pub top_p: Option<f64>,
    pub top_k: Option<u32>,
    pub performance_config_latency: Option<String>,
}

/// A request Quarry cannot translate. Always the client's fault: it becomes a 400
/// `invalid_request_error` with `param` naming the offending field (`messages[3].content[1]`).
#[derive(Debug, Clone, PartialEq)]
pub struct TranslateError {
    pub message: String,
    pub param: Option<String>,
}

impl TranslateError {
    pub(crate) fn at(param: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            param: Some(param.into()),
        }
    }
}

impl std::fmt::Display for TranslateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.param {
            Some(p) => write!(f, "{p}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for TranslateError {}

/// What an OpenAI response says about itself that Bedrock does not provide. The gateway picks
/// the id and clock; `model` is the name the client asked for.
#[derive(Debug, Clone)]
pub struct ResponseMeta {
    pub id: String,
    pub created: u64,
    pub model: String,
}
