//! Guardrails: the configuration checks, the deterministic verdict (a user text containing the
//! word "blocked" is blocked) and the trace Bedrock returns when asked for one.

use serde_json::{json, Value};

use super::wire::GuardrailConfig;
use crate::error::ApiError;

/// What the user sees instead of an answer when the guardrail intervenes.
pub(crate) const BLOCKED_TEXT: &str = "Sorry, the model cannot answer this question.";
const TRIGGER: &str = "blocked";
const STREAM_MODE_NOT_PERMITTED: &str =
    "Malformed input request: extraneous key [streamProcessingMode] is not permitted";

pub(crate) fn validate(config: &GuardrailConfig<'_>, streaming: bool) -> Result<(), ApiError> {
    if let Some(trace) = config.trace.as_deref() {
        if !matches!(trace, "enabled" | "disabled" | "enabled_full") {
            return Err(ApiError::constraint(
                trace,
                "guardrailConfig.trace",
                "Member must satisfy enum value set: [enabled, disabled, enabled_full]",
            ));
        }
    }
    match config.stream_processing_mode.as_deref() {
        None | Some("sync" | "async") if streaming => Ok(()),
        Some(mode) if streaming => Err(ApiError::constraint(
            mode,
            "guardrailConfig.streamProcessingMode",
            "Member must satisfy enum value set: [sync, async]",
        )),
        Some(_) => Err(ApiError::validation(STREAM_MODE_NOT_PERMITTED)),
        None => Ok(()),
    }
}

/// The guardrail's verdict on a request.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Assessment {
    pub(crate) blocked: bool,
    /// The `trace` member of the response, when the configuration asks for one.
    pub(crate) trace: Option<Value>,
}

/// Assess the last user message's `texts`; `None` without a guardrail configuration.
pub(crate) fn assess(config: Option<&GuardrailConfig<'_>>, texts: &[&str]) -> Option<Assessment> {
    let config = config?;
    let blocked = texts.iter().any(|t| mentions_trigger(t));
    let traced = matches!(config.trace.as_deref(), Some("enabled" | "enabled_full"));
    let trace = traced.then(|| {
        let assessment = if blocked {
            json!({"topicPolicy": {"topics": [
                {"name": "Blocked", "type": "DENY", "action": "BLOCKED", "detected": true}
            ]}})
        } else {
            json!({})
        };
        let id = config.guardrail_identifier.as_deref().unwrap_or_default();
        json!({"guardrail": {"inputAssessment": {id: assessment}}})
    });
    Some(Assessment { blocked, trace })
}

/// True when `text` has "blocked" as a whole word (any case; words split at non-alphanumerics).
pub(crate) fn mentions_trigger(text: &str) -> bool {
    crate::text::has_word(text, TRIGGER)
}

#[cfg(test)]
#[path = "guardrail_tests.rs"]
mod tests;
