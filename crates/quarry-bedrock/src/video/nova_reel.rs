//! Nova Reel's `modelInput`: `TEXT_VIDEO` (6 s, optionally from one 1280x720 image),
//! `MULTI_SHOT_AUTOMATED` (12..=120 s in steps of 6), or `MULTI_SHOT_MANUAL` (`shots`: 2 to 20
//! shots of 6 s, each a `text` and an optional image, given in `extra_body`). Nova Reel renders 1280x720 at 24 fps
//! only, so other values are refused rather than silently changed.

use base64::Engine as _;
use serde_json::{json, Map, Value};

use super::family::VideoSpec;
use crate::chat::TranslateError;

const TEXT_VIDEO_SECONDS: u64 = 6;
const DIMENSION: (u32, u32) = (1280, 720);
const FPS: u64 = 24;
const MAX_SEED: u64 = 2_147_483_646;

/// The `modelInput` and the `seconds` it asks for.
pub(super) fn model_input(spec: &VideoSpec<'_>) -> Result<(Value, u64), TranslateError> {
    let extras = spec.extras;
    let task = extras.str("task_type")?;
    if task == Some("MULTI_SHOT_MANUAL") || (task.is_none() && extras.get("shots").is_some()) {
        return manual(spec);
    }
    let seconds = spec.seconds;
    let multi_shot = match task {
        Some("TEXT_VIDEO") => false,
        Some("MULTI_SHOT_AUTOMATED") => true,
        Some(other) => {
            return Err(TranslateError::at(
                "task_type",
                format!(
                "task_type must be TEXT_VIDEO, MULTI_SHOT_AUTOMATED or MULTI_SHOT_MANUAL, got '{}'",
                other.escape_debug()
            ),
            ))
        }
        None => seconds.is_some_and(|s| s != TEXT_VIDEO_SECONDS),
    };
    let seconds = match (multi_shot, seconds) {
        (false, None | Some(TEXT_VIDEO_SECONDS)) => TEXT_VIDEO_SECONDS,
        (false, Some(s)) => {
            return Err(TranslateError::at(
                "seconds",
                format!("Nova Reel TEXT_VIDEO makes 6-second videos, got {s}"),
            ))
        }
        (true, None) => 12,
        (true, Some(s)) if (12..=120).contains(&s) && s % 6 == 0 => s,
        (true, Some(s)) => {
            return Err(TranslateError::at(
                "seconds",
                format!(
                    "Nova Reel accepts 6 seconds, or a multiple of 6 from 12 to 120 (multi-shot), got {s}"
                ),
            ))
        }
    };
    let mut config = generation_config(spec)?;
    config.insert("durationSeconds".into(), json!(seconds));
    let input = if multi_shot {
        if spec.input_reference.is_some() {
            return Err(TranslateError::at(
                "input_reference",
                "Nova Reel takes an input image for 6-second TEXT_VIDEO jobs only",
            ));
        }
        json!({
            "taskType": "MULTI_SHOT_AUTOMATED",
            "multiShotAutomatedParams": {"text": spec.prompt},
            "videoGenerationConfig": config,
        })
    } else {
        let mut params = Map::new();
        params.insert("text".into(), json!(spec.prompt));
        if let Some(image) = spec.input_reference {
            params.insert("images".into(), json!([image_block(image)?]));
        }
        json!({
            "taskType": "TEXT_VIDEO",
            "textToVideoParams": params,
            "videoGenerationConfig": config,
        })
    };
    Ok((input, seconds))
}

