//! `image/v1/images/generations` (JSON) and `image/v1/images/edits` (multipart, see
//! [`edits`]) over InvokeModel: plan the calls (`quarry_bedrock::images`), send them (Stability
//! makes one image per call, so `n` images are `n` concurrent calls), and answer
//! `{created, data: [{b64_json}]}`. Content-filter refusals become 400
//! `content_policy_violation`. Statistics carry latency and model; images have no tokens.

mod edits;

use std::sync::Arc;
use std::time::Instant;

use http::{Request, Response};
use hyper::body::Incoming;
use quarry_bedrock::images::{
    content_filter_from, images_response, parse_images_call, plan_generation, ImageError, ImagePlan,
};
use quarry_openai::images::ImageGenerationRequest;

pub use self::edits::handle as handle_edits;
use super::common::{
    invoke_all, json_response, parse_json, read_post_body, resolve_model, unix_now, Pending,
};
use crate::body::RespBody;
use crate::error::{GatewayError, Kind};
use crate::state::{RouteRuntime, State};
use crate::stats::Record;

/// Handles one `POST …/images/generations` request.
pub async fn handle_generations(
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
    let body = read_post_body(route, request).await?;
    if route.plugin.logging.log_payloads {
        record.request_payload = Some(String::from_utf8_lossy(&body).into_owned());
    }
    let req: ImageGenerationRequest = parse_json(&body)?;
    let model = resolved(route, record, req.model.as_deref())?;
    let plan =
        plan_generation(&req, &model).map_err(|e| GatewayError::bad_request(e.message, e.param))?;
    answer(state, route, record, &model, plan).await
}

/// Kong's model pinning, noted in the statistics record.
fn resolved(
    route: &RouteRuntime,
    record: &mut Record,
    requested: Option<&str>,
) -> Result<String, GatewayError> {
    let model = resolve_model(route, requested)?;
    record.request_model.clone_from(&model);
    record.response_model.clone_from(&model);
    Ok(model)
}

/// Sends the planned calls and writes OpenAI's answer from their images, in call order.
async fn answer(
    state: &State,
    route: &RouteRuntime,
    record: &mut Record,
    model: &str,
    plan: ImagePlan,
) -> Result<Response<RespBody>, GatewayError> {
    let answers = invoke_all(state, route, model, plan.bodies)
        .await
        .map_err(as_content_filter)?;
    let mut images = Vec::new();
    for answer in &answers {
        parse_images_call(plan.family, &answer.body, &mut images).map_err(|e| match e {
            ImageError::Filtered(error) => GatewayError::upstream(error),
            ImageError::Bad(bad) => GatewayError::new(Kind::BadUpstreamResponse, bad.0),
        })?;
    }
    let json =
        images_response(unix_now(), images).map_err(|e| GatewayError::new(Kind::Internal, e.0))?;
    Ok(json_response(route, record, model, json))
}

/// Titan and Canvas refuse a filtered prompt with a 400 `ValidationException`; the client sees
/// it as a content-policy refusal.
fn as_content_filter(error: GatewayError) -> GatewayError {
    if let Kind::Upstream(upstream) = &error.kind {
        if let Some(filtered) = content_filter_from(upstream) {
            return GatewayError::upstream(filtered);
        }
    }
    error
}
