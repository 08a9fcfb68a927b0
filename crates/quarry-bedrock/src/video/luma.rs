//! Luma Ray 2's `modelInput`: `duration` `5s`|`9s`, the aspect ratio nearest to `size`, and
//! `540p`/`720p` from its short side.

use serde_json::{json, Map, Value};

use super::family::VideoSpec;
use crate::chat::TranslateError;

/// Luma's aspect ratios, as `(name, width, height)`.
pub(super) const LUMA_ASPECT_RATIOS: [(&str, u32, u32); 7] = [
    ("1:1", 1, 1),
    ("16:9", 16, 9),
    ("9:16", 9, 16),
    ("4:3", 4, 3),
    ("3:4", 3, 4),
    ("21:9", 21, 9),
    ("9:21", 9, 21),
];

/// The `modelInput`, the `seconds` and the `size` it asks for.
pub(super) fn model_input(spec: &VideoSpec<'_>) -> Result<(Value, u64, String), TranslateError> {
    let seconds = match spec.seconds {
        None => 5,
        Some(s @ (5 | 9)) => s,
        Some(s) => {
            return Err(TranslateError::at(
                "seconds",
                format!("Luma Ray 2 makes 5- or 9-second videos, got {s}"),
            ))
        }
    };
    if spec.input_reference.is_some() {
        return Err(TranslateError::at(
            "input_reference",
            "Luma Ray 2 on Bedrock does not take an input image here",
        ));
    }
    for key in ["fps", "seed"] {
        if let Some((_, path)) = spec.extras.get(key) {
            return Err(TranslateError::at(
                path,
                format!("Luma Ray 2 has no {key} setting"),
            ));
        }
    }
    let (width, height) = spec.size.unwrap_or((1280, 720));
    let aspect = nearest(width, height);
    let resolution = if width.min(height) <= 630 {
        "540p"
    } else {
        "720p"
    };
    let mut input = Map::new();
    input.insert("prompt".into(), json!(spec.prompt));
    input.insert("aspect_ratio".into(), json!(aspect));
    input.insert(
        "loop".into(),
        json!(spec.extras.bool("loop")?.unwrap_or(false)),
    );
    input.insert("duration".into(), json!(format!("{seconds}s")));
    input.insert("resolution".into(), json!(resolution));
    Ok((Value::Object(input), seconds, format!("{width}x{height}")))
}

/// The Luma aspect ratio closest to `width:height` by the ratio's logarithm.
fn nearest(width: u32, height: u32) -> &'static str {
    let target = (f64::from(width) / f64::from(height)).ln();
    let mut best = LUMA_ASPECT_RATIOS[0];
    for candidate in LUMA_ASPECT_RATIOS {
        let distance =
            |c: (&str, u32, u32)| (target - (f64::from(c.1) / f64::from(c.2)).ln()).abs();
        if distance(candidate) < distance(best) {
            best = candidate;
        }
    }
    best.0
}
