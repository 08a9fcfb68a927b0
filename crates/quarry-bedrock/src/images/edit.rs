//! `POST /v1/images/edits` (an [`ImageEditRequest`] from the form) → InvokeModel bodies.
//!
//! Titan Image and Nova Canvas pick the task from the form field `task`: `INPAINTING` (with
//! the `mask` part as `maskImage` — an OpenAI mask's transparent area converted to Bedrock's
//! black edit area by `mask.rs` — or a `mask_prompt` field), `OUTPAINTING` (same, plus
//! `outpainting_mode` DEFAULT / PRECISE), `IMAGE_VARIATION` (1–5 images, `similarity_strength`)
//! or `BACKGROUND_REMOVAL` (Titan v2, Canvas). Without `task`: INPAINTING when a mask or
//! mask prompt is given, else IMAGE_VARIATION. `size` applies to IMAGE_VARIATION only (the
//! other tasks keep the input's size). SD3 / SD3.5 Large do image-to-image (`strength`, default
//! 0.5) on exactly one image, without a mask.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use quarry_openai::images::{ImageEditRequest, UploadedFile};

use super::family::ImageFamily;
use super::form::{sniff_image, ImageKind};
use super::generation::ImagePlan;
use super::options::{common, encode, generation_config, Common, FormKnobs, Knobs, OpenaiFields};
use super::wire::{BackgroundRemoval, Painting, StabilityBody, TaskBody, Variation};
use crate::chat::TranslateError;

/// Default `strength` of Stability image-to-image.
pub const DEFAULT_STRENGTH: f64 = 0.5;

/// The Titan / Canvas edit tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditTask {
    Inpainting,
    Outpainting,
    ImageVariation,
    BackgroundRemoval,
}

impl EditTask {
    fn parse(value: &str) -> Result<Self, TranslateError> {
        match value.to_ascii_uppercase().as_str() {
            "INPAINTING" => Ok(Self::Inpainting),
            "OUTPAINTING" => Ok(Self::Outpainting),
            "IMAGE_VARIATION" => Ok(Self::ImageVariation),
            "BACKGROUND_REMOVAL" => Ok(Self::BackgroundRemoval),
            _ => Err(TranslateError::at(
                "task",
                format!(
                    "task '{value}' is not an edit task: use INPAINTING, OUTPAINTING, \
                     IMAGE_VARIATION or BACKGROUND_REMOVAL"
                ),
            )),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Inpainting => "INPAINTING",
            Self::Outpainting => "OUTPAINTING",
            Self::ImageVariation => "IMAGE_VARIATION",
            Self::BackgroundRemoval => "BACKGROUND_REMOVAL",
        }
    }
}

fn b64(file: &UploadedFile) -> String {
    STANDARD.encode(&file.data)
}

/// Titan and Canvas read PNG and JPEG; Stability also WebP.
fn check_kind(family: ImageFamily, file: &UploadedFile) -> Result<(), TranslateError> {
    let kind = sniff_image(&file.data);
    let accepted = match kind {
        Some(ImageKind::Png | ImageKind::Jpeg) => true,
        Some(ImageKind::Webp) => family.is_stability(),
        None => false,
    };
    if accepted {
        return Ok(());
    }
    let allowed = if family.is_stability() {
        "PNG, JPEG or WebP"
    } else {
        "PNG or JPEG"
    };
    Err(TranslateError::at(
        &file.part,
        format!(
            "part '{}' is {}; {} edits {allowed} images",
            file.part,
            kind.map_or("not an image", ImageKind::name),
            family.name()
        ),
    ))
}

fn parse_n(n: Option<&str>) -> Result<Option<u32>, TranslateError> {
    n.map(|v| {
        v.trim()
            .parse()
            .map_err(|_| TranslateError::at("n", format!("n must be an integer, got '{v}'")))
    })
    .transpose()
}

