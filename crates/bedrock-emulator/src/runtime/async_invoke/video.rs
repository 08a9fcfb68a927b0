//! The video models StartAsyncInvoke accepts and their `modelInput` rules: Amazon Nova Reel
//! (`TEXT_VIDEO`, `MULTI_SHOT_AUTOMATED`, `MULTI_SHOT_MANUAL`) and Luma Ray 2. Each check
//! returns the prompt text, which decides the outcome (a word "fail" fails the job).

use serde_json::Value;

use crate::error::ApiError;
use crate::model_id;
use crate::runtime::invoke::schema::{self, at, malformed, Object};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum VideoModel {
    NovaReel,
    LumaRay2,
}

/// The video family of a model ID, if it has one.
pub(crate) fn detect(model_id: &str) -> Option<VideoModel> {
    match model_id::base_id(model_id) {
        "amazon.nova-reel-v1:0" | "amazon.nova-reel-v1:1" => Some(VideoModel::NovaReel),
        "luma.ray-v2:0" => Some(VideoModel::LumaRay2),
        _ => None,
    }
}

/// Validate `modelInput` for `model`; the prompt it carries.
pub(crate) fn prompt(model: VideoModel, input: &Value) -> Result<String, ApiError> {
    let input = schema::as_object(input, "#")?;
    match model {
        VideoModel::NovaReel => nova_reel(input),
        VideoModel::LumaRay2 => luma(input),
    }
}

fn images(params: &Object, path: &str, max: usize) -> Result<(), ApiError> {
    let Some(images) = params.get("images") else {
        return Ok(());
    };
    let images = schema::as_array(images, &at(path, "images"))?;
    if images.len() > max {
        return Err(malformed(format!(
            "{path}/images: expected maximum item count: {max}, found: {}",
            images.len()
        )));
    }
    for (i, image) in images.iter().enumerate() {
        let image_path = format!("{path}/images/{i}");
        let image = schema::as_object(image, &image_path)?;
        let format = schema::req_str(image, "format", &image_path)?;
        schema::one_of(format, &["png", "jpeg"], &at(&image_path, "format"))?;
        schema::required(image, "source", &image_path)?;
    }
    Ok(())
}

fn shot_text<'v>(params: &'v Object, path: &str, max: usize) -> Result<&'v str, ApiError> {
    let text = schema::req_str(params, "text", path)?;
    schema::length(text, 1, max, &at(path, "text"))?;
    Ok(text)
}

fn nova_reel(input: &Object) -> Result<String, ApiError> {
    let task = schema::req_str(input, "taskType", "#")?;
    let (prompt, shots) = match task {
        "TEXT_VIDEO" => {
            let path = "#/textToVideoParams";
            let params =
                schema::as_object(schema::required(input, "textToVideoParams", "#")?, path)?;
            images(params, path, 1)?;
            (shot_text(params, path, 512)?.to_owned(), None)
        }
        "MULTI_SHOT_AUTOMATED" => {
            let path = "#/multiShotAutomatedParams";
            let params = schema::as_object(
                schema::required(input, "multiShotAutomatedParams", "#")?,
                path,
            )?;
            (shot_text(params, path, 4000)?.to_owned(), None)
        }
        "MULTI_SHOT_MANUAL" => {
            let path = "#/multiShotManualParams";
            let params =
                schema::as_object(schema::required(input, "multiShotManualParams", "#")?, path)?;
            let shots =
                schema::as_array(schema::required(params, "shots", path)?, &at(path, "shots"))?;
            if !(2..=20).contains(&shots.len()) {
                return Err(malformed(format!(
                    "{path}/shots: expected between 2 and 20 items, found: {}",
                    shots.len()
                )));
            }
            let mut texts = Vec::with_capacity(shots.len());
            for (i, shot) in shots.iter().enumerate() {
                let shot_path = format!("{path}/shots/{i}");
                texts.push(shot_text(
                    schema::as_object(shot, &shot_path)?,
                    &shot_path,
                    512,
                )?);
            }
            (texts.join(" "), Some(shots.len()))
        }
        other => {
            return Err(malformed(format!(
                "#/taskType: {other} is not a valid enum value"
            )))
        }
    };
    let path = "#/videoGenerationConfig";
    let config = schema::as_object(schema::required(input, "videoGenerationConfig", "#")?, path)?;
    let fps = schema::as_i64(schema::required(config, "fps", path)?, &at(path, "fps"))?;
    schema::one_of(fps, &[24], &at(path, "fps"))?;
    let dimension = schema::req_str(config, "dimension", path)?;
    schema::one_of(dimension, &["1280x720"], &at(path, "dimension"))?;
    if let Some(seed) = schema::opt_i64(config, "seed", path)? {
        schema::range(seed, 0, 2_147_483_646, &at(path, "seed"))?;
    }
    let duration_path = at(path, "durationSeconds");
    let duration = schema::opt_i64(config, "durationSeconds", path)?;
    match (task, duration) {
        ("TEXT_VIDEO", Some(d)) => {
            schema::one_of(d, &[6], &duration_path)?;
        }
        ("TEXT_VIDEO" | "MULTI_SHOT_AUTOMATED", None) => {
            schema::required(config, "durationSeconds", path)?;
        }
        (_, Some(d)) => {
            if d % 6 != 0 || !(12..=120).contains(&d) {
                return Err(malformed(format!(
                    "{duration_path}: {d} must be a multiple of 6 between 12 and 120"
                )));
            }
            if shots.is_some_and(|n| i64::try_from(n * 6).ok() != Some(d)) {
                return Err(malformed(format!(
                    "{duration_path}: {d} does not match 6 seconds per shot"
                )));
            }
        }
        (_, None) => {}
    }
    Ok(prompt)
}

