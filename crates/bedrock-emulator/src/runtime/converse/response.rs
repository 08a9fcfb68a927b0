//! Converse response JSON: the shapes shared with the stream, and the rendering of a reply.

use serde::Serialize;
use serde_json::Value;

use super::engine::Reply;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ConverseResponse<'a> {
    output: Output<'a>,
    stop_reason: &'static str,
    usage: Usage,
    metrics: Metrics,
    #[serde(skip_serializing_if = "Option::is_none")]
    trace: Option<&'a Value>,
}

#[derive(Debug, Serialize)]
struct Output<'a> {
    message: OutputMessage<'a>,
}

#[derive(Debug, Serialize)]
struct OutputMessage<'a> {
    role: &'static str,
    content: Vec<OutputBlock<'a>>,
}

/// One response content block: `{"reasoningContent": ...}`, `{"text": ...}` or `{"toolUse": ...}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
enum OutputBlock<'a> {
    ReasoningContent(ReasoningBlock<'a>),
    Text(&'a str),
    ToolUse(ToolUse<'a>),
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ReasoningBlock<'a> {
    reasoning_text: ReasoningText<'a>,
}

#[derive(Debug, Serialize)]
struct ReasoningText<'a> {
    text: &'a str,
    signature: &'a str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ToolUse<'a> {
    tool_use_id: &'a str,
    name: &'a str,
    input: &'a Value,
}

/// `TokenUsage`; the cache members are present only when the request had a cache point.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Usage {
    pub(crate) input_tokens: u64,
    pub(crate) output_tokens: u64,
    pub(crate) total_tokens: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) cache_read_input_tokens: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) cache_write_input_tokens: Option<u64>,
}

#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Metrics {
    pub(crate) latency_ms: u64,
}

/// The Converse response JSON for `reply`.
pub(crate) fn render(reply: &Reply, latency_ms: u64) -> Vec<u8> {
    let mut content = Vec::with_capacity(2 + reply.tool_calls.len());
    if let Some(reasoning) = &reply.reasoning {
        content.push(OutputBlock::ReasoningContent(ReasoningBlock {
            reasoning_text: ReasoningText {
                text: &reasoning.text,
                signature: &reasoning.signature,
            },
        }));
    }
    content.push(OutputBlock::Text(&reply.text));
    content.extend(reply.tool_calls.iter().map(|call| {
        OutputBlock::ToolUse(ToolUse {
            tool_use_id: &call.id,
            name: &call.name,
            input: &call.input,
        })
    }));
    let response = ConverseResponse {
        output: Output {
            message: OutputMessage {
                role: "assistant",
                content,
            },
        },
        stop_reason: reply.stop_reason.as_str(),
        usage: reply.usage,
        metrics: Metrics { latency_ms },
        trace: reply.trace.as_ref(),
    };
    // Plain structs of strings, numbers and JSON values always serialise.
    serde_json::to_vec(&response).unwrap_or_default()
}
