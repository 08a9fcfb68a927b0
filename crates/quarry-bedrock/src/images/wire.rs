//! The InvokeModel image bodies Quarry sends and reads: the task envelope of Titan Image and
//! Nova Canvas, and Stability's flat body (bedrock-wire §6.4, §6.5).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// Titan Image v1/v2 and Nova Canvas: `taskType`, its `<task>Params`, `imageGenerationConfig`.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TaskBody<'a> {
    pub task_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_to_image_params: Option<TextToImage<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_painting_params: Option<Painting<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub out_painting_params: Option<Painting<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_variation_params: Option<Variation<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub background_removal_params: Option<BackgroundRemoval>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_generation_config: Option<GenerationConfig>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TextToImage<'a> {
    pub text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub negative_text: Option<&'a str>,
    /// Nova Canvas only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<String>,
}

/// `inPaintingParams` and `outPaintingParams` (the latter adds `outPaintingMode`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Painting<'a> {
    pub image: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub negative_text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mask_prompt: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mask_image: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub out_painting_mode: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Variation<'a> {
    pub images: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub negative_text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub similarity_strength: Option<f64>,
}

#[derive(Debug, Serialize)]
pub(crate) struct BackgroundRemoval {
    pub image: String,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GenerationConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number_of_images: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quality: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cfg_scale: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

/// Stability SD3 / SD3.5 Large, Stable Image Ultra and Core: one image per call.
#[derive(Debug, Default, Serialize)]
pub(crate) struct StabilityBody<'a> {
    pub prompt: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub negative_prompt: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strength: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aspect_ratio: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_format: Option<&'static str>,
}

/// Titan / Canvas answer: `{"images": [b64…], "error"?}`.
#[derive(Debug, Deserialize)]
pub(crate) struct TaskAnswer<'a> {
    #[serde(borrow, default)]
    pub images: Vec<Cow<'a, str>>,
    #[serde(default)]
    pub error: Option<String>,
}

/// Stability answer: `{"seeds", "finish_reasons": [null | reason], "images": [b64…]}`.
#[derive(Debug, Deserialize)]
pub(crate) struct StabilityAnswer<'a> {
    #[serde(borrow, default)]
    pub images: Vec<Cow<'a, str>>,
    #[serde(default)]
    pub finish_reasons: Vec<Option<String>>,
}
