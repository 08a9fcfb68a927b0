//! `POST /v1/images/generations` (JSON) and `POST /v1/images/edits` (multipart/form-data):
//! the requests and the response.
//!
//! An edit arrives as form parts; [`ImageEditRequest`] is that form once parsed, with the
//! uploaded files as bytes and every text field kept by name.

use std::borrow::Cow;
use std::collections::BTreeMap;

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// An image generation request. Unknown fields (`negative_prompt`, `seed`, `extra_body`, …)
/// land in `extra`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ImageGenerationRequest {
    #[serde(default)]
    pub model: Option<String>,
    pub prompt: String,
    #[serde(default)]
    pub n: Option<u32>,
    /// `WIDTHxHEIGHT` or `auto`.
    #[serde(default)]
    pub size: Option<String>,
    #[serde(default)]
    pub quality: Option<String>,
    #[serde(default)]
    pub style: Option<String>,
    /// `b64_json` or `url`.
    #[serde(default)]
    pub response_format: Option<String>,
    /// `png`, `jpeg` or `webp`.
    #[serde(default)]
    pub output_format: Option<String>,
    #[serde(default)]
    pub user: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One uploaded file of a multipart form.
#[derive(Clone, PartialEq, Eq)]
pub struct UploadedFile {
    /// The part's name as sent (`image`, `image[]`, `mask`).
    pub part: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Bytes,
}

impl std::fmt::Debug for UploadedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadedFile")
            .field("part", &self.part)
            .field("filename", &self.filename)
            .field("content_type", &self.content_type)
            .field("bytes", &self.data.len())
            .finish()
    }
}

/// An image edit form. OpenAI's fields are typed; every other text field (`task`,
/// `mask_prompt`, `negative_prompt`, `seed`, `strength`, …) is in `fields`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageEditRequest {
    /// `image`, or each `image[]`, in form order.
    pub images: Vec<UploadedFile>,
    pub mask: Option<UploadedFile>,
    pub prompt: Option<String>,
    pub model: Option<String>,
    pub n: Option<String>,
    pub size: Option<String>,
    pub quality: Option<String>,
    pub response_format: Option<String>,
    pub output_format: Option<String>,
    pub fields: BTreeMap<String, String>,
}

/// The response: `{"created", "data": [{"b64_json"}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImagesResponse<'a> {
    pub created: u64,
    pub data: Vec<ImageData<'a>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageData<'a> {
    pub b64_json: Cow<'a, str>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use serde_json::json;

    #[test]
    fn generation_request_keeps_extras() {
        let req: ImageGenerationRequest = serde_json::from_value(json!({
            "model": "amazon.nova-canvas-v1:0", "prompt": "a cat", "n": 2, "size": "512x512",
            "quality": "hd", "response_format": "b64_json", "seed": 7,
            "extra_body": {"negative_prompt": "dogs"}
        }))
        .unwrap();
        assert_eq!(req.n, Some(2));
        assert_eq!(req.size.as_deref(), Some("512x512"));
        assert_eq!(req.extra["seed"], 7);
        assert_eq!(req.extra["extra_body"]["negative_prompt"], "dogs");
        let missing = serde_json::from_value::<ImageGenerationRequest>(json!({"n": 1}));
        assert!(missing.unwrap_err().to_string().contains("prompt"));
    }

    #[test]
    fn response_shape() {
        let response = ImagesResponse {
            created: 7,
            data: vec![ImageData {
                b64_json: "iVBO".into(),
            }],
        };
        assert_eq!(
            serde_json::to_value(&response).unwrap(),
            json!({"created": 7, "data": [{"b64_json": "iVBO"}]})
        );
    }

    #[test]
    fn uploaded_files_debug_without_their_bytes() {
        let file = UploadedFile {
            part: "image".into(),
            filename: Some("a.png".into()),
            content_type: None,
            data: Bytes::from_static(b"secret-ish bytes"),
        };
        let shown = format!("{file:?}");
        assert!(shown.contains("bytes: 16"), "{shown}");
        assert!(!shown.contains("secret-ish"));
    }
}
