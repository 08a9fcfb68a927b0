//! Which image body a model speaks, from the resolved model ID (prefixes and ARNs looked
//! through), and OpenAI's `size` as Bedrock's width/height or Stability's `aspect_ratio`.

use crate::chat::{base_id, TranslateError};

/// The image body formats Quarry maps OpenAI requests to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFamily {
    /// `amazon.titan-image-generator-v1`.
    TitanV1,
    /// `amazon.titan-image-generator-v2:0` (adds background removal).
    TitanV2,
    /// `amazon.nova-canvas-v1:0` (adds styles).
    NovaCanvas,
    /// `stability.sd3-large-v1:0`, `stability.sd3-5-large-v1:0`: text- and image-to-image.
    StabilityLarge,
    /// Stable Image Ultra / Core and other `stability.*` text-to-image models.
    StabilityText,
}

impl ImageFamily {
    /// The family of `model_id`, or a 400 naming the supported models.
    pub fn of(model_id: &str) -> Result<Self, TranslateError> {
        let unsupported = || {
            TranslateError::at(
                "model",
                format!(
                    "model '{model_id}' is not an image model Quarry can call: use Nova Canvas \
                     (amazon.nova-canvas-v1:0), Titan Image Generator \
                     (amazon.titan-image-generator-v1 / -v2:0) or Stability \
                     (stability.sd3-5-large-v1:0, stability.stable-image-ultra-v1:1, …)"
                ),
            )
        };
        let id = base_id(model_id).ok_or_else(unsupported)?;
        let family = match id {
            _ if id.starts_with("amazon.titan-image-generator-v1") => Self::TitanV1,
            _ if id.starts_with("amazon.titan-image-generator-v2") => Self::TitanV2,
            _ if id.starts_with("amazon.nova-canvas") => Self::NovaCanvas,
            // The SDXL body (`text_prompts`, `artifacts`) is a different, legacy format.
            _ if id.starts_with("stability.stable-diffusion-xl") => return Err(unsupported()),
            _ if id.starts_with("stability.sd3-large")
                || id.starts_with("stability.sd3-5-large") =>
            {
                Self::StabilityLarge
            }
            _ if id.starts_with("stability.") => Self::StabilityText,
            _ => return Err(unsupported()),
        };
        Ok(family)
    }

    /// Titan and Canvas share the task envelope; Stability has its own body.
    pub fn is_stability(self) -> bool {
        matches!(self, Self::StabilityLarge | Self::StabilityText)
    }

    /// Images one call can return (Stability: one; more are more calls).
    pub fn images_per_call(self) -> u32 {
        if self.is_stability() {
            1
        } else {
            5
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::TitanV1 => "Titan Image Generator v1",
            Self::TitanV2 => "Titan Image Generator v2",
            Self::NovaCanvas => "Nova Canvas",
            Self::StabilityLarge => "Stable Diffusion 3 Large",
            Self::StabilityText => "Stability",
        }
    }
}

/// Stability's aspect ratios, in the order ties are broken.
pub const ASPECT_RATIOS: [(&str, u32, u32); 9] = [
    ("1:1", 1, 1),
    ("16:9", 16, 9),
    ("9:16", 9, 16),
    ("3:2", 3, 2),
    ("2:3", 2, 3),
    ("5:4", 5, 4),
    ("4:5", 4, 5),
    ("21:9", 21, 9),
    ("9:21", 9, 21),
];

/// `WIDTHxHEIGHT` → `Some((w, h))`; `auto` → `None`; anything else a 400 on `param`.
pub fn parse_size(size: &str, param: &str) -> Result<Option<(u32, u32)>, TranslateError> {
    if size.eq_ignore_ascii_case("auto") {
        return Ok(None);
    }
    size.split_once(['x', 'X'])
        .and_then(|(w, h)| Some((w.trim().parse().ok()?, h.trim().parse().ok()?)))
        .filter(|&(w, h): &(u32, u32)| w > 0 && h > 0)
        .map(Some)
        .ok_or_else(|| {
            TranslateError::at(
                param,
                format!("size must be WIDTHxHEIGHT (e.g. 1024x1024) or auto, got '{size}'"),
            )
        })
}

/// The Stability aspect ratio closest to `width:height` (by the ratio's logarithm, so 2:1 and
/// 1:2 are equally far from 1:1).
pub fn nearest_aspect_ratio(width: u32, height: u32) -> &'static str {
    let target = (f64::from(width) / f64::from(height)).ln();
    let mut best = ASPECT_RATIOS[0];
    let mut best_distance = f64::INFINITY;
    for candidate in ASPECT_RATIOS {
        let distance = (target - (f64::from(candidate.1) / f64::from(candidate.2)).ln()).abs();
        if distance < best_distance - 1e-12 {
            best = candidate;
            best_distance = distance;
        }
    }
    best.0
}
