//! Converse request JSON as it travels: the members the emulator reads. Everything else (video,
//! audio, citations, `requestMetadata`, ...) is accepted and skipped.
//!
//! Strings borrow from the request body when they contain no escapes. Members that are free-form
//! documents on the wire (`additionalModelRequestFields`, tool inputs, JSON tool results) are
//! kept as [`Value`]s so that any JSON is accepted there.

use std::borrow::Cow;

use serde::de::IgnoredAny;
use serde::Deserialize;
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
    #[serde(default)]
    pub(crate) additional_model_request_fields: Option<Value>,
    #[serde(default, borrow)]
    pub(crate) guardrail_config: Option<GuardrailConfig<'a>>,
    #[serde(default, borrow)]
    pub(crate) output_config: Option<OutputConfig<'a>>,
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
    pub(crate) tool_use: Option<Value>,
    #[serde(default, borrow)]
    pub(crate) tool_result: Option<ToolResultBlock<'a>>,
    #[serde(default, borrow)]
    pub(crate) image: Option<ImageBlock<'a>>,
    #[serde(default, borrow)]
    pub(crate) document: Option<DocumentBlock<'a>>,
    #[serde(default, borrow)]
    pub(crate) cache_point: Option<CachePoint<'a>>,
    #[serde(default, borrow)]
    pub(crate) reasoning_content: Option<ReasoningContent<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ToolResultBlock<'a> {
    #[serde(default, borrow)]
    pub(crate) tool_use_id: Option<Cow<'a, str>>,
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
pub(crate) struct ImageBlock<'a> {
    #[serde(borrow)]
    pub(crate) format: Cow<'a, str>,
    #[serde(borrow)]
    pub(crate) source: Source<'a>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct DocumentBlock<'a> {
    #[serde(default, borrow)]
    pub(crate) format: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub(crate) name: Cow<'a, str>,
    #[serde(borrow)]
    pub(crate) source: Source<'a>,
}

/// The source union shared by images and documents (`text`/`content` are documents only).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Source<'a> {
    /// Base64 on the wire.
    #[serde(default, borrow)]
    pub(crate) bytes: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub(crate) s3_location: Option<S3Location<'a>>,
    #[serde(default, borrow)]
    pub(crate) text: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub(crate) content: Option<Vec<TextBlock<'a>>>,
}

/// A `{"text": ...}` member of a list such as a document's `source.content`.
#[derive(Debug, Deserialize)]
pub(crate) struct TextBlock<'a> {
    #[serde(default, borrow)]
    pub(crate) text: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct S3Location<'a> {
    #[serde(borrow)]
    pub(crate) uri: Cow<'a, str>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct CachePoint<'a> {
    #[serde(rename = "type", borrow)]
    pub(crate) kind: Cow<'a, str>,
    #[serde(default, borrow)]
    pub(crate) ttl: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ReasoningContent<'a> {
    /// `None` for the other member, `redactedContent`, which is accepted as it is.
    #[serde(default, borrow)]
    pub(crate) reasoning_text: Option<ReasoningText<'a>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ReasoningText<'a> {
    #[serde(borrow)]
    pub(crate) text: Cow<'a, str>,
    #[serde(default, borrow)]
    pub(crate) signature: Option<Cow<'a, str>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SystemBlock<'a> {
    #[serde(default, borrow)]
    pub(crate) text: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub(crate) cache_point: Option<CachePoint<'a>>,
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
    #[serde(default, borrow)]
    pub(crate) cache_point: Option<CachePoint<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ToolSpec<'a> {
    #[serde(borrow)]
    pub(crate) name: Cow<'a, str>,
    #[serde(default, borrow)]
    pub(crate) description: Option<Cow<'a, str>>,
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
    #[serde(default)]
    pub(crate) any: Option<IgnoredAny>,
    #[serde(default, borrow)]
    pub(crate) tool: Option<SpecificTool<'a>>,
}

impl ToolChoice<'_> {
    /// `any` or a named `tool`: the model may not answer without calling a tool.
    pub(crate) fn forces_tool_use(&self) -> bool {
        self.any.is_some() || self.tool.is_some()
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct SpecificTool<'a> {
    #[serde(borrow)]
    pub(crate) name: Cow<'a, str>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GuardrailConfig<'a> {
    #[serde(default, borrow)]
    pub(crate) guardrail_identifier: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub(crate) trace: Option<Cow<'a, str>>,
    /// Only `ConverseStream` has this member (`GuardrailStreamConfiguration`).
    #[serde(default, borrow)]
    pub(crate) stream_processing_mode: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OutputConfig<'a> {
    #[serde(default, borrow)]
    pub(crate) text_format: Option<TextFormat<'a>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct TextFormat<'a> {
    #[serde(rename = "type", borrow)]
    pub(crate) kind: Cow<'a, str>,
    #[serde(borrow)]
    pub(crate) structure: FormatStructure<'a>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FormatStructure<'a> {
    #[serde(default, borrow)]
    pub(crate) json_schema: Option<JsonSchema<'a>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct JsonSchema<'a> {
    /// The schema is a JSON document serialised into a string.
    #[serde(borrow)]
    pub(crate) schema: Cow<'a, str>,
}
