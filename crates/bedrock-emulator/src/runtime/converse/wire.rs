//! Converse JSON as it travels: the request members the emulator reads (everything else, such
//! as images or `additionalModelRequestFields`, is accepted and skipped) and the response shape.
//!
//! Strings borrow from the request body when they contain no escapes.

use std::borrow::Cow;

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ConverseRequest<'a> {
    #[serde(default, borrow)]
    pub(crate) messages: Option<Vec<Message<'a>>>,
    #[serde(default, borrow)]
    pub(crate) system: Option<Vec<SystemBlock<'a>>>,
    #[serde(default, borrow)]
    pub(crate) inference_config: Option<InferenceConfig<'a>>,
    #[serde(default, borrow)]
    pub(crate) tool_config: Option<ToolConfig<'a>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Message<'a> {
    #[serde(borrow)]
    pub(crate) role: Cow<'a, str>,
    #[serde(borrow)]
    pub(crate) content: Vec<ContentBlock<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ContentBlock<'a> {
    #[serde(default, borrow)]
    pub(crate) text: Option<Cow<'a, str>>,
    #[serde(default)]
    pub(crate) tool_use: Option<IgnoredAny>,
    #[serde(default, borrow)]
    pub(crate) tool_result: Option<ToolResultBlock<'a>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ToolResultBlock<'a> {
    #[serde(default, borrow)]
    pub(crate) content: Vec<ToolResultContent<'a>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ToolResultContent<'a> {
    #[serde(default, borrow)]
    pub(crate) text: Option<Cow<'a, str>>,
    #[serde(default)]
    pub(crate) json: Option<Value>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct SystemBlock<'a> {
    #[serde(default, borrow)]
    pub(crate) text: Option<Cow<'a, str>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InferenceConfig<'a> {
    pub(crate) max_tokens: Option<i64>,
    pub(crate) temperature: Option<f64>,
    pub(crate) top_p: Option<f64>,
    #[serde(default, borrow)]
    pub(crate) stop_sequences: Option<Vec<Cow<'a, str>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ToolConfig<'a> {
    #[serde(borrow)]
    pub(crate) tools: Vec<Tool<'a>>,
    #[serde(default, borrow)]
    pub(crate) tool_choice: Option<ToolChoice<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Tool<'a> {
    #[serde(default, borrow)]
    pub(crate) tool_spec: Option<ToolSpec<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ToolSpec<'a> {
    #[serde(borrow)]
    pub(crate) name: Cow<'a, str>,
    #[serde(default)]
    pub(crate) input_schema: Option<InputSchema>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct InputSchema {
    #[serde(default)]
    pub(crate) json: Option<Value>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ToolChoice<'a> {
    #[serde(default, borrow)]
    pub(crate) tool: Option<SpecificTool<'a>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct SpecificTool<'a> {
    #[serde(borrow)]
    pub(crate) name: Cow<'a, str>,
}

// ---- response ----

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ConverseResponse<'a> {
    pub(crate) output: Output<'a>,
    pub(crate) stop_reason: &'static str,
    pub(crate) usage: Usage,
    pub(crate) metrics: Metrics,
}

#[derive(Debug, Serialize)]
pub(crate) struct Output<'a> {
    pub(crate) message: OutputMessage<'a>,
}

#[derive(Debug, Serialize)]
pub(crate) struct OutputMessage<'a> {
    pub(crate) role: &'static str,
    pub(crate) content: Vec<OutputBlock<'a>>,
}

/// One response content block; serialises as `{"text": ...}` or `{"toolUse": {...}}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) enum OutputBlock<'a> {
    Text(&'a str),
    ToolUse(ToolUse<'a>),
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ToolUse<'a> {
    pub(crate) tool_use_id: &'a str,
    pub(crate) name: &'a str,
    pub(crate) input: &'a Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Usage {
    pub(crate) input_tokens: u64,
    pub(crate) output_tokens: u64,
    pub(crate) total_tokens: u64,
}

#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Metrics {
    pub(crate) latency_ms: u64,
}
