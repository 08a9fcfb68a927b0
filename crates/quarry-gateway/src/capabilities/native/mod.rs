//! The native Bedrock relay (`llm_format: bedrock`): AWS SDK requests arrive under the route's
//! path and go to bedrock-runtime, bedrock-agent-runtime or the control plane unchanged —
//! same path (labels re-encoded once), same body bytes, the client's operation headers —
//! re-signed with the route's credentials. Answers come back as Bedrock sent them; streams
//! frame by frame. Any `route_type` may carry it (Kong ties native to `llm/v1/chat`).
//!
//! ```text
//! path remainder → paths::parse (operation, labels checked) → model pin → relay::send (sign)
//!   → 2xx event stream: stream::RelayBody (bytes through, side decoder for statistics)
//!   → otherwise: body read, relayed with its status and headers; usage from body/headers
//! ```
//!
//! Errors Quarry raises here use Bedrock's shape ([`GatewayError::into_bedrock_response`]).

mod errors;
mod paths;
mod relay;
mod stats;
mod stream;

use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http::{header, HeaderValue, Method, Request, Response};
use hyper::body::Incoming;
use quarry_config::ResponseStreaming;
use serde::Deserialize;

use self::paths::{NativeCall, Operation, PathError};
use self::stream::RelayBody;
use super::common::Pending;
use crate::bedrock::{read_body, MAX_RESPONSE_BODY};
use crate::body::{full, read_limited, RespBody};
use crate::error::{GatewayError, Kind};
use crate::state::{RouteRuntime, State};
use crate::stats::Record;

/// Handles one request on a native route. `matched_len` is how much of the path the route's
/// prefix covered; the rest must be a Bedrock operation path, whatever `strip_path` says.
pub async fn handle(
    state: Arc<State>,
    route_index: usize,
    request: Request<Incoming>,
    matched_len: usize,
    started: Instant,
) -> Response<RespBody> {
    let route = &state.routes[route_index];
    let mut pending = Pending::new(&state, route, started);
    let result = run(
        &state,
        route_index,
        request,
        matched_len,
        started,
        pending.record_mut(),
    )
    .await;
    match result {
        Ok(Outcome::Streaming(response)) => response,
        Ok(Outcome::Done(response, error)) => {
            pending.finish(response.status().as_u16(), error);
            response
        }
        Err(error) => {
            if matches!(error.kind, Kind::Unreachable | Kind::Timeout) {
                tracing::warn!(route = %route.name, status = error.status().as_u16(), error = %error, "native upstream call failed");
            }
            pending.finish(error.status().as_u16(), Some(error.label()));
            error.into_bedrock_response()
        }
    }
}

enum Outcome {
    /// A whole answer, with the error label for statistics when Bedrock refused.
    Done(Response<RespBody>, Option<&'static str>),
    Streaming(Response<RespBody>),
}

fn path_error(e: PathError) -> GatewayError {
    match e {
        PathError::Unknown(message) => GatewayError::new(Kind::NoRoute, message),
        PathError::Invalid(message) => GatewayError::bad_request(message, None),
        PathError::Method { allowed, path } => GatewayError::new(
            Kind::MethodNotAllowed,
            format!("{path} accepts {allowed} only"),
        ),
        PathError::Unsupported(message) => GatewayError::new(Kind::NotImplemented, message),
    }
}

/// Kong's pinning rule on the model named in the path (or in the body of the operations
/// that carry a `modelId` there): a configured `model.name` must be the one asked for.
fn check_pinned(route: &RouteRuntime, asked: Option<&str>) -> Result<(), GatewayError> {
    match (route.plugin.model.name.as_deref(), asked) {
        (Some(configured), asked) if asked != Some(configured) => Err(GatewayError::bad_request(
            format!("cannot use own model - must be: {configured}"),
            Some("model".into()),
        )),
        _ => Ok(()),
    }
}

/// The model ARNs an agent-runtime body names (Rerank's model configuration, RetrieveAndGenerate's
/// knowledge-base or external-sources model), read from a copy.
fn body_model_arns(body: &[u8]) -> Vec<String> {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
        return Vec::new();
    };
    [
        "/rerankingConfiguration/bedrockRerankingConfiguration/modelConfiguration/modelArn",
        "/retrieveAndGenerateConfiguration/knowledgeBaseConfiguration/modelArn",
        "/retrieveAndGenerateConfiguration/externalSourcesConfiguration/modelArn",
    ]
    .iter()
    .filter_map(|p| v.pointer(p).and_then(serde_json::Value::as_str))
    .map(str::to_owned)
    .collect()
}

/// A pinned route's model also pins the model ARNs of agent-runtime bodies: the ARN must be
/// the pinned one, or a foundation-model / inference-profile ARN of it.
fn check_pinned_arns(route: &RouteRuntime, arns: &[String]) -> Result<(), GatewayError> {
    let Some(configured) = route.plugin.model.name.as_deref() else {
        return Ok(());
    };
    for arn in arns {
        if !arn_is_model(arn, configured) {
            return Err(GatewayError::bad_request(
                format!("cannot use own model - must be: {configured}"),
                Some("modelArn".into()),
            ));
        }
    }
    Ok(())
}

fn arn_is_model(arn: &str, model: &str) -> bool {
    arn == model || arn.rsplit('/').next() == Some(model)
}

/// `modelId` of a StartAsyncInvoke or CreateModelInvocationJob body, read from a copy.
fn body_model(body: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct WithModel {
        model_id: String,
    }
    serde_json::from_slice::<WithModel>(body)
        .ok()
        .map(|b| b.model_id)
}

