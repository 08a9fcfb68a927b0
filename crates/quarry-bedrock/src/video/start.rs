//! The StartAsyncInvoke body: `{clientRequestToken, modelId, modelInput,
//! outputDataConfig: {s3OutputDataConfig: {s3Uri}}}`.

use quarry_openai::video::VideoCreateRequest;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::family::{VideoFamily, VideoSpec};
use super::{luma, nova_reel};
use crate::chat::TranslateError;

/// A translated create request.
#[derive(Debug, Clone, PartialEq)]
pub struct StartPlan {
    pub family: VideoFamily,
    /// The StartAsyncInvoke JSON body.
    pub body: Vec<u8>,
    /// What OpenAI's video object reports: `seconds` and `size` as strings.
    pub seconds: String,
    pub size: String,
}

/// Builds the StartAsyncInvoke body for `model`, writing under `s3_uri`. `idempotency_key`
/// (the client's `Idempotency-Key`, if any) is folded into `clientRequestToken`, which is
/// otherwise a digest of the body: the same request retried starts one job, not two.
pub fn start_async_invoke_body(
    req: &VideoCreateRequest,
    model: &str,
    s3_uri: &str,
    idempotency_key: Option<&str>,
) -> Result<StartPlan, TranslateError> {
    let family = VideoFamily::of(model)?;
    let spec = VideoSpec::read(req)?;
    let (model_input, seconds, size) = match family {
        VideoFamily::NovaReel => {
            let (input, seconds) = nova_reel::model_input(&spec)?;
            (input, seconds, "1280x720".to_owned())
        }
        VideoFamily::LumaRay2 => luma::model_input(&spec)?,
    };
    let mut body = json!({
        "modelId": model,
        "modelInput": model_input,
        "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": s3_uri}},
    });
    let token = request_token(&body, idempotency_key);
    if let Value::Object(map) = &mut body {
        map.insert("clientRequestToken".into(), Value::String(token));
    }
    let body = serde_json::to_vec(&body)
        .map_err(|e| TranslateError::at("prompt", format!("cannot encode the request: {e}")))?;
    Ok(StartPlan {
        family,
        body,
        seconds: seconds.to_string(),
        size,
    })
}

/// `quarry-` and 40 hex digits of SHA-256 over the body (and the caller's key): within
/// Bedrock's token pattern `[a-zA-Z0-9](-*[a-zA-Z0-9])*`, at most 256 characters.
fn request_token(body: &Value, idempotency_key: Option<&str>) -> String {
    let mut hasher = Sha256::new();
    hasher.update(body.to_string().as_bytes());
    if let Some(key) = idempotency_key {
        hasher.update([0xff]);
        hasher.update(key.as_bytes());
    }
    let digest = hex::encode(hasher.finalize());
    format!("quarry-{}", &digest[..40])
}
