//! Amazon Titan Image Generator v1/v2 and Nova Canvas: the task envelope
//! (`taskType`, `<task>Params`, `imageGenerationConfig`), `numberOfImages` tiny PNGs, and the
//! content filter (a prompt with the word "blocked" is refused with a 400).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};

use super::schema::{self, at, malformed, Object};
use super::{png, Invoked};
use crate::error::ApiError;
use crate::hash::{splitmix, Fnv};
use crate::runtime::converse::media::BASE64;
use crate::text::{count_words, has_word};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ImageModel {
    TitanV1,
    TitanV2,
    Canvas,
}

/// What real Titan and Canvas answer (400 `ValidationException`) to a filtered prompt.
pub(crate) const FILTERED: &str = "This request has been blocked by our content filters. Please adjust your text prompt to submit a new request.";

/// Task type, its parameters member, and the models that have it.
const TASKS: [(&str, &str, &[ImageModel]); 7] = {
    use ImageModel::{Canvas, TitanV1, TitanV2};
    [
        (
            "TEXT_IMAGE",
            "textToImageParams",
            &[TitanV1, TitanV2, Canvas],
        ),
        (
            "INPAINTING",
            "inPaintingParams",
            &[TitanV1, TitanV2, Canvas],
        ),
        (
            "OUTPAINTING",
            "outPaintingParams",
            &[TitanV1, TitanV2, Canvas],
        ),
        (
            "IMAGE_VARIATION",
            "imageVariationParams",
            &[TitanV1, TitanV2, Canvas],
        ),
        (
            "COLOR_GUIDED_GENERATION",
            "colorGuidedGenerationParams",
            &[TitanV2, Canvas],
        ),
        (
            "BACKGROUND_REMOVAL",
            "backgroundRemovalParams",
            &[TitanV2, Canvas],
        ),
        ("VIRTUAL_TRY_ON", "virtualTryOnParams", &[Canvas]),
    ]
};

fn check_base64(value: &Value, path: &str) -> Result<(), ApiError> {
    let text = schema::as_str(value, path)?;
    if text.is_empty() || BASE64.decode(text).is_err() {
        return Err(malformed(format!("{path}: the image is not valid base64")));
    }
    Ok(())
}

/// Checks of one task's parameters; returns the prompt texts (for the filter and tokens).
fn task_texts<'b>(
    task: &str,
    params: &'b Object,
    path: &str,
    max_text: usize,
) -> Result<Vec<&'b str>, ApiError> {
    let mut texts = Vec::new();
    let text_required = matches!(task, "TEXT_IMAGE" | "COLOR_GUIDED_GENERATION");
    match schema::opt_str(params, "text", path)? {
        Some(text) => {
            schema::length(text, 1, max_text, &at(path, "text"))?;
            texts.push(text);
        }
        None if text_required => {
            schema::required(params, "text", path)?;
        }
        None => {}
    }
    match task {
        "INPAINTING" | "OUTPAINTING" => {
            check_base64(schema::required(params, "image", path)?, &at(path, "image"))?;
            match (params.get("maskPrompt"), params.get("maskImage")) {
                (Some(prompt), None) => {
                    texts.push(schema::as_str(prompt, &at(path, "maskPrompt"))?)
                }
                (None, Some(mask)) => check_base64(mask, &at(path, "maskImage"))?,
                _ => {
                    return Err(malformed(format!(
                        "{path}: exactly one of [maskPrompt, maskImage] must be provided"
                    )))
                }
            }
            if let Some(mode) = schema::opt_str(params, "outPaintingMode", path)? {
                schema::one_of(mode, &["DEFAULT", "PRECISE"], &at(path, "outPaintingMode"))?;
            }
        }
        "IMAGE_VARIATION" => {
            let images = schema::as_array(
                schema::required(params, "images", path)?,
                &at(path, "images"),
            )?;
            if images.is_empty() || images.len() > 5 {
                return Err(malformed(format!(
                    "{path}/images: expected between 1 and 5 items, found: {}",
                    images.len()
                )));
            }
            for (i, image) in images.iter().enumerate() {
                check_base64(image, &format!("{path}/images/{i}"))?;
            }
        }
        "COLOR_GUIDED_GENERATION" => {
            let colors = schema::as_array(
                schema::required(params, "colors", path)?,
                &at(path, "colors"),
            )?;
            let valid = |c: &Value| {
                c.as_str().is_some_and(|c| {
                    c.len() == 7
                        && c.starts_with('#')
                        && c[1..].bytes().all(|b| b.is_ascii_hexdigit())
                })
            };
            if colors.is_empty() || colors.len() > 10 || !colors.iter().all(valid) {
                return Err(malformed(format!(
                    "{path}/colors: expected 1 to 10 colors as #RRGGBB"
                )));
            }
        }
        "BACKGROUND_REMOVAL" => {
            check_base64(schema::required(params, "image", path)?, &at(path, "image"))?;
        }
        _ => {}
    }
    Ok(texts)
}

