//! Converse responses → OpenAI chat completions and text completions; usage and finish
//! reasons, shared with the stream translator.

use std::borrow::Cow;

use quarry_openai::chat::{
    ChatCompletion, Choice, FunctionCall, PromptTokensDetails, ResponseMessage, ToolCall, Usage,
};
use quarry_openai::completions::{CompletionChoice, TextCompletion};
use serde_json::Value;

use super::reasoning::Reasoning;
use super::structured::STRUCTURED_OUTPUT_TOOL;
use super::ResponseMeta;
use crate::wire::{ContentBlock, ConverseOutput, ConverseResponse, TokenUsage};

/// Parses a Converse response body. The error describes where the body departs from the API
/// (an upstream fault, for a 502), without quoting the body.
pub fn parse_converse_response(body: &[u8]) -> Result<ConverseResponse, String> {
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        if path == "." {
            format!(
                "Bedrock returned an invalid Converse response: {}",
                e.inner()
            )
        } else {
            format!(
                "Bedrock returned an invalid Converse response at `{path}`: {}",
                e.inner()
            )
        }
    })
}

/// What an output message says, in OpenAI terms.
#[derive(Default)]
struct Output {
    /// All text blocks, joined without separator.
    text: String,
    calls: Vec<ToolCall>,
    /// The structured-output tool's input, as JSON text.
    structured: Option<String>,
    reasoning: Reasoning,
}

fn collect_output(output: ConverseOutput) -> Output {
    let mut out = Output::default();
    if let ConverseOutput::Message(message) = output {
        for block in message.content {
            match block {
                ContentBlock::Text(t) if out.text.is_empty() => out.text = t,
                ContentBlock::Text(t) => out.text.push_str(&t),
                ContentBlock::ToolUse(u) if u.name == STRUCTURED_OUTPUT_TOOL => {
                    out.structured = Some(arguments_json(&u.input));
                }
                ContentBlock::ToolUse(u) => out.calls.push(ToolCall {
                    id: u.tool_use_id,
                    kind: "function".to_owned(),
                    function: FunctionCall {
                        name: u.name,
                        arguments: arguments_json(&u.input),
                    },
                }),
                ContentBlock::ReasoningContent(r) => out.reasoning.push(r),
                // Citations and other blocks have no place in this API yet.
                _ => {}
            }
        }
    }
    out
}

/// Tool input as OpenAI's `arguments` string; a tool without input gets `{}`, never `""`.
pub(super) fn arguments_json(input: &Value) -> String {
    match input {
        Value::Null => "{}".to_owned(),
        v => serde_json::to_string(v).unwrap_or_else(|_| "{}".to_owned()),
    }
}

pub fn chat_from_converse(resp: ConverseResponse, meta: &ResponseMeta) -> ChatCompletion {
    let usage = usage_from_bedrock(&resp.usage);
    let output = collect_output(resp.output);
    let reason = match finish_reason(&resp.stop_reason) {
        // The structured answer came as a tool call; for the client it is the answer.
        "tool_calls" if output.calls.is_empty() && output.structured.is_some() => "stop",
        reason => reason,
    };
    let content = match output.structured {
        // Text beside the structured answer would make `content` invalid JSON.
        Some(json) => Some(json),
        // OpenAI sends `content: null` for a message made only of tool calls.
        None if !output.calls.is_empty() && output.text.is_empty() => None,
        None => Some(output.text),
    };
    let tool_calls = (!output.calls.is_empty()).then_some(output.calls);
    let mut message = ResponseMessage::assistant(content, tool_calls);
    (message.reasoning_content, message.thinking_blocks) = output.reasoning.into_fields();
    let mut completion = ChatCompletion::new(
        meta.id.clone(),
        meta.created,
        meta.model.clone(),
        vec![Choice {
            index: 0,
            message,
            logprobs: None,
            finish_reason: Some(Cow::Borrowed(reason)),
        }],
        usage,
    );
    completion.trace = resp.trace;
    completion.additional_model_response_fields = resp.additional_model_response_fields;
    completion
}

pub fn completion_from_converse(
    resp: ConverseResponse,
    meta: &ResponseMeta,
) -> TextCompletion<'static> {
    let usage = usage_from_bedrock(&resp.usage);
    let reason = finish_reason(&resp.stop_reason);
    let text = collect_output(resp.output).text;
    TextCompletion::new(
        meta.id.clone(),
        meta.created,
        meta.model.clone(),
        vec![CompletionChoice::new(text, Some(reason))],
        Some(usage),
    )
}

/// Bedrock usage in OpenAI terms: cached prompt tokens (read and written) count as prompt
/// tokens, as they do in OpenAI's API, and cache reads are also reported as `cached_tokens`.
/// `total_tokens` is prompt + completion, which equals Bedrock's `totalTokens` (that includes
/// cache reads and writes too).
pub fn usage_from_bedrock(u: &TokenUsage) -> Usage {
    let cache_read = u.cache_read_input_tokens.unwrap_or(0);
    let cache_write = u.cache_write_input_tokens.unwrap_or(0);
    let prompt = u
        .input_tokens
        .saturating_add(cache_read)
        .saturating_add(cache_write);
    Usage {
        prompt_tokens: prompt,
        completion_tokens: u.output_tokens,
        total_tokens: prompt.saturating_add(u.output_tokens),
        prompt_tokens_details: Some(PromptTokensDetails {
            cached_tokens: cache_read,
        }),
        completion_tokens_details: None,
    }
}

/// Bedrock's `stopReason` as OpenAI's `finish_reason`.
pub fn finish_reason(stop_reason: &str) -> &'static str {
    match stop_reason {
        "max_tokens" | "model_context_window_exceeded" => "length",
        "tool_use" => "tool_calls",
        "guardrail_intervened" | "content_filtered" => "content_filter",
        _ => "stop",
    }
}
