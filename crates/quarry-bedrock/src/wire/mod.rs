//! Bedrock Converse wire types: serde structs that mirror the JSON of Converse requests,
//! responses and ConverseStream event payloads (field names, optionality, unions). Data only;
//! the OpenAI mappings live in the capability modules.
//!
//! Unions (content blocks, tool choice, …) are enums with one variant per member plus `Other`,
//! which keeps unknown members verbatim. Open-ended shapes Quarry passes through untouched
//! (guardrail config, documents, traces) stay `serde_json::Value`.

mod content;
mod request;
mod response;
mod stream;
#[cfg(test)]
mod tests;
pub(crate) mod union;

pub use content::{
    CachePointBlock, ContentBlock, ConversationRole, ErrorBlock, ImageBlock, ImageSource, Message,
    ReasoningContentBlock, ReasoningTextBlock, S3Location, SystemContentBlock, ToolResultBlock,
    ToolResultContentBlock, ToolUseBlock,
};
pub use request::{
    ConverseRequest, Empty, InferenceConfig, PerformanceConfig, SpecificToolChoice, Tool,
    ToolChoice, ToolConfig, ToolInputSchema, ToolSpecification,
};
pub use response::{ConverseMetrics, ConverseOutput, ConverseResponse, TokenUsage};
pub use stream::{
    ContentBlockDelta, ContentBlockDeltaEvent, ContentBlockStart, ContentBlockStartEvent,
    ContentBlockStopEvent, ConverseStreamEvent, MessageStartEvent, MessageStopEvent, MetadataEvent,
    ReasoningContentBlockDelta, ToolUseBlockDelta, ToolUseBlockStart,
};
