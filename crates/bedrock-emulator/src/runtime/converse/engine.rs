//! The deterministic "model": what the emulator answers to a validated Converse request.
//!
//! Pure apart from the prompt-cache memory it is handed: the same request against the same
//! memory always yields the same reply (latency is added by the caller). The rules are
//! documented in the crate docs.

use serde_json::Value;

use super::cache::{self, CacheUse, PromptCache};
use super::guardrail::{self, BLOCKED_TEXT};
use super::media;
use super::reasoning;
use super::response::Usage;
use super::tools;
use super::wire::{ContentBlock, ConverseRequest, Message, SystemBlock};

pub(crate) const GREETING: &str = "Hello from the Bedrock emulator. You said: ";
const NO_TEXT: &str = "(no text)";
const TOOL_RESULTS: &str = "Tool results received: ";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StopReason {
    EndTurn,
    ToolUse,
    MaxTokens,
    StopSequence,
    GuardrailIntervened,
}

impl StopReason {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::EndTurn => "end_turn",
            Self::ToolUse => "tool_use",
            Self::MaxTokens => "max_tokens",
            Self::StopSequence => "stop_sequence",
            Self::GuardrailIntervened => "guardrail_intervened",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ToolCall {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) input: Value,
}

/// A signed reasoning block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Reasoning {
    pub(crate) text: String,
    pub(crate) signature: String,
}

impl Reasoning {
    fn about(said: &str) -> Self {
        let text = format!("{}{said}", reasoning::PREFIX);
        let signature = reasoning::signature(&text);
        Self { text, signature }
    }
}

/// The assistant message: optional reasoning, a text block, then any tool calls.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Reply {
    pub(crate) reasoning: Option<Reasoning>,
    pub(crate) text: String,
    pub(crate) tool_calls: Vec<ToolCall>,
    pub(crate) stop_reason: StopReason,
    /// The stop sequence that ended the text, when `stop_reason` is `StopSequence`.
    pub(crate) stop_sequence: Option<String>,
    pub(crate) usage: Usage,
    /// The response's `trace` member (guardrail assessments), when one was asked for.
    pub(crate) trace: Option<Value>,
}

impl Reply {
    fn new(text: String, stop_reason: StopReason) -> Self {
        Self {
            reasoning: None,
            text,
            tool_calls: Vec::new(),
            stop_reason,
            stop_sequence: None,
            usage: Usage::default(),
            trace: None,
        }
    }

    /// Words of everything generated: reasoning, text and serialised tool inputs.
    fn output_tokens(&self) -> u64 {
        self.reasoning.as_ref().map_or(0, |r| count_words(&r.text))
            + count_words(&self.text)
            + self.tool_calls.iter().map(tools::call_tokens).sum::<u64>()
    }
}

pub(crate) use crate::text::count_words;

/// Input tokens of a message block: its words, or 1 for an image or a document.
pub(crate) fn block_tokens(block: &ContentBlock<'_>) -> u64 {
    match &block.text {
        Some(text) => count_words(text),
        None => u64::from(block.image.is_some() || block.document.is_some()),
    }
}

pub(crate) fn system_tokens(block: &SystemBlock<'_>) -> u64 {
    block.text.as_deref().map_or(0, count_words)
}

