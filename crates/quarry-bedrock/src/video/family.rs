//! Which body a model takes, and the OpenAI knobs common to every family.

use quarry_openai::video::VideoCreateRequest;
use serde_json::Value;

use crate::chat::TranslateError;
use crate::invoke::Extras;

/// The body format of a StartAsyncInvoke video model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VideoFamily {
    /// `amazon.nova-reel-v1:0`, `amazon.nova-reel-v1:1`.
    NovaReel,
    /// `luma.ray-v2:0`.
    LumaRay2,
}

impl VideoFamily {
    /// The family of `model_id` (a geography prefix or an ARN's resource name is looked through).
    pub fn of(model_id: &str) -> Result<Self, TranslateError> {
        let name = model_id.rsplit('/').next().unwrap_or(model_id);
        let base = name
            .split_once('.')
            .filter(|(geo, _)| matches!(*geo, "us" | "eu" | "apac" | "global"))
            .map_or(name, |(_, rest)| rest);
        if base.starts_with("amazon.nova-reel") {
            Ok(Self::NovaReel)
        } else if base.starts_with("luma.ray") {
            Ok(Self::LumaRay2)
        } else {
            Err(TranslateError::at(
                "model",
                format!(
                    "model '{}' does not generate videos; use amazon.nova-reel-v1:1 or luma.ray-v2:0",
                    model_id.escape_debug()
                ),
            ))
        }
    }
}

/// What the request asked for, read once for every family.
#[derive(Debug, Clone, Copy)]
pub struct VideoSpec<'a> {
    pub prompt: &'a str,
    /// `seconds` as a whole number, when given.
    pub seconds: Option<u64>,
    /// `(width, height)` of `size`, when given.
    pub size: Option<(u32, u32)>,
    pub extras: Extras<'a>,
    pub input_reference: Option<&'a Value>,
}

impl<'a> VideoSpec<'a> {
    pub fn read(req: &'a VideoCreateRequest) -> Result<Self, TranslateError> {
        if req.prompt.trim().is_empty() {
            return Err(TranslateError::at("prompt", "prompt must not be empty"));
        }
        let seconds = match &req.seconds {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => Some(n.as_u64().ok_or_else(bad_seconds)?),
            Some(Value::String(s)) => Some(s.trim().parse::<u64>().map_err(|_| bad_seconds())?),
            Some(_) => return Err(bad_seconds()),
        };
        let size = match req.size.as_deref() {
            None => None,
            Some(s) => crate::images::parse_size(s, "size")?,
        };
        Ok(Self {
            prompt: &req.prompt,
            seconds,
            size,
            extras: Extras::new(&req.extra)?,
            input_reference: req.input_reference.as_ref().filter(|v| !v.is_null()),
        })
    }
}

fn bad_seconds() -> TranslateError {
    TranslateError::at(
        "seconds",
        "seconds must be a whole number of seconds, e.g. \"6\"",
    )
}
