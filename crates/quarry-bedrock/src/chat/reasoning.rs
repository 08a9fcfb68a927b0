//! Reasoning: `reasoning_effort` → each family's reasoning switch, replayed reasoning in the
//! history → `reasoningContent` blocks, and Converse reasoning → LiteLLM's `reasoning_content`
//! / `thinking_blocks` fields.
//!
//! `reasoning_effort` (`minimal`/`low`/`medium`/`high`) becomes:
//! - Claude 3.7+: `additionalModelRequestFields.thinking = {"type": "enabled", "budget_tokens":
//!   1024/2048/8192/16384}`, with `maxTokens` raised to budget + 1024 when lower or unset
//!   (Anthropic requires the budget below `max_tokens`). It is not enabled when the conversation
//!   continues a tool loop whose assistant turn carries no reasoning block: Anthropic requires
//!   that turn to start with one, and the client did not keep it.
//! - Nova 2: `additionalModelRequestFields.reasoningConfig = {"type": "enabled",
//!   "maxReasoningEffort": low|medium|high}` (`minimal` → `low`).
//! - gpt-oss: `additionalModelRequestFields.reasoning_effort`, verbatim.
//! - any other family: ignored (those models reason always or never). `none` means no reasoning.
//!
//! A `thinking` / `reasoningConfig` the client put in `additionalModelRequestFields` wins. With
//! thinking on (either way), a forced `tool_choice` becomes `auto`: Bedrock refuses forced tool
//! use with thinking (LiteLLM does the same).
//!
//! History: an assistant message's `thinking_blocks` become `reasoningContent` blocks placed
//! first in its turn, signatures kept. Unsigned reasoning (`reasoning_content` alone, or a
//! thinking block without signature) is dropped: Bedrock refuses it.

use quarry_openai::chat::{Message as OpenAiMessage, ThinkingBlock};
use serde_json::{json, Map, Value};

use super::family::Family;
use super::TranslateError;
use crate::wire::{
    ContentBlock, ConversationRole, ConverseRequest, Empty, InferenceConfig, ReasoningContentBlock,
    ReasoningTextBlock, ToolChoice,
};

/// OpenAI's `reasoning_effort`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Effort {
    Minimal,
    Low,
    Medium,
    High,
}

impl Effort {
    fn as_str(self) -> &'static str {
        match self {
            Effort::Minimal => "minimal",
            Effort::Low => "low",
            Effort::Medium => "medium",
            Effort::High => "high",
        }
    }

    /// Anthropic `budget_tokens` for this effort.
    fn budget(self) -> u32 {
        match self {
            Effort::Minimal => 1024,
            Effort::Low => 2048,
            Effort::Medium => 8192,
            Effort::High => 16384,
        }
    }
}

/// Room for the answer beyond the thinking budget.
const ANSWER_TOKENS: u32 = 1024;

/// Parses `reasoning_effort`; `none` (and absence) mean no reasoning.
pub(super) fn parse_effort(value: Option<&Value>) -> Result<Option<Effort>, TranslateError> {
    Ok(match value {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => match s.as_str() {
            "none" => None,
            "minimal" => Some(Effort::Minimal),
            "low" => Some(Effort::Low),
            "medium" => Some(Effort::Medium),
            "high" => Some(Effort::High),
            other => {
                return Err(TranslateError::at(
                    "reasoning_effort",
                    format!(
                        "reasoning_effort '{other}' is not supported; use 'none', 'minimal', \
                         'low', 'medium' or 'high'"
                    ),
                ))
            }
        },
        Some(_) => {
            return Err(TranslateError::at(
                "reasoning_effort",
                "reasoning_effort must be a string",
            ))
        }
    })
}

/// Turns `effort` into the family's reasoning field, unless the client set one itself.
pub(super) fn apply_effort(out: &mut ConverseRequest, family: Family, effort: Option<Effort>) {
    let Some(effort) = effort else { return };
    if client_reasoning(out.additional_model_request_fields.as_ref()) {
        return;
    }
    let (key, value) = match family {
        Family::Anthropic(_) if family.anthropic_thinking() => {
            if continues_tool_loop_without_reasoning(out) {
                return;
            }
            let budget = effort.budget();
            let config = out
                .inference_config
                .get_or_insert_with(InferenceConfig::default);
            if config.max_tokens.is_none_or(|m| m < budget + ANSWER_TOKENS) {
                config.max_tokens = Some(budget + ANSWER_TOKENS);
            }
            (
                "thinking",
                json!({"type": "enabled", "budget_tokens": budget}),
            )
        }
        Family::Nova2 => {
            let level = match effort {
                Effort::Minimal | Effort::Low => "low",
                Effort::Medium => "medium",
                Effort::High => "high",
            };
            (
                "reasoningConfig",
                json!({"type": "enabled", "maxReasoningEffort": level}),
            )
        }
        Family::OpenAiGptOss => ("reasoning_effort", Value::from(effort.as_str())),
        _ => return,
    };
    out.additional_model_request_fields
        .get_or_insert_with(Map::new)
        .insert(key.to_owned(), value);
}

/// Whether the client configured reasoning itself in `additionalModelRequestFields`.
fn client_reasoning(fields: Option<&Map<String, Value>>) -> bool {
    fields.is_some_and(|f| {
        f.contains_key("thinking")
            || f.contains_key("reasoningConfig")
            || f.contains_key("reasoning_effort")
    })
}

