//! `POST …/images/edits`: the multipart body is parsed as it arrives, within
//! `max_request_body_size` (a larger declared `Content-Length` is refused before reading;
//! a body that grows past the limit is refused while reading), then sorted into an edit
//! request and planned like a generation.

use std::sync::Arc;
use std::time::Instant;

use http::{header, Request, Response};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use quarry_bedrock::images::{boundary, edit_request_from_parts, plan_edit, MultipartParser, Part};

use super::{answer, resolved};
use crate::body::RespBody;
use crate::capabilities::common::{check_post, content_length, Pending};
use crate::error::{GatewayError, Kind};
use crate::state::{RouteRuntime, State};
use crate::stats::Record;

/// Handles one `POST …/images/edits` request.
pub async fn handle(
    state: Arc<State>,
    route_index: usize,
    request: Request<Incoming>,
    started: Instant,
) -> Response<RespBody> {
    let route = &state.routes[route_index];
    let mut pending = Pending::new(&state, route, started);
    let result = run(&state, route, request, pending.record_mut()).await;
    pending.respond(result)
}

async fn run(
    state: &State,
    route: &RouteRuntime,
    request: Request<Incoming>,
    record: &mut Record,
) -> Result<Response<RespBody>, GatewayError> {
    check_post(route, &request)?;
    let parts = read_form(route, request).await?;
    let req = edit_request_from_parts(parts)
        .map_err(|e| GatewayError::bad_request(e.message, e.param))?;
    let model = resolved(route, record, req.model.as_deref())?;
    let plan =
        plan_edit(&req, &model).map_err(|e| GatewayError::bad_request(e.message, e.param))?;
    answer(state, route, record, &model, plan).await
}

fn too_large(limit: u64) -> GatewayError {
    GatewayError::new(
        Kind::PayloadTooLarge,
        format!(
            "request body is larger than max_request_body_size ({limit} bytes); raise the \
             route's config.max_request_body_size to accept it"
        ),
    )
}

/// Reads the form frame by frame into the parser, enforcing the size limit (0 = none).
async fn read_form(
    route: &RouteRuntime,
    request: Request<Incoming>,
) -> Result<Vec<Part>, GatewayError> {
    let bad = |e: quarry_bedrock::images::MultipartError| GatewayError::bad_request(e.0, None);
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let mut parser = MultipartParser::new(&boundary(content_type).map_err(bad)?);
    let limit = route.plugin.max_request_body_size;
    if limit > 0 && content_length(&request).is_some_and(|len| len > limit) {
        return Err(too_large(limit));
    }
    let mut body = request.into_body();
    let mut read: u64 = 0;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            GatewayError::bad_request(format!("could not read request body: {e}"), None)
        })?;
        if let Some(data) = frame.data_ref() {
            read = read.saturating_add(data.len() as u64);
            if limit > 0 && read > limit {
                return Err(too_large(limit));
            }
            parser.feed(data).map_err(bad)?;
        }
    }
    parser.finish().map_err(bad)
}