pub(crate) fn generate(body: &Value, model: ImageModel) -> Result<Invoked, ApiError> {
    let root = schema::root(body)?;
    let task = schema::req_str(root, "taskType", "#")?;
    let Some((_, params_key, _)) = TASKS
        .iter()
        .find(|(name, _, models)| *name == task && models.contains(&model))
    else {
        return Err(malformed(format!(
            "#/taskType: {task} is not a valid enum value"
        )));
    };
    let params_path = at("#", params_key);
    let params = schema::as_object(schema::required(root, params_key, "#")?, &params_path)?;
    let max_text = if model == ImageModel::Canvas {
        1024
    } else {
        512
    };
    let texts = task_texts(task, params, &params_path, max_text)?;

    let config_path = "#/imageGenerationConfig";
    let (count, seed) = match root.get("imageGenerationConfig") {
        None => (1, 0),
        Some(config) => {
            let config = schema::as_object(config, config_path)?;
            let count = match schema::opt_i64(config, "numberOfImages", config_path)? {
                Some(n) => schema::range(n, 1, 5, &at(config_path, "numberOfImages"))?,
                None => 1,
            };
            if let Some(quality) = schema::opt_str(config, "quality", config_path)? {
                schema::one_of(
                    quality,
                    &["standard", "premium"],
                    &at(config_path, "quality"),
                )?;
            }
            let max_seed = if model == ImageModel::Canvas {
                858_993_459
            } else {
                2_147_483_646
            };
            let seed = match schema::opt_i64(config, "seed", config_path)? {
                Some(s) => schema::range(s, 0, max_seed, &at(config_path, "seed"))?,
                None => 0,
            };
            (count, seed)
        }
    };
    if texts.iter().any(|t| has_word(t, "blocked")) {
        return Err(ApiError::validation(FILTERED));
    }
    let count = if task == "BACKGROUND_REMOVAL" {
        1
    } else {
        count
    };
    let mut hash = Fnv::new();
    hash.field(task.as_bytes()).field(&seed.to_le_bytes());
    for text in &texts {
        hash.field(text.as_bytes());
    }
    let images: Vec<String> = splitmix(hash.finish())
        .take(usize::try_from(count).unwrap_or(1))
        .map(|v| {
            let [r, g, b, ..] = v.to_le_bytes();
            STANDARD.encode(png::solid_png([r, g, b]))
        })
        .collect();
    let tokens = texts.iter().map(|t| count_words(t)).sum();
    Ok(Invoked::json(&json!({"images": images}), tokens))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    const PIXEL: &str = "iVBORw0KGgo=";

    fn images(body: Value, model: ImageModel) -> Vec<Vec<u8>> {
        let invoked = generate(&body, model).unwrap();
        let out: Value = serde_json::from_slice(&invoked.body).unwrap();
        out["images"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| STANDARD.decode(i.as_str().unwrap()).unwrap())
            .collect()
    }

    #[test]
    fn text_image_returns_distinct_pngs() {
        let got = images(
            json!({"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a cat"},
                   "imageGenerationConfig": {"numberOfImages": 3, "seed": 7}}),
            ImageModel::Canvas,
        );
        assert_eq!(got.len(), 3);
        assert!(got.iter().all(|png| png.starts_with(b"\x89PNG")));
        assert_ne!(got[0], got[1]);
    }

    #[test]
    fn editing_tasks_check_their_inputs() {
        let ok = [
            json!({"taskType": "INPAINTING", "inPaintingParams": {"image": PIXEL, "maskPrompt": "the dog", "text": "a cat"}}),
            json!({"taskType": "OUTPAINTING", "outPaintingParams": {"image": PIXEL, "maskImage": PIXEL, "outPaintingMode": "PRECISE"}}),
            json!({"taskType": "IMAGE_VARIATION", "imageVariationParams": {"images": [PIXEL]}}),
            json!({"taskType": "BACKGROUND_REMOVAL", "backgroundRemovalParams": {"image": PIXEL}}),
        ];
        for body in ok {
            assert_eq!(images(body, ImageModel::TitanV2).len(), 1);
        }
        let bad = [
            json!({"taskType": "INPAINTING", "inPaintingParams": {"image": PIXEL}}),
            json!({"taskType": "INPAINTING", "inPaintingParams": {"image": "%%%", "maskPrompt": "x"}}),
            json!({"taskType": "OUTPAINTING", "outPaintingParams": {"image": PIXEL, "maskPrompt": "x", "outPaintingMode": "WIDE"}}),
            json!({"taskType": "TEXT_IMAGE", "textToImageParams": {"text": ""}}),
            json!({"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "x"}, "imageGenerationConfig": {"numberOfImages": 6}}),
            json!({"taskType": "DREAM", "textToImageParams": {"text": "x"}}),
        ];
        for body in bad {
            assert!(generate(&body, ImageModel::Canvas).is_err(), "{body}");
        }
        let v1_background =
            json!({"taskType": "BACKGROUND_REMOVAL", "backgroundRemovalParams": {"image": PIXEL}});
        assert!(generate(&v1_background, ImageModel::TitanV1).is_err());
    }

    #[test]
    fn blocked_prompts_are_filtered() {
        let error = generate(
            &json!({"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a Blocked cat"}}),
            ImageModel::TitanV2,
        )
        .unwrap_err();
        assert_eq!(error.code.name(), "ValidationException");
        assert_eq!(error.message, FILTERED);
    }
}
