//! The `bedrock-runtime` operations, one module per operation family. A new family is a new
//! module plus its rows in the router.

pub(crate) mod async_invoke;
pub(crate) mod converse;
mod count_tokens;
pub(crate) mod invoke;

use http::header::{HeaderValue, CONTENT_TYPE};
use http::Response;

use crate::body::ResponseBody;
pub(crate) use crate::ctx::Ctx;
use crate::error::{ApiError, APPLICATION_JSON};
use crate::router::Operation;

pub(crate) const EVENT_STREAM: HeaderValue =
    HeaderValue::from_static("application/vnd.amazon.eventstream");

pub(crate) async fn dispatch(
    operation: Operation,
    ctx: &Ctx<'_>,
) -> Result<Response<ResponseBody>, ApiError> {
    match operation {
        Operation::Converse => converse::handle(ctx, false).await,
        Operation::ConverseStream => converse::handle(ctx, true).await,
        Operation::InvokeModel => invoke::handle(ctx, false).await,
        Operation::InvokeModelWithResponseStream => invoke::handle(ctx, true).await,
        Operation::CountTokens => count_tokens::handle(ctx),
        Operation::StartAsyncInvoke => async_invoke::start(ctx),
        Operation::GetAsyncInvoke => async_invoke::get(ctx),
        Operation::ListAsyncInvokes => async_invoke::list(ctx),
        _ => Err(ApiError::unknown_operation()),
    }
}

/// A response with `body` and a `Content-Type`.
pub(crate) fn with_type(body: ResponseBody, content_type: HeaderValue) -> Response<ResponseBody> {
    let mut response = Response::new(body);
    response.headers_mut().insert(CONTENT_TYPE, content_type);
    response
}

/// A 200 `application/json` response holding `value`.
pub(crate) fn json_response(value: &impl serde::Serialize) -> Response<ResponseBody> {
    // Values built from strings, numbers and JSON documents always serialise.
    let body = serde_json::to_vec(value).unwrap_or_default();
    with_type(ResponseBody::full(body), APPLICATION_JSON)
}

/// Parse a JSON request body into `T`, as Bedrock's "Malformed input request" on failure.
pub(crate) fn parse_json<'a, T: serde::Deserialize<'a>>(body: &'a [u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|error| {
        ApiError::validation(format!(
            "Malformed input request: {error}, please reformat your input and try again."
        ))
    })
}

/// Milliseconds of a duration, saturating.
pub(crate) fn millis(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
