//! Messages and content blocks, shared by Converse requests, responses and streams.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::union::wire_union;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConversationRole {
    User,
    Assistant,
    System,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub role: ConversationRole,
    pub content: Vec<ContentBlock>,
}

wire_union! {
    /// `ContentBlock`: one piece of a message. Shapes Quarry does not map yet stay raw JSON.
    pub enum ContentBlock {
        Text(String) = "text",
        Image(ImageBlock) = "image",
        Document(Value) = "document",
        Video(Value) = "video",
        Audio(Value) = "audio",
        ToolUse(ToolUseBlock) = "toolUse",
        ToolResult(ToolResultBlock) = "toolResult",
        GuardContent(Value) = "guardContent",
        CachePoint(CachePointBlock) = "cachePoint",
        ReasoningContent(ReasoningContentBlock) = "reasoningContent",
        CitationsContent(Value) = "citationsContent",
        SearchResult(Value) = "searchResult",
    }
}

wire_union! {
    /// `SystemContentBlock`: one piece of the system prompt.
    pub enum SystemContentBlock {
        Text(String) = "text",
        GuardContent(Value) = "guardContent",
        CachePoint(CachePointBlock) = "cachePoint",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageBlock {
    /// `png`, `jpeg`, `gif` or `webp`.
    pub format: String,
    pub source: ImageSource,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorBlock>,
}

wire_union! {
    pub enum ImageSource {
        /// Base64 of the image bytes.
        Bytes(String) = "bytes",
        S3Location(S3Location) = "s3Location",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct S3Location {
    pub uri: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket_owner: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBlock {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A tool call. `input` is a parsed JSON object (in streams it arrives as string fragments).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolUseBlock {
    pub tool_use_id: String,
    pub name: String,
    #[serde(default)]
    pub input: Value,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolResultBlock {
    pub tool_use_id: String,
    pub content: Vec<ToolResultContentBlock>,
    /// `success` or `error`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

wire_union! {
    pub enum ToolResultContentBlock {
        Json(Value) = "json",
        Text(String) = "text",
        Image(ImageBlock) = "image",
        Document(Value) = "document",
        Video(Value) = "video",
        SearchResult(Value) = "searchResult",
    }
}

/// A prompt-cache checkpoint: `{"type":"default","ttl"?:"5m"|"1h"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachePointBlock {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<String>,
}

wire_union! {
    pub enum ReasoningContentBlock {
        ReasoningText(ReasoningTextBlock) = "reasoningText",
        /// Base64 of the encrypted reasoning.
        RedactedContent(String) = "redactedContent",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasoningTextBlock {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}
