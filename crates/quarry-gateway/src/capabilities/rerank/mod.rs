//! Rerank on `llm/v1/embeddings` routes (Kong has no rerank route type; a request whose path
//! ends with `/rerank` is served here): the Cohere / Jina-style request → bedrock-agent-runtime
//! `Rerank` with the model's foundation-model ARN in the route's region → ranked results.

use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http::{Method, Request, Response};
use hyper::body::Incoming;
use quarry_bedrock::endpoint::Service;
use quarry_bedrock::rerank::{model_arn, rerank_request, rerank_response};
use quarry_openai::rerank::RerankRequest;

use super::common::{json_response, new_id, parse_json, read_post_body, resolve_model, Pending};
use crate::bedrock::{read_body, read_error, send_signed, Target, MAX_RESPONSE_BODY};
use crate::body::RespBody;
use crate::error::{GatewayError, Kind};
use crate::state::{RouteRuntime, State};
use crate::stats::Record;

/// Handles one `POST …/rerank` request.
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
    let body = read_post_body(route, request).await?;
    if route.plugin.logging.log_payloads {
        record.request_payload = Some(String::from_utf8_lossy(&body).into_owned());
    }
    let req: RerankRequest = parse_json(&body)?;
    let model = resolve_model(route, req.model.as_deref())?;
    record.request_model.clone_from(&model);
    record.response_model.clone_from(&model);
    let region = route.region.as_deref().ok_or_else(|| {
        GatewayError::new(
            Kind::UpstreamConfig,
            format!(
                "route '{}' has no AWS region: set config.model.options.bedrock.aws_region or AWS_REGION",
                route.name
            ),
        )
    })?;
    let arn = model_arn(&model, region);
    let rerank_body =
        rerank_request(&req, &arn).map_err(|e| GatewayError::bad_request(e.message, e.param))?;

    let response = send_signed(
        state,
        route,
        Target {
            service: Service::AgentRuntime,
            method: Method::POST,
            path_and_query: "/rerank",
            headers_to_sign: &[("content-type", "application/json")],
            body: Bytes::from(rerank_body),
            arn_region: None,
        },
    )
    .await?;
    if !response.status().is_success() {
        return Err(read_error(response, route.read_timeout).await);
    }
    let answer = read_body(response.into_body(), MAX_RESPONSE_BODY, route.read_timeout).await?;
    let json = rerank_response(&answer, &req, new_id("rerank-"))
        .map_err(|e| GatewayError::new(Kind::BadUpstreamResponse, e.0))?;
    Ok(json_response(route, record, &model, json))
}
