//! Request body reading with Kong's `max_request_body_size`, and the response body type.

use std::convert::Infallible;

use bytes::Bytes;
use http_body_util::{combinators::UnsyncBoxBody, BodyExt, Full, Limited};
use hyper::body::Incoming;

use crate::error::{GatewayError, Kind};

/// Every response body: a full buffer or a translating stream, boxed at this boundary.
pub type RespBody = UnsyncBoxBody<Bytes, Infallible>;

pub fn full(bytes: Bytes) -> RespBody {
    UnsyncBoxBody::new(Full::new(bytes))
}

/// Reads the whole request body, refusing more than `limit` bytes (0 = unlimited).
/// A declared `Content-Length` over the limit is refused before reading anything.
pub async fn read_limited(
    body: Incoming,
    content_length: Option<u64>,
    limit: u64,
) -> Result<Bytes, GatewayError> {
    let too_large = || {
        GatewayError::new(
            Kind::PayloadTooLarge,
            format!(
                "request body is larger than max_request_body_size ({limit} bytes); raise the \
                 route's config.max_request_body_size to accept it"
            ),
        )
    };
    if limit == 0 {
        return body.collect().await.map(|c| c.to_bytes()).map_err(|e| {
            GatewayError::bad_request(format!("could not read request body: {e}"), None)
        });
    }
    if content_length.is_some_and(|len| len > limit) {
        return Err(too_large());
    }
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(too_large()),
        Err(e) => Err(GatewayError::bad_request(
            format!("could not read request body: {e}"),
            None,
        )),
    }
}
