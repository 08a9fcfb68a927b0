//! The knobs generations and edits share — `n`, `size`, `quality`, `response_format`,
//! `output_format`, `negative_prompt`, `seed`, `cfg_scale`, `style` — read from JSON (top-level
//! or `extra_body`) or from form fields, checked against the model family.

use std::collections::BTreeMap;

use serde::Serialize;

use super::family::{parse_size, ImageFamily};
use super::wire::GenerationConfig;
use crate::chat::TranslateError;
use crate::invoke::Extras;

/// OpenAI's limit on `n`.
pub const MAX_IMAGES: u32 = 10;

/// Nova Canvas styles (`textToImageParams.style`).
pub const CANVAS_STYLES: [&str; 8] = [
    "3D_ANIMATED_FAMILY_FILM",
    "DESIGN_SKETCH",
    "FLAT_VECTOR_ILLUSTRATION",
    "GRAPHIC_NOVEL_ILLUSTRATION",
    "MAXIMALISM",
    "MIDCENTURY_RETRO",
    "PHOTOREALISM",
    "SOFT_DIGITAL_PAINTING",
];

/// Where optional fields come from: JSON extras or text fields of a form.
pub(crate) trait Knobs {
    fn text(&self, key: &str) -> Result<Option<&str>, TranslateError>;
    fn integer(&self, key: &str) -> Result<Option<u64>, TranslateError>;
    fn number(&self, key: &str) -> Result<Option<f64>, TranslateError>;
}

impl Knobs for Extras<'_> {
    fn text(&self, key: &str) -> Result<Option<&str>, TranslateError> {
        self.str(key)
    }
    fn integer(&self, key: &str) -> Result<Option<u64>, TranslateError> {
        self.u64(key)
    }
    fn number(&self, key: &str) -> Result<Option<f64>, TranslateError> {
        self.f64(key)
    }
}

/// Text fields of a multipart form; numbers are parsed from their text.
pub(crate) struct FormKnobs<'a>(pub &'a BTreeMap<String, String>);

impl Knobs for FormKnobs<'_> {
    fn text(&self, key: &str) -> Result<Option<&str>, TranslateError> {
        Ok(self
            .0
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty()))
    }
    fn integer(&self, key: &str) -> Result<Option<u64>, TranslateError> {
        self.text(key)?
            .map(|v| {
                v.trim().parse().map_err(|_| {
                    TranslateError::at(key, format!("{key} must be a non-negative integer"))
                })
            })
            .transpose()
    }
    fn number(&self, key: &str) -> Result<Option<f64>, TranslateError> {
        self.text(key)?
            .map(|v| {
                v.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite())
                    .ok_or_else(|| TranslateError::at(key, format!("{key} must be a number")))
            })
            .transpose()
    }
}

/// OpenAI's own fields, as the request carried them.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct OpenaiFields<'a> {
    pub n: Option<u32>,
    pub size: Option<&'a str>,
    pub quality: Option<&'a str>,
    pub response_format: Option<&'a str>,
    pub output_format: Option<&'a str>,
}

/// The checked knobs of one request.
#[derive(Debug, Clone)]
pub(crate) struct Common<'a> {
    pub n: u32,
    pub size: Option<(u32, u32)>,
    pub quality: Option<&'static str>,
    pub negative: Option<&'a str>,
    pub seed: Option<u64>,
    pub cfg_scale: Option<f64>,
    /// Stability's `output_format`.
    pub output_format: Option<&'static str>,
}