async fn run(
    state: &Arc<State>,
    route_index: usize,
    request: Request<Incoming>,
    matched_len: usize,
    started: Instant,
    record: &mut Record,
) -> Result<Outcome, GatewayError> {
    let route = &state.routes[route_index];
    let call = paths::parse_routed(
        request.method(),
        request.uri().path(),
        matched_len,
        request.uri().query(),
    )
    .map_err(path_error)?;
    record.streaming = call.operation.streams();
    if call.operation.streams() && route.plugin.response_streaming == ResponseStreaming::Deny {
        return Err(GatewayError::bad_request(
            "response streaming is not enabled for this LLM",
            None,
        ));
    }
    if let Some(model) = &call.model {
        record.request_model.clone_from(model);
        record.response_model.clone_from(model);
        check_pinned(route, Some(model))?;
    }
    let headers = relay::forwarded_headers(request.headers())?;

    let body = if call.operation.method() == Method::GET {
        Bytes::new()
    } else {
        let content_length = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        read_limited(
            request.into_body(),
            content_length,
            route.plugin.max_request_body_size,
        )
        .await?
    };
    if matches!(
        call.operation,
        Operation::StartAsyncInvoke | Operation::CreateModelInvocationJob
    ) {
        let model = body_model(&body);
        if let Some(model) = &model {
            record.request_model.clone_from(model);
            record.response_model.clone_from(model);
        }
        check_pinned(route, model.as_deref())?;
    }
    if matches!(
        call.operation,
        Operation::Rerank | Operation::RetrieveAndGenerate | Operation::RetrieveAndGenerateStream
    ) {
        let arns = body_model_arns(&body);
        if let Some(first) = arns.first() {
            record.request_model.clone_from(first);
            record.response_model.clone_from(first);
        }
        check_pinned_arns(route, &arns)?;
    }
    if route.plugin.logging.log_payloads {
        record.request_payload = Some(String::from_utf8_lossy(&body).into_owned());
    }

    let upstream = relay::send(state, route, &call, &headers, body).await?;
    let status = upstream.status();
    let mut response_headers = http::HeaderMap::new();
    relay::relay_response_headers(upstream.headers(), &mut response_headers);
    if let (true, Some(model)) = (route.plugin.model_name_header, &call.model) {
        if let Ok(v) = HeaderValue::from_str(&format!("bedrock/{model}")) {
            response_headers.insert("x-kong-llm-model", v);
        }
    }

    if status.is_success() && relay::is_event_stream(upstream.headers()) {
        let body = RelayBody::new(
            upstream.into_body(),
            call.operation,
            Arc::clone(state),
            route_index,
            std::mem::take(record),
            started,
        );
        let mut response = Response::new(http_body_util::combinators::UnsyncBoxBody::new(body));
        *response.status_mut() = status;
        *response.headers_mut() = response_headers;
        return Ok(Outcome::Streaming(response));
    }

    let upstream_headers = upstream.headers().clone();
    let bytes = read_body(upstream.into_body(), MAX_RESPONSE_BODY, route.read_timeout).await?;
    let error = if status.is_success() {
        record.tokens = oneshot_tokens(&call, &upstream_headers, &bytes);
        None
    } else {
        let code = upstream_headers
            .get("x-amzn-errortype")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        tracing::warn!(route = %route.name, status = status.as_u16(), code, "Bedrock refused a native call");
        Some("upstream_error")
    };
    if route.plugin.logging.log_payloads {
        record.response_payload = Some(String::from_utf8_lossy(&bytes).into_owned());
    }
    let mut response = Response::new(full(bytes));
    *response.status_mut() = status;
    *response.headers_mut() = response_headers;
    Ok(Outcome::Done(response, error))
}

/// Token usage of a successful one-shot answer, where the operation reports it.
fn oneshot_tokens(
    call: &NativeCall,
    headers: &http::HeaderMap,
    body: &[u8],
) -> Option<crate::stats::Tokens> {
    match call.operation {
        Operation::Converse => stats::from_usage_json(body),
        Operation::InvokeModel if !call.model.as_deref().is_some_and(stats::is_image_model) => {
            stats::from_invoke_headers(headers)
        }
        _ => None,
    }
}

#[cfg(test)]
mod pin_tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::{arn_is_model, body_model_arns};

    #[test]
    fn agent_runtime_bodies_name_their_models() {
        let rerank = br#"{"queries":[],"sources":[],"rerankingConfiguration":{"type":"BEDROCK_RERANKING_MODEL","bedrockRerankingConfiguration":{"modelConfiguration":{"modelArn":"arn:aws:bedrock:us-east-1::foundation-model/amazon.rerank-v1:0"}}}}"#;
        assert_eq!(
            body_model_arns(rerank),
            vec!["arn:aws:bedrock:us-east-1::foundation-model/amazon.rerank-v1:0"]
        );
        let rag = br#"{"input":{"text":"q"},"retrieveAndGenerateConfiguration":{"type":"KNOWLEDGE_BASE","knowledgeBaseConfiguration":{"knowledgeBaseId":"kb","modelArn":"arn:aws:bedrock:us-east-1::foundation-model/x"}}}"#;
        assert_eq!(
            body_model_arns(rag),
            vec!["arn:aws:bedrock:us-east-1::foundation-model/x"]
        );
        assert!(body_model_arns(b"not json").is_empty());
    }

    #[test]
    fn a_pinned_model_matches_its_arns_only() {
        let arn = "arn:aws:bedrock:us-east-1::foundation-model/amazon.rerank-v1:0";
        assert!(arn_is_model(arn, "amazon.rerank-v1:0"));
        assert!(arn_is_model(arn, arn));
        assert!(!arn_is_model(arn, "cohere.rerank-v3-5:0"));
        assert!(!arn_is_model(
            "arn:aws:bedrock:us-east-1::foundation-model/cohere.rerank-v3-5:0",
            "amazon.rerank-v1:0"
        ));
    }
}
