//! InvokeModel image answers → OpenAI's `{created, data: [{b64_json}]}`. The base64 strings
//! are borrowed from Bedrock's body, not decoded. A content-filter outcome — Titan / Canvas
//! `error`, a Stability `finish_reasons` filter, or Titan / Canvas's 400 "blocked by our
//! content filters" — becomes a 400 `content_policy_violation`, never an empty image list.

use std::borrow::Cow;

use quarry_openai::images::{ImageData, ImagesResponse};

use super::family::ImageFamily;
use super::wire::{StabilityAnswer, TaskAnswer};
use crate::error::BedrockError;
use crate::invoke::BadResponse;

/// The exception name Quarry gives a content-filter refusal (OpenAI code
/// `content_policy_violation`).
pub const CONTENT_FILTER_CODE: &str = "ContentPolicyViolationException";

/// Why an answer has no images.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageError {
    /// The model's content filter refused the prompt, an input or the output.
    Filtered(BedrockError),
    /// The answer is not what the API promises.
    Bad(BadResponse),
}

/// The 400 a client sees for a filtered request.
pub fn content_filter_error(detail: &str) -> BedrockError {
    BedrockError {
        status: 400,
        code: CONTENT_FILTER_CODE.to_owned(),
        message: format!("the image request was refused by the model's content filter: {detail}"),
    }
}

/// Titan / Canvas answer a filtered prompt with a 400 `ValidationException`; that error as a
/// content-filter refusal, or `None` when it is some other error.
pub fn content_filter_from(error: &BedrockError) -> Option<BedrockError> {
    let filtered = error.status == 400
        && (error.message.contains("content filters") || error.message.contains("content filter"));
    filtered.then(|| content_filter_error(&error.message))
}

/// Appends the base64 images of one InvokeModel answer to `out`.
pub fn parse_images_call<'a>(
    family: ImageFamily,
    body: &'a [u8],
    out: &mut Vec<Cow<'a, str>>,
) -> Result<(), ImageError> {
    let unreadable = |e: &dyn std::fmt::Display| {
        ImageError::Bad(BadResponse(format!(
            "Bedrock returned an unreadable {} answer: {e}",
            family.name()
        )))
    };
    let images = if family.is_stability() {
        let answer: StabilityAnswer<'a> =
            serde_json::from_slice(body).map_err(|e| unreadable(&e))?;
        if let Some(reason) = answer.finish_reasons.iter().flatten().next() {
            return Err(if reason.starts_with("Filter reason") {
                ImageError::Filtered(content_filter_error(reason))
            } else {
                ImageError::Bad(BadResponse(format!(
                    "{} could not make the image: {reason}",
                    family.name()
                )))
            });
        }
        answer.images
    } else {
        let answer: TaskAnswer<'a> = serde_json::from_slice(body).map_err(|e| unreadable(&e))?;
        if let Some(error) = answer.error.filter(|e| !e.trim().is_empty()) {
            return Err(ImageError::Filtered(content_filter_error(&error)));
        }
        answer.images
    };
    if images.is_empty() || images.iter().any(|i| i.is_empty()) {
        return Err(unreadable(&"it has no images"));
    }
    out.extend(images);
    Ok(())
}

/// OpenAI's answer for `images` (base64), created at `created` (Unix seconds).
pub fn images_response(created: u64, images: Vec<Cow<'_, str>>) -> Result<Vec<u8>, BadResponse> {
    let size: usize = images.iter().map(|i| i.len() + 16).sum::<usize>() + 32;
    let response = ImagesResponse {
        created,
        data: images
            .into_iter()
            .map(|b64_json| ImageData { b64_json })
            .collect(),
    };
    let mut out = Vec::with_capacity(size);
    serde_json::to_writer(&mut out, &response)
        .map_err(|e| BadResponse(format!("could not encode the images answer: {e}")))?;
    Ok(out)
}