/// Whether the request turns thinking on, by `reasoning_effort` or by the client's own fields.
pub(super) fn thinking_enabled(out: &ConverseRequest) -> bool {
    let Some(fields) = out.additional_model_request_fields.as_ref() else {
        return false;
    };
    let kind = |key: &str| {
        fields
            .get(key)
            .and_then(|v| v.get("type"))
            .and_then(Value::as_str)
    };
    matches!(kind("thinking"), Some("enabled" | "adaptive"))
        || matches!(kind("reasoningConfig"), Some("enabled"))
}

/// Claude with thinking on refuses a `temperature` other than 1, any `top_k`, and a `top_p`
/// below 0.95 (Anthropic's extended-thinking rules): drop the first two and raise `top_p` to
/// 0.95, rather than let Bedrock refuse the request.
pub(super) fn fit_sampling_to_thinking(out: &mut ConverseRequest, family: Family) {
    if !matches!(family, Family::Anthropic(_)) {
        return;
    }
    if let Some(config) = out.inference_config.as_mut() {
        if config.temperature.is_some_and(|t| t != 1.0) {
            config.temperature = None;
        }
        if let Some(p) = config.top_p.as_mut() {
            *p = p.max(0.95);
        }
        if config.is_empty() {
            out.inference_config = None;
        }
    }
    if let Some(fields) = out.additional_model_request_fields.as_mut() {
        fields.remove("top_k");
    }
}

/// With thinking on, `any` / `tool` choices become `auto`.
pub(super) fn unforce_tool_choice(out: &mut ConverseRequest) {
    if let Some(choice) = out
        .tool_config
        .as_mut()
        .and_then(|c| c.tool_choice.as_mut())
    {
        if matches!(choice, ToolChoice::Any(_) | ToolChoice::Tool(_)) {
            *choice = ToolChoice::Auto(Empty {});
        }
    }
}

/// The conversation ends with tool results answering an assistant turn that has no reasoning
/// block at its start.
fn continues_tool_loop_without_reasoning(out: &ConverseRequest) -> bool {
    let [.., assistant, last] = out.messages.as_slice() else {
        return false;
    };
    last.role == ConversationRole::User
        && assistant.role == ConversationRole::Assistant
        && last
            .content
            .iter()
            .any(|b| matches!(b, ContentBlock::ToolResult(_)))
        && !matches!(
            assistant.content.first(),
            Some(ContentBlock::ReasoningContent(_))
        )
}

/// An assistant message's signed `thinking_blocks` as `reasoningContent` blocks.
pub(super) fn history_blocks(
    i: usize,
    m: &OpenAiMessage,
) -> Result<Vec<ContentBlock>, TranslateError> {
    let items = match &m.thinking_blocks {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => {
            return Err(TranslateError::at(
                format!("messages[{i}].thinking_blocks"),
                "thinking_blocks must be a list",
            ))
        }
    };
    let mut blocks = Vec::with_capacity(items.len());
    for (j, item) in items.iter().enumerate() {
        let block: ThinkingBlock = serde_json::from_value(item.clone()).map_err(|e| {
            TranslateError::at(
                format!("messages[{i}].thinking_blocks[{j}]"),
                format!(
                    "a thinking block must be {{\"type\": \"thinking\", \"thinking\", \
                     \"signature\"}} or {{\"type\": \"redacted_thinking\", \"data\"}}: {e}"
                ),
            )
        })?;
        match block {
            ThinkingBlock::Thinking {
                thinking,
                signature: Some(signature),
            } if !signature.is_empty() => blocks.push(ContentBlock::ReasoningContent(
                ReasoningContentBlock::ReasoningText(ReasoningTextBlock {
                    text: thinking,
                    signature: Some(signature),
                }),
            )),
            // Unsigned reasoning cannot be replayed.
            ThinkingBlock::Thinking { .. } => {}
            ThinkingBlock::Redacted { data } => blocks.push(ContentBlock::ReasoningContent(
                ReasoningContentBlock::RedactedContent(data),
            )),
        }
    }
    Ok(blocks)
}

/// Reasoning of a response: the joined text and the blocks, for `reasoning_content` and
/// `thinking_blocks`.
#[derive(Debug, Default)]
pub(super) struct Reasoning {
    pub text: String,
    pub blocks: Vec<ThinkingBlock>,
}

impl Reasoning {
    pub(super) fn push(&mut self, block: ReasoningContentBlock) {
        match block {
            ReasoningContentBlock::ReasoningText(r) => {
                self.text.push_str(&r.text);
                self.blocks.push(ThinkingBlock::Thinking {
                    thinking: r.text,
                    signature: r.signature,
                });
            }
            ReasoningContentBlock::RedactedContent(data) => {
                self.blocks.push(ThinkingBlock::Redacted { data });
            }
            ReasoningContentBlock::Other { .. } => {}
        }
    }

    /// `(reasoning_content, thinking_blocks)` for the response message.
    pub(super) fn into_fields(self) -> (Option<String>, Option<Vec<ThinkingBlock>>) {
        (
            (!self.text.is_empty()).then_some(self.text),
            (!self.blocks.is_empty()).then_some(self.blocks),
        )
    }
}
