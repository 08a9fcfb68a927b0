//! Extended thinking: when it is on, the signed reasoning block the answer starts with, and the
//! checks Anthropic applies to a conversation that replays earlier reasoning.

use serde_json::Value;

use super::wire::{ContentBlock, ConverseRequest};
use crate::error::ApiError;
use crate::hash::Fnv;

pub(crate) const PREFIX: &str = "Thinking about: ";
const FORCED_TOOL: &str = "Thinking may not be enabled when tool_choice forces tool use.";
const MUST_START_WITH_THINKING: &str = "Expected `thinking` or `redacted_thinking`, but found `tool_use`. When `thinking` is enabled, a final `assistant` message must start with a thinking block.";
const INVALID_SIGNATURE: &str = "Invalid `signature` in `thinking` block";

/// Where clients switch thinking on: Anthropic's `thinking` and Nova/DeepSeek-style
/// `reasoningConfig`, both inside `additionalModelRequestFields`.
const SWITCHES: [&str; 2] = ["/thinking/type", "/reasoningConfig/type"];

pub(crate) fn enabled(request: &ConverseRequest<'_>) -> bool {
    request
        .additional_model_request_fields
        .as_ref()
        .is_some_and(|fields| {
            SWITCHES
                .iter()
                .any(|at| fields.pointer(at).and_then(Value::as_str) == Some("enabled"))
        })
}

/// The signature the emulator gives `text`: `sig-` and 16 hex digits of its hash.
pub(crate) fn signature(text: &str) -> String {
    format!("sig-{:016x}", Fnv::new().field(text.as_bytes()).finish())
}

fn starts_with_reasoning(content: &[ContentBlock<'_>]) -> bool {
    content
        .first()
        .is_some_and(|b| b.reasoning_content.is_some())
}

/// The thinking rules, checked only when thinking is on: first the request-level rule, then
/// missing signatures (a schema error), then assistant turns with tool use, then signatures.
pub(crate) fn validate(request: &ConverseRequest<'_>) -> Result<(), ApiError> {
    if !enabled(request) {
        return Ok(());
    }
    let forced = request
        .tool_config
        .as_ref()
        .and_then(|c| c.tool_choice.as_ref())
        .is_some_and(|c| c.forces_tool_use());
    if forced {
        return Err(ApiError::validation(FORCED_TOOL));
    }
    let messages = request.messages.as_deref().unwrap_or_default();
    let reasoning_texts = || {
        messages.iter().enumerate().flat_map(|(i, m)| {
            m.content.iter().enumerate().filter_map(move |(j, b)| {
                let text = b.reasoning_content.as_ref()?.reasoning_text.as_ref()?;
                Some((i, j, text))
            })
        })
    };
    if let Some((i, j, _)) = reasoning_texts().find(|(_, _, t)| t.signature.is_none()) {
        return Err(ApiError::validation(format!(
            "messages.{i}.content.{j}.reasoningContent.reasoningText.signature: Field required"
        )));
    }
    let unsigned_tool_turn = messages.iter().any(|m| {
        m.role == "assistant"
            && m.content.iter().any(|b| b.tool_use.is_some())
            && !starts_with_reasoning(&m.content)
    });
    if unsigned_tool_turn {
        return Err(ApiError::validation(MUST_START_WITH_THINKING));
    }
    let forged = reasoning_texts()
        .any(|(_, _, t)| t.signature.as_deref() != Some(signature(&t.text).as_str()));
    if forged {
        return Err(ApiError::validation(INVALID_SIGNATURE));
    }
    Ok(())
}

#[cfg(test)]
#[path = "reasoning_tests.rs"]
mod tests;
