//! Converse and ConverseStream: fault selection, model-ID and body validation, the
//! deterministic reply, and its JSON or event-stream rendering.

mod cache;
pub(crate) mod engine;
pub(crate) mod guardrail;
pub(crate) mod media;
mod reasoning;
pub(crate) mod response;
pub(crate) mod stream;
#[cfg(test)]
mod test_support;
mod tools;
pub(crate) mod validate;
pub(crate) mod wire;

pub(crate) use self::cache::PromptCache;

use std::time::Duration;

use http::header::{HeaderValue, CONTENT_TYPE};
use http::Response;

use self::validate::Call;
use super::Ctx;
use crate::body::{Pacing, ResponseBody};
use crate::error::{ApiError, APPLICATION_JSON};
use crate::faults::{self, Fault};
use crate::model_id;

const EVENT_STREAM: HeaderValue = HeaderValue::from_static("application/vnd.amazon.eventstream");
const INVALID_MODEL: &str = "The provided model identifier is invalid.";

pub(crate) async fn handle(
    ctx: &Ctx<'_>,
    streaming: bool,
) -> Result<Response<ResponseBody>, ApiError> {
    let fault = faults::parse(ctx.label);
    let delay = match &fault {
        Some(Fault::Error(error)) => return Err(error.clone()),
        Some(Fault::Garbage) => {
            return Ok(with_type(
                ResponseBody::full("this is not json"),
                APPLICATION_JSON,
            ))
        }
        Some(Fault::Slow(delay)) => *delay,
        Some(Fault::Stream(_)) => Duration::ZERO,
        None if !model_id::is_valid(ctx.label) => return Err(ApiError::validation(INVALID_MODEL)),
        None => Duration::ZERO,
    };
    let request = validate::parse(ctx.body)?;
    let call = Call {
        model_id: ctx.label,
        streaming,
    };
    validate::validate(&request, call)?;
    let reply = engine::reply(&request, &ctx.stores.prompt_cache);

    if streaming {
        let frames = match fault {
            Some(Fault::Stream(stream_fault)) => stream::fault_frames(stream_fault),
            _ => stream::frames(&reply, millis(ctx.started.elapsed() + delay)),
        };
        let pacing = Pacing::spread(delay, frames.len());
        return Ok(with_type(
            ResponseBody::frames(frames, pacing),
            EVENT_STREAM,
        ));
    }
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let body = response::render(&reply, millis(ctx.started.elapsed()));
    Ok(with_type(ResponseBody::full(body), APPLICATION_JSON))
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

fn with_type(body: ResponseBody, content_type: HeaderValue) -> Response<ResponseBody> {
    let mut response = Response::new(body);
    response.headers_mut().insert(CONTENT_TYPE, content_type);
    response
}