pub(crate) fn common<'a>(
    family: ImageFamily,
    fields: OpenaiFields<'a>,
    knobs: &'a dyn Knobs,
) -> Result<Common<'a>, TranslateError> {
    match fields.response_format {
        None | Some("b64_json") => {}
        Some("url") => {
            return Err(TranslateError::at(
                "response_format",
                "response_format 'url' is not available: Bedrock returns the image bytes, so \
                 Quarry answers with b64_json only",
            ))
        }
        Some(other) => {
            return Err(TranslateError::at(
                "response_format",
                format!("response_format must be b64_json, got '{other}'"),
            ))
        }
    }
    let n = fields.n.unwrap_or(1);
    if n == 0 || n > MAX_IMAGES {
        return Err(TranslateError::at(
            "n",
            format!("n must be between 1 and {MAX_IMAGES}, got {n}"),
        ));
    }
    if !family.is_stability() && n > family.images_per_call() {
        return Err(TranslateError::at(
            "n",
            format!(
                "{} makes at most {} images per request, got n = {n}",
                family.name(),
                family.images_per_call()
            ),
        ));
    }
    let size = fields
        .size
        .map(|s| parse_size(s, "size"))
        .transpose()?
        .flatten();
    let quality = match fields.quality.map(str::to_ascii_lowercase).as_deref() {
        None | Some("auto") => None,
        Some("standard" | "medium" | "low") => Some("standard"),
        Some("hd" | "high" | "xhigh" | "max" | "premium") => Some("premium"),
        Some(other) => {
            return Err(TranslateError::at(
                "quality",
                format!("quality must be standard, hd or auto, got '{other}'"),
            ))
        }
    };
    let output_format = match (
        fields.output_format.map(str::to_ascii_lowercase).as_deref(),
        family.is_stability(),
    ) {
        (None, _) | (Some("png"), false) => None,
        (Some("png"), true) => Some("png"),
        (Some("jpeg" | "jpg"), true) => Some("jpeg"),
        (Some(other), _) => {
            let allowed = if family.is_stability() {
                "png or jpeg"
            } else {
                "png"
            };
            return Err(TranslateError::at(
                "output_format",
                format!(
                    "output_format '{other}' is not available on {}: use {allowed}",
                    family.name()
                ),
            ));
        }
    };
    let cfg_scale = knobs.number("cfg_scale")?;
    if cfg_scale.is_some() && family.is_stability() {
        return Err(TranslateError::at(
            "cfg_scale",
            "cfg_scale is not available on Stability models on Bedrock",
        ));
    }
    Ok(Common {
        n,
        size,
        quality: if family.is_stability() { None } else { quality },
        negative: knobs.text("negative_prompt")?,
        seed: knobs.integer("seed")?,
        cfg_scale,
        output_format,
    })
}

/// OpenAI's `vivid` / `natural` have no Bedrock equivalent and are ignored; a Canvas style
/// name (any case) is sent on Nova Canvas and refused elsewhere.
pub(crate) fn style(
    family: ImageFamily,
    style: Option<&str>,
) -> Result<Option<String>, TranslateError> {
    let Some(style) = style else { return Ok(None) };
    if style.eq_ignore_ascii_case("vivid") || style.eq_ignore_ascii_case("natural") {
        return Ok(None);
    }
    let upper = style.to_ascii_uppercase();
    let known = CANVAS_STYLES.contains(&upper.as_str());
    match (family, known) {
        (ImageFamily::NovaCanvas, true) => Ok(Some(upper)),
        (ImageFamily::NovaCanvas, false) => Err(TranslateError::at(
            "style",
            format!(
                "style '{style}' is not a Nova Canvas style: use vivid, natural or one of {}",
                CANVAS_STYLES.join(", ")
            ),
        )),
        _ => Err(TranslateError::at(
            "style",
            format!(
                "style '{style}' is not available on {}: only vivid or natural (ignored)",
                family.name()
            ),
        )),
    }
}

/// `imageGenerationConfig` of the Titan / Canvas envelope.
pub(crate) fn generation_config(c: &Common<'_>, with_size: bool) -> GenerationConfig {
    let (width, height) = match (with_size, c.size) {
        (true, Some((w, h))) => (Some(w), Some(h)),
        _ => (None, None),
    };
    GenerationConfig {
        number_of_images: Some(c.n),
        quality: c.quality,
        width,
        height,
        cfg_scale: c.cfg_scale,
        seed: c.seed,
    }
}

/// Serialising these plain structs cannot fail; an error is still reported, not unwrapped.
pub(crate) fn encode<T: Serialize>(body: &T) -> Result<Vec<u8>, TranslateError> {
    serde_json::to_vec(body).map_err(|e| TranslateError {
        message: format!("could not encode the InvokeModel body: {e}"),
        param: None,
    })
}
