//! One request, start to finish: read the body, route on the raw path, authenticate, record,
//! dispatch to the operation, and stamp `x-amzn-RequestId` on whatever comes back.

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use bytes::Bytes;
use http::header::HeaderValue;
use http::request::Parts;
use http::{Request, Response};
use http_body_util::{BodyExt, Limited};

use crate::auth::{self, Authenticator, RequestView};
use crate::body::{ResponseBody, StreamCounters};
use crate::config::EmulatorConfig;
use crate::ctx::{Ctx, Stores, DEFAULT_REGION};
use crate::error::ApiError;
use crate::recording::{AuthOutcome, RecordedRequest, Recorder, RECORD_CAPACITY};
use crate::router::{self, Operation, Routed, Service, BEDROCK_SIGNING_NAME, UNKNOWN_OPERATION};
use crate::{agent, control, runtime};

/// Largest request body read (InvokeModel allows 25,000,000 bytes plus JSON overhead).
const MAX_BODY: usize = 32 * 1024 * 1024;
const REQUEST_ID_HEADER: &str = "x-amzn-requestid";

/// Everything a request needs that outlives it; shared by all connections.
pub(crate) struct State {
    auth: Authenticator,
    pub(crate) recorder: Option<Recorder>,
    pub(crate) streams: Arc<StreamCounters>,
    pub(crate) stores: Stores,
}

impl State {
    pub(crate) fn new(config: &EmulatorConfig) -> Self {
        Self {
            auth: Authenticator::new(config),
            recorder: config
                .record_requests
                .then(|| Recorder::new(RECORD_CAPACITY)),
            streams: Arc::new(StreamCounters::new(config.record_requests)),
            stores: Stores::default(),
        }
    }
}

pub(crate) async fn handle<B>(state: Arc<State>, request: Request<B>) -> Response<ResponseBody>
where
    B: http_body::Body,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let mut response = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => process(&state, &parts, collected.to_bytes(), started).await,
        Err(error) => {
            tracing::debug!(%error, "request body could not be read");
            ApiError::validation(format!(
                "The request body could not be read or is larger than {MAX_BODY} bytes."
            ))
            .into_response()
        }
    };
    response
        .headers_mut()
        .insert(REQUEST_ID_HEADER, request_id());
    response.map(|body| body.track(&state.streams))
}

async fn process(
    state: &State,
    parts: &Parts,
    body: Bytes,
    started: Instant,
) -> Response<ResponseBody> {
    if crate::s3::is_s3_request(&parts.headers) {
        return crate::s3::handle(&state.auth, &state.stores.s3, parts, &body);
    }
    let path_and_query = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
    let routed = router::route(&parts.method, parts.uri.path());
    let view = RequestView {
        method: parts.method.as_str(),
        path_and_query,
        headers: &parts.headers,
        authority: parts.uri.authority().map(|a| a.as_str()),
        body: &body,
    };
    let service = routed
        .as_ref()
        .map_or(BEDROCK_SIGNING_NAME, |r| r.operation.signing_name());
    let allow_bearer = routed.as_ref().is_none_or(|r| r.operation.accepts_bearer());
    let auth = state.auth.authenticate(&view, service, allow_bearer);
    let model_id = routed.as_ref().and_then(Routed::model_id);

    if let Some(recorder) = &state.recorder {
        recorder.push(record(
            parts,
            path_and_query,
            &body,
            routed.as_ref(),
            model_id.as_deref(),
            &auth,
        ));
    }

    let result = match (auth, routed) {
        (Err(error), _) => Err(error),
        (Ok(_), None) => Err(ApiError::unknown_operation()),
        (Ok(_), Some(routed)) => {
            let label = routed.label(0);
            let region = auth::signing_region(&parts.headers);
            let ctx = Ctx {
                label: &label,
                body: &body,
                headers: &parts.headers,
                query: parts.uri.query().unwrap_or_default(),
                region: region.as_deref().unwrap_or(DEFAULT_REGION),
                now: SystemTime::now(),
                started,
                stores: &state.stores,
            };
            dispatch(routed.operation, &ctx).await
        }
    };
    result.unwrap_or_else(ApiError::into_response)
}

async fn dispatch(operation: Operation, ctx: &Ctx<'_>) -> Result<Response<ResponseBody>, ApiError> {
    match operation.service() {
        Service::Runtime => runtime::dispatch(operation, ctx).await,
        Service::AgentRuntime => agent::dispatch(operation, ctx).await,
        Service::Control => control::dispatch(operation, ctx),
    }
}

fn record(
    parts: &Parts,
    path_and_query: &str,
    body: &Bytes,
    routed: Option<&Routed<'_>>,
    model_id: Option<&str>,
    auth: &Result<AuthOutcome, ApiError>,
) -> RecordedRequest {
    let (access_key_id, signed_headers) = auth::sigv4_summary(&parts.headers);
    RecordedRequest {
        method: parts.method.as_str().to_owned(),
        raw_path: path_and_query.to_owned(),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: body.clone(),
        operation: routed
            .map_or(UNKNOWN_OPERATION, |r| r.operation.name())
            .to_owned(),
        model_id: model_id.map(str::to_owned),
        access_key_id,
        signed_headers,
        auth: match auth {
            Ok(outcome) => outcome.clone(),
            Err(error) => AuthOutcome::Rejected(error.code.name().to_owned()),
        },
    }
}

/// A random UUID-shaped request ID, formatted without allocating.
fn request_id() -> HeaderValue {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut bits = fastrand::u128(..);
    let mut out = [0u8; 36];
    for (i, slot) in out.iter_mut().enumerate().rev() {
        if matches!(i, 8 | 13 | 18 | 23) {
            *slot = b'-';
        } else {
            *slot = HEX[(bits & 0xf) as usize];
            bits >>= 4;
        }
    }
    out[14] = b'4';
    HeaderValue::from_bytes(&out)
        .unwrap_or_else(|_| HeaderValue::from_static("00000000-0000-4000-8000-000000000000"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_look_like_uuids() {
        let id = request_id();
        let id = id.to_str().unwrap_or_default();
        assert_eq!(id.len(), 36);
        assert_eq!(id.as_bytes()[14], b'4');
        assert_eq!(id.matches('-').count(), 4);
        assert!(id.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit()));
        assert_ne!(request_id(), request_id());
    }
}
