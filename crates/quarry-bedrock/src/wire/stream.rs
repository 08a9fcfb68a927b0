//! ConverseStream event payloads. Each event-stream message's `:event-type` names the member
//! and its payload is that member's JSON, with no wrapper key. Real Bedrock adds a `"p"`
//! padding member to payloads; like every unknown field it is ignored.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::content::ConversationRole;
use super::response::{ConverseMetrics, TokenUsage};
use super::union::wire_union;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageStartEvent {
    pub role: ConversationRole,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentBlockStartEvent {
    pub content_block_index: u32,
    pub start: ContentBlockStart,
}

wire_union! {
    pub enum ContentBlockStart {
        ToolUse(ToolUseBlockStart) = "toolUse",
        ToolResult(Value) = "toolResult",
        Image(Value) = "image",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolUseBlockStart {
    pub tool_use_id: String,
    pub name: String,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentBlockDeltaEvent {
    pub content_block_index: u32,
    pub delta: ContentBlockDelta,
}

wire_union! {
    pub enum ContentBlockDelta {
        Text(String) = "text",
        ToolUse(ToolUseBlockDelta) = "toolUse",
        ReasoningContent(ReasoningContentBlockDelta) = "reasoningContent",
        Citation(Value) = "citation",
        ToolResult(Value) = "toolResult",
        Image(Value) = "image",
    }
}

/// A fragment of a tool call's input JSON; fragments concatenate to the whole document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolUseBlockDelta {
    pub input: String,
}

wire_union! {
    pub enum ReasoningContentBlockDelta {
        Text(String) = "text",
        Signature(String) = "signature",
        RedactedContent(String) = "redactedContent",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentBlockStopEvent {
    pub content_block_index: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageStopEvent {
    pub stop_reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_model_response_fields: Option<Value>,
}

/// `metadata`: the last event, with token usage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetadataEvent {
    pub usage: TokenUsage,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<ConverseMetrics>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub performance_config: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_tier: Option<Value>,
}

/// One ConverseStream event, typed by its `:event-type`.
#[derive(Debug, Clone, PartialEq)]
pub enum ConverseStreamEvent {
    MessageStart(MessageStartEvent),
    ContentBlockStart(ContentBlockStartEvent),
    ContentBlockDelta(ContentBlockDeltaEvent),
    ContentBlockStop(ContentBlockStopEvent),
    MessageStop(MessageStopEvent),
    Metadata(MetadataEvent),
}

impl ConverseStreamEvent {
    /// Parses an event's payload by its `:event-type`; `Ok(None)` for event types this
    /// version does not know (they are skipped, not fatal).
    pub fn parse(event_type: &str, payload: &[u8]) -> Result<Option<Self>, serde_json::Error> {
        Ok(Some(match event_type {
            "messageStart" => Self::MessageStart(serde_json::from_slice(payload)?),
            "contentBlockStart" => Self::ContentBlockStart(serde_json::from_slice(payload)?),
            "contentBlockDelta" => Self::ContentBlockDelta(serde_json::from_slice(payload)?),
            "contentBlockStop" => Self::ContentBlockStop(serde_json::from_slice(payload)?),
            "messageStop" => Self::MessageStop(serde_json::from_slice(payload)?),
            "metadata" => Self::Metadata(serde_json::from_slice(payload)?),
            _ => return Ok(None),
        }))
    }
}
