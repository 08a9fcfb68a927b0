//! Chat completions and legacy completions over Converse / ConverseStream: pure translators
//! from OpenAI requests to Converse requests, from Converse responses to OpenAI responses,
//! and from ConverseStream events to OpenAI server-sent events.
//!
//! | file | owns |
//! |---|---|
//! | `request.rs` | messages, sampling parameters, refusals of what Bedrock cannot do |
//! | `tools.rs` | `tools`/`tool_choice`, assistant `tool_calls`, `tool` messages, `response_format` |
//! | `passthrough.rs` | Bedrock-only request fields a client may send (`guardrailConfig`, …) |
//! | `response.rs` | whole responses, usage and finish reasons |
//! | `stream.rs` | the stream translator |

mod passthrough;
mod request;
mod response;
mod stream;
mod tools;

#[cfg(test)]
mod tests;

pub use request::{converse_from_chat, converse_from_completion};
pub use response::{
    chat_from_converse, completion_from_converse, finish_reason, parse_converse_response,
    usage_from_bedrock,
};
pub use stream::{StreamFormat, StreamTranslator};

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
