//! `POST /v1/videos`, `GET /v1/videos/{id}`, `GET /v1/videos`: the create request, the video
//! object and the list envelope, as OpenAI's videos API shapes them.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A video creation request (JSON). `seconds` is a string in OpenAI's API (`"4"`); a number
/// is accepted too. Unknown fields (`fps`, `seed`, `extra_body`, …) land in `extra`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct VideoCreateRequest {
    #[serde(default)]
    pub model: Option<String>,
    pub prompt: String,
    #[serde(default)]
    pub seconds: Option<Value>,
    /// `WIDTHxHEIGHT`, e.g. `1280x720`.
    #[serde(default)]
    pub size: Option<String>,
    /// An image to start from, as a `data:` URL (JSON bodies only).
    #[serde(default)]
    pub input_reference: Option<Value>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `queued`, `in_progress`, `completed` or `failed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VideoStatus {
    Queued,
    InProgress,
    Completed,
    Failed,
}

/// Why a job failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VideoError {
    pub code: String,
    pub message: String,
}

/// OpenAI's video object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Video {
    pub id: String,
    /// Always `video`.
    pub object: String,
    pub model: String,
    pub status: VideoStatus,
    pub created_at: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<VideoError>,
}

/// `GET /v1/videos`: `{object: "list", data, has_more, first_id?, last_id?}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VideoList {
    pub object: String,
    pub data: Vec<Video>,
    pub has_more: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_id: Option<String>,
}