/// Plans the calls for an edit on `model`.
pub fn plan_edit(req: &ImageEditRequest, model: &str) -> Result<ImagePlan, TranslateError> {
    let family = ImageFamily::of(model)?;
    for file in req.images.iter().chain(&req.mask) {
        check_kind(family, file)?;
    }
    let Some(first) = req.images.first() else {
        return Err(TranslateError::at(
            "image",
            "part 'image' is required: the image to edit",
        ));
    };
    let knobs = FormKnobs(&req.fields);
    let c = common(
        family,
        OpenaiFields {
            n: parse_n(req.n.as_deref())?,
            size: req.size.as_deref(),
            quality: req.quality.as_deref(),
            response_format: req.response_format.as_deref(),
            output_format: req.output_format.as_deref(),
        },
        &knobs,
    )?;
    let prompt = req.prompt.as_deref().filter(|p| !p.trim().is_empty());
    if family.is_stability() {
        return stability(family, req, first, prompt, &c, &knobs);
    }
    let mask_prompt = knobs.text("mask_prompt")?;
    let task = match knobs.text("task")? {
        Some(t) => EditTask::parse(t)?,
        None if req.mask.is_some() || mask_prompt.is_some() => EditTask::Inpainting,
        None => EditTask::ImageVariation,
    };
    let one_image = || {
        if req.images.len() == 1 {
            Ok(b64(first))
        } else {
            Err(TranslateError::at(
                "image",
                format!(
                    "{} edits one image; the form has {}",
                    task.name(),
                    req.images.len()
                ),
            ))
        }
    };
    let no_mask = || {
        if req.mask.is_some() || mask_prompt.is_some() {
            Err(TranslateError::at(
                "mask",
                format!("{} takes no mask or mask_prompt", task.name()),
            ))
        } else {
            Ok(())
        }
    };
    let mut body = TaskBody {
        task_type: task.name(),
        ..Default::default()
    };
    match task {
        EditTask::Inpainting | EditTask::Outpainting => {
            let (mask_image, mask_prompt) = match (&req.mask, mask_prompt) {
                (Some(mask), None) => {
                    let bedrock_mask = super::mask::openai_mask_to_bedrock(&mask.data)
                        .map_err(|e| TranslateError::at("mask", e))?;
                    let encoded = match bedrock_mask {
                        Some(converted) => STANDARD.encode(converted),
                        None => b64(mask),
                    };
                    (Some(encoded), None)
                }
                (None, Some(p)) => (None, Some(p)),
                (Some(_), Some(_)) => {
                    return Err(TranslateError::at(
                        "mask_prompt",
                        "send either a 'mask' part or a 'mask_prompt' field, not both",
                    ))
                }
                (None, None) => {
                    return Err(TranslateError::at(
                        "mask",
                        format!(
                            "{} needs a 'mask' part or a 'mask_prompt' field",
                            task.name()
                        ),
                    ))
                }
            };
            let out_painting_mode = match (task, knobs.text("outpainting_mode")?) {
                (EditTask::Outpainting, Some(m)) => {
                    let m = m.to_ascii_uppercase();
                    if m != "DEFAULT" && m != "PRECISE" {
                        return Err(TranslateError::at(
                            "outpainting_mode",
                            "outpainting_mode must be DEFAULT or PRECISE",
                        ));
                    }
                    Some(m)
                }
                _ => None,
            };
            let params = Painting {
                image: one_image()?,
                text: prompt,
                negative_text: c.negative,
                mask_prompt,
                mask_image,
                out_painting_mode,
            };
            if task == EditTask::Inpainting {
                body.in_painting_params = Some(params);
            } else {
                body.out_painting_params = Some(params);
            }
            body.image_generation_config = Some(generation_config(&c, false));
        }
        EditTask::ImageVariation => {
            no_mask()?;
            if req.images.len() > 5 {
                return Err(TranslateError::at(
                    "image",
                    format!(
                        "IMAGE_VARIATION takes 1 to 5 images; the form has {}",
                        req.images.len()
                    ),
                ));
            }
            body.image_variation_params = Some(Variation {
                images: req.images.iter().map(b64).collect(),
                text: prompt,
                negative_text: c.negative,
                similarity_strength: knobs.number("similarity_strength")?,
            });
            body.image_generation_config = Some(generation_config(&c, true));
        }
        EditTask::BackgroundRemoval => {
            no_mask()?;
            if family == ImageFamily::TitanV1 {
                return Err(TranslateError::at(
                    "task",
                    "BACKGROUND_REMOVAL needs Titan Image Generator v2 or Nova Canvas",
                ));
            }
            if c.n != 1 {
                return Err(TranslateError::at(
                    "n",
                    "BACKGROUND_REMOVAL makes one image",
                ));
            }
            body.background_removal_params = Some(BackgroundRemoval {
                image: one_image()?,
            });
        }
    }
    Ok(ImagePlan {
        family,
        bodies: vec![encode(&body)?],
    })
}

fn stability(
    family: ImageFamily,
    req: &ImageEditRequest,
    image: &UploadedFile,
    prompt: Option<&str>,
    c: &Common<'_>,
    knobs: &dyn Knobs,
) -> Result<ImagePlan, TranslateError> {
    if family != ImageFamily::StabilityLarge {
        return Err(TranslateError::at(
            "model",
            "image edits on Stability need SD3 Large or SD3.5 Large (image-to-image); Stable \
             Image Ultra and Core generate from text only",
        ));
    }
    if req.mask.is_some() || knobs.text("mask_prompt")?.is_some() {
        return Err(TranslateError::at(
            "mask",
            "Stability image-to-image takes no mask: use Nova Canvas or Titan Image for inpainting",
        ));
    }
    if let Some(task) = knobs.text("task")? {
        return Err(TranslateError::at(
            "task",
            format!("task '{task}' is for Nova Canvas and Titan Image; Stability does image-to-image only"),
        ));
    }
    if req.images.len() != 1 {
        return Err(TranslateError::at(
            "image",
            format!(
                "Stability image-to-image edits one image; the form has {}",
                req.images.len()
            ),
        ));
    }
    let prompt = prompt.ok_or_else(|| {
        TranslateError::at(
            "prompt",
            "part 'prompt' is required for Stability image-to-image",
        )
    })?;
    let strength = knobs.number("strength")?.unwrap_or(DEFAULT_STRENGTH);
    if !(0.0..=1.0).contains(&strength) {
        return Err(TranslateError::at(
            "strength",
            "strength must be between 0 and 1",
        ));
    }
    let encoded = b64(image);
    let bodies = (0..u64::from(c.n))
        .map(|i| {
            encode(&StabilityBody {
                prompt,
                negative_prompt: c.negative,
                mode: Some("image-to-image"),
                image: Some(encoded.clone()),
                strength: Some(strength),
                seed: c.seed.map(|s| s + i),
                output_format: c.output_format,
                aspect_ratio: None,
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(ImagePlan { family, bodies })
}