fn luma(input: &Object) -> Result<String, ApiError> {
    let prompt = schema::req_str(input, "prompt", "#")?;
    schema::length(prompt, 1, 5000, "#/prompt")?;
    if let Some(ratio) = schema::opt_str(input, "aspect_ratio", "#")? {
        schema::one_of(
            ratio,
            &["1:1", "16:9", "9:16", "4:3", "3:4", "21:9", "9:21"],
            "#/aspect_ratio",
        )?;
    }
    if let Some(duration) = schema::opt_str(input, "duration", "#")? {
        schema::one_of(duration, &["5s", "9s"], "#/duration")?;
    }
    if let Some(resolution) = schema::opt_str(input, "resolution", "#")? {
        schema::one_of(resolution, &["540p", "720p"], "#/resolution")?;
    }
    if let Some(looped) = input.get("loop") {
        schema::as_bool(looped, "#/loop")?;
    }
    Ok(prompt.to_owned())
}

/// The bytes the emulator stores as `output.mp4`: an ISO-BMFF `ftyp` box (`isom`, `mp42`)
/// followed by a `free` box holding `Bedrock emulator video: <prompt>`.
pub(crate) fn fake_mp4(prompt: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + prompt.len());
    out.extend_from_slice(&24u32.to_be_bytes());
    out.extend_from_slice(b"ftypisom\x00\x00\x02\x00isommp42");
    let text = format!("Bedrock emulator video: {prompt}");
    let size = u32::try_from(8 + text.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&size.to_be_bytes());
    out.extend_from_slice(b"free");
    out.extend_from_slice(text.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use serde_json::json;

    fn config(duration: Option<i64>) -> Value {
        match duration {
            Some(d) => json!({"durationSeconds": d, "fps": 24, "dimension": "1280x720", "seed": 3}),
            None => json!({"fps": 24, "dimension": "1280x720"}),
        }
    }

    #[test]
    fn nova_reel_tasks() {
        let text = json!({"taskType": "TEXT_VIDEO", "textToVideoParams": {"text": "a boat"}, "videoGenerationConfig": config(Some(6))});
        assert_eq!(prompt(VideoModel::NovaReel, &text).unwrap(), "a boat");
        let auto = json!({"taskType": "MULTI_SHOT_AUTOMATED", "multiShotAutomatedParams": {"text": "story"}, "videoGenerationConfig": config(Some(24))});
        assert_eq!(prompt(VideoModel::NovaReel, &auto).unwrap(), "story");
        let manual = json!({"taskType": "MULTI_SHOT_MANUAL", "multiShotManualParams": {"shots": [{"text": "one"}, {"text": "two"}]}, "videoGenerationConfig": config(None)});
        assert_eq!(prompt(VideoModel::NovaReel, &manual).unwrap(), "one two");
    }

    #[test]
    fn nova_reel_rejections() {
        for bad in [
            json!({"taskType": "TEXT_VIDEO", "textToVideoParams": {"text": "x"}, "videoGenerationConfig": config(Some(12))}),
            json!({"taskType": "TEXT_VIDEO", "textToVideoParams": {"text": "x"}, "videoGenerationConfig": {"durationSeconds": 6, "fps": 30, "dimension": "1280x720"}}),
            json!({"taskType": "TEXT_VIDEO", "textToVideoParams": {"text": "x"}, "videoGenerationConfig": {"durationSeconds": 6, "fps": 24, "dimension": "1920x1080"}}),
            json!({"taskType": "MULTI_SHOT_AUTOMATED", "multiShotAutomatedParams": {"text": "x"}, "videoGenerationConfig": config(Some(13))}),
            json!({"taskType": "MULTI_SHOT_AUTOMATED", "multiShotAutomatedParams": {"text": "x"}, "videoGenerationConfig": config(Some(126))}),
            json!({"taskType": "MULTI_SHOT_MANUAL", "multiShotManualParams": {"shots": [{"text": "one"}]}, "videoGenerationConfig": config(None)}),
            json!({"taskType": "IMAGE_VIDEO"}),
            json!({"taskType": "TEXT_VIDEO", "textToVideoParams": {"text": "x"}}),
        ] {
            assert!(prompt(VideoModel::NovaReel, &bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn luma_rules() {
        let ok = json!({"prompt": "waves", "aspect_ratio": "16:9", "duration": "9s", "resolution": "720p", "loop": true});
        assert_eq!(prompt(VideoModel::LumaRay2, &ok).unwrap(), "waves");
        for bad in [
            json!({"prompt": "x", "duration": "6s"}),
            json!({"prompt": "x", "resolution": "1080p"}),
            json!({"prompt": "x", "aspect_ratio": "2:1"}),
            json!({"prompt": ""}),
            json!({"prompt": "x", "loop": "yes"}),
        ] {
            assert!(prompt(VideoModel::LumaRay2, &bad).is_err(), "{bad}");
        }
        assert_eq!(detect("luma.ray-v2:0"), Some(VideoModel::LumaRay2));
        assert_eq!(
            detect("us.amazon.nova-reel-v1:1"),
            Some(VideoModel::NovaReel)
        );
        assert_eq!(detect("amazon.nova-lite-v1:0"), None);
    }

    #[test]
    fn the_fake_video_is_an_iso_bmff_file() {
        let mp4 = fake_mp4("hi");
        assert_eq!(&mp4[4..12], b"ftypisom");
        assert_eq!(&mp4[28..32], b"free");
        assert!(mp4.ends_with(b"Bedrock emulator video: hi"));
        let free_size = u32::from_be_bytes(mp4[24..28].try_into().unwrap()) as usize;
        assert_eq!(24 + free_size, mp4.len());
    }
}