fn texts<'r>(blocks: &'r [ContentBlock<'_>]) -> impl Iterator<Item = &'r str> {
    blocks.iter().filter_map(|b| b.text.as_deref())
}

/// All input tokens of `request` (before any prompt-cache split): the words of the system and
/// message text blocks plus one per image or document block; what `CountTokens` reports.
pub(crate) fn input_tokens(request: &ConverseRequest<'_>) -> u64 {
    request
        .system
        .iter()
        .flatten()
        .map(system_tokens)
        .sum::<u64>()
        + request
            .messages
            .iter()
            .flatten()
            .flat_map(|m| &m.content)
            .map(block_tokens)
            .sum::<u64>()
}

/// Answer `request`, which has passed validation; `cache` remembers prompt prefixes.
pub(crate) fn reply(request: &ConverseRequest<'_>, cache: &PromptCache) -> Reply {
    let messages = request.messages.as_deref().unwrap_or_default();
    let input_tokens = input_tokens(request);
    let cached = cache::lookup(request, cache);

    let last_user = messages.iter().rev().find(|m| m.role == "user");
    let said: Vec<&str> = last_user
        .map(|m| texts(&m.content).collect())
        .unwrap_or_default();
    let echo = if said.is_empty() {
        NO_TEXT.to_owned()
    } else {
        said.join(" ")
    };

    let assessment = guardrail::assess(request.guardrail_config.as_ref(), &said);
    let mut reply = match &assessment {
        Some(a) if a.blocked => {
            Reply::new(BLOCKED_TEXT.to_owned(), StopReason::GuardrailIntervened)
        }
        _ => answer(request, last_user, &echo),
    };
    reply.trace = assessment.and_then(|a| a.trace);
    reply.usage = usage(input_tokens, reply.output_tokens(), cached);
    reply
}

/// The model's answer when no guardrail intervenes.
fn answer(request: &ConverseRequest<'_>, last_user: Option<&Message<'_>>, echo: &str) -> Reply {
    let reasoning = reasoning::enabled(request).then(|| Reasoning::about(echo));
    let tool_results: Vec<String> = last_user
        .map(|m| tool_result_texts(&m.content))
        .unwrap_or_default();

    if tool_results.is_empty() {
        if let Some((text, calls)) = tools::calls(request, echo) {
            let mut reply = Reply::new(text, StopReason::ToolUse);
            reply.reasoning = reasoning;
            reply.tool_calls = calls;
            return reply;
        }
    }

    let text = if let Some(schema) = output_schema(request) {
        tools::example_input(Some(&schema)).to_string()
    } else if !tool_results.is_empty() {
        format!("{TOOL_RESULTS}{}", tool_results.join(" "))
    } else {
        let mut text = format!("{GREETING}{echo}");
        for block in last_user.iter().flat_map(|m| &m.content) {
            media::describe(block, &mut text);
        }
        text
    };
    let config = request.inference_config.as_ref();
    let stops = config
        .and_then(|c| c.stop_sequences.as_deref())
        .unwrap_or_default();
    let max_tokens = config.and_then(|c| c.max_tokens);
    let (end, stop_reason) = limit(&text, stops.iter().map(|s| s.as_ref()), max_tokens);
    let stop_sequence = (stop_reason == StopReason::StopSequence)
        .then(|| stops.iter().find(|s| text[end..].starts_with(s.as_ref())))
        .flatten()
        .map(|s| s.to_string());
    let mut text = text;
    text.truncate(end);
    let mut reply = Reply::new(text, stop_reason);
    reply.reasoning = reasoning;
    reply.stop_sequence = stop_sequence;
    reply
}

/// The parsed `outputConfig.textFormat` JSON Schema (validation made sure it parses).
fn output_schema(request: &ConverseRequest<'_>) -> Option<Value> {
    let schema = request
        .output_config
        .as_ref()?
        .text_format
        .as_ref()?
        .structure
        .json_schema
        .as_ref()?;
    serde_json::from_str(&schema.schema).ok()
}

/// Token usage; with a cache point, the cached prefix moves from input to cache read or write.
fn usage(input_tokens: u64, output_tokens: u64, cached: Option<CacheUse>) -> Usage {
    let Some(cached) = cached else {
        return Usage {
            input_tokens,
            output_tokens,
            total_tokens: input_tokens + output_tokens,
            ..Usage::default()
        };
    };
    let input_tokens = input_tokens.saturating_sub(cached.tokens);
    let (read, write) = if cached.hit {
        (cached.tokens, 0)
    } else {
        (0, cached.tokens)
    };
    Usage {
        input_tokens,
        output_tokens,
        total_tokens: input_tokens + output_tokens + read + write,
        cache_read_input_tokens: Some(read),
        cache_write_input_tokens: Some(write),
    }
}

/// Where generation stops in `text`: the earliest stop sequence, then at most `max_tokens` words.
pub(crate) fn limit<'s>(
    text: &str,
    stops: impl Iterator<Item = &'s str>,
    max_tokens: Option<i64>,
) -> (usize, StopReason) {
    let mut end = text.len();
    let mut reason = StopReason::EndTurn;
    for stop in stops.filter(|s| !s.is_empty()) {
        if let Some(at) = text[..end].find(stop) {
            end = at;
            reason = StopReason::StopSequence;
        }
    }
    if let Some(max) = max_tokens.and_then(|m| usize::try_from(m).ok()) {
        if let Some(cut) = end_of_word(&text[..end], max) {
            end = cut;
            reason = StopReason::MaxTokens;
        }
    }
    (end, reason)
}

/// Byte offset just after word number `n` (1-based), if `text` has more than `n` words.
fn end_of_word(text: &str, n: usize) -> Option<usize> {
    let mut words = 0;
    let mut in_word = false;
    let mut cut = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if in_word && words == n {
                cut = Some(i);
            }
            in_word = false;
        } else if !in_word {
            in_word = true;
            words += 1;
            if words > n {
                return cut.or(Some(0));
            }
        }
    }
    None
}

fn tool_result_texts(blocks: &[ContentBlock<'_>]) -> Vec<String> {
    blocks
        .iter()
        .filter_map(|b| b.tool_result.as_ref())
        .flat_map(|r| &r.content)
        .filter_map(|c| match (&c.text, &c.json) {
            (Some(text), _) => Some(text.to_string()),
            (None, Some(json)) => Some(json.to_string()),
            (None, None) => None,
        })
        .collect()
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
