//! `POST /v1/images/generations` → the InvokeModel bodies: one `TEXT_IMAGE` task for Titan /
//! Canvas (`numberOfImages` = n), or n Stability calls (one image each; with a `seed`, call
//! `i` uses `seed + i` so the images differ).

use quarry_openai::images::ImageGenerationRequest;

use super::family::{nearest_aspect_ratio, ImageFamily};
use super::options::{self, common, encode, generation_config, OpenaiFields};
use super::wire::{StabilityBody, TaskBody, TextToImage};
use crate::chat::TranslateError;
use crate::invoke::Extras;

/// The InvokeModel calls of one image request; their images, in call order, are the answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ImagePlan {
    pub family: ImageFamily,
    pub bodies: Vec<Vec<u8>>,
}

/// Plans the calls for a generation on `model`. `negative_prompt`, `seed`, `cfg_scale` and a
/// Canvas `style` may come top-level or in `extra_body`.
pub fn plan_generation(
    req: &ImageGenerationRequest,
    model: &str,
) -> Result<ImagePlan, TranslateError> {
    let family = ImageFamily::of(model)?;
    if req.prompt.trim().is_empty() {
        return Err(TranslateError::at("prompt", "prompt must not be empty"));
    }
    let extras = Extras::new(&req.extra)?;
    let c = common(
        family,
        OpenaiFields {
            n: req.n,
            size: req.size.as_deref(),
            quality: req.quality.as_deref(),
            response_format: req.response_format.as_deref(),
            output_format: req.output_format.as_deref(),
        },
        &extras,
    )?;
    let requested_style = match req.style.as_deref() {
        Some(s) => Some(s),
        None => extras.str("style")?,
    };
    let style = options::style(family, requested_style)?;
    let bodies = if family.is_stability() {
        (0..u64::from(c.n))
            .map(|i| {
                encode(&StabilityBody {
                    prompt: &req.prompt,
                    negative_prompt: c.negative,
                    aspect_ratio: c.size.map(|(w, h)| nearest_aspect_ratio(w, h)),
                    seed: c.seed.map(|s| s + i),
                    output_format: c.output_format,
                    ..Default::default()
                })
            })
            .collect::<Result<_, _>>()?
    } else {
        vec![encode(&TaskBody {
            task_type: "TEXT_IMAGE",
            text_to_image_params: Some(TextToImage {
                text: &req.prompt,
                negative_text: c.negative,
                style,
            }),
            image_generation_config: Some(generation_config(&c, true)),
            ..Default::default()
        })?]
    };
    Ok(ImagePlan { family, bodies })
}