/// `videoGenerationConfig` without the duration: 1280x720, 24 fps, an optional seed.
fn generation_config(spec: &VideoSpec<'_>) -> Result<Map<String, Value>, TranslateError> {
    let extras = spec.extras;
    if let Some(size) = spec.size.filter(|&s| s != DIMENSION) {
        return Err(TranslateError::at(
            "size",
            format!("Nova Reel renders 1280x720 only, got {}x{}", size.0, size.1),
        ));
    }
    let fps = extras.u64("fps")?.unwrap_or(FPS);
    if fps != FPS {
        return Err(TranslateError::at(
            extras.get("fps").map_or("fps".into(), |(_, p)| p),
            format!("Nova Reel renders 24 fps only, got {fps}"),
        ));
    }
    let mut config = Map::new();
    config.insert("fps".into(), json!(FPS));
    config.insert("dimension".into(), json!("1280x720"));
    if let Some(seed) = extras.u64("seed")? {
        if seed > MAX_SEED {
            return Err(TranslateError::at(
                extras.get("seed").map_or("seed".into(), |(_, p)| p),
                format!("seed must be between 0 and {MAX_SEED}"),
            ));
        }
        config.insert("seed".into(), json!(seed));
    }
    Ok(config)
}

/// `MULTI_SHOT_MANUAL`: each shot is 6 seconds, so `seconds`, when given, must be 6 × shots.
fn manual(spec: &VideoSpec<'_>) -> Result<(Value, u64), TranslateError> {
    let (value, param) = spec.extras.get("shots").ok_or_else(|| {
        TranslateError::at(
            "shots",
            "MULTI_SHOT_MANUAL needs `shots`: a list of {\"text\", \"image\"?} in extra_body",
        )
    })?;
    let shots = value
        .as_array()
        .filter(|a| (2..=20).contains(&a.len()))
        .ok_or_else(|| {
            TranslateError::at(param.clone(), "shots must be a list of 2 to 20 shots")
        })?;
    let mut out = Vec::with_capacity(shots.len());
    for (i, shot) in shots.iter().enumerate() {
        let at = format!("{param}[{i}]");
        let text = shot
            .get("text")
            .and_then(Value::as_str)
            .filter(|t| !t.trim().is_empty() && t.chars().count() <= 512)
            .ok_or_else(|| {
                TranslateError::at(&at, "each shot needs a `text` of 1 to 512 characters")
            })?;
        let mut entry = Map::new();
        entry.insert("text".into(), json!(text));
        if let Some(image) = shot.get("image") {
            entry.insert(
                "image".into(),
                image_block(image).map_err(|e| TranslateError::at(&at, e.message))?,
            );
        }
        out.push(Value::Object(entry));
    }
    let seconds = 6 * out.len() as u64;
    if let Some(asked) = spec.seconds.filter(|&s| s != seconds) {
        return Err(TranslateError::at(
            "seconds",
            format!("{} shots make {seconds} seconds, got {asked}", out.len()),
        ));
    }
    if spec.input_reference.is_some() {
        return Err(TranslateError::at(
            "input_reference",
            "give MULTI_SHOT_MANUAL images per shot (`shots[i].image`)",
        ));
    }
    let config = generation_config(spec)?;
    Ok((
        json!({
            "taskType": "MULTI_SHOT_MANUAL",
            "multiShotManualParams": {"shots": out},
            "videoGenerationConfig": config,
        }),
        seconds,
    ))
}

/// A `data:image/png|jpeg;base64,...` URL (or `{"image_url": ...}`) as Nova's image block.
fn image_block(value: &Value) -> Result<Value, TranslateError> {
    let url = match value {
        Value::String(s) => s.as_str(),
        Value::Object(o) => o
            .get("image_url")
            .or_else(|| o.get("url"))
            .and_then(Value::as_str)
            .unwrap_or_default(),
        _ => "",
    };
    let bad = || {
        TranslateError::at(
            "input_reference",
            "input_reference must be a data URL of a PNG or JPEG image (data:image/png;base64,...)",
        )
    };
    let rest = url.strip_prefix("data:").ok_or_else(bad)?;
    let (meta, data) = rest.split_once(',').ok_or_else(bad)?;
    let format = match meta.strip_suffix(";base64").ok_or_else(bad)? {
        "image/png" => "png",
        "image/jpeg" | "image/jpg" => "jpeg",
        _ => return Err(bad()),
    };
    base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|_| bad())?;
    Ok(json!({"format": format, "source": {"bytes": data.trim()}}))
}
