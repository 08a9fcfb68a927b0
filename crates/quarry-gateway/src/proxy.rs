//! The request pipeline, in Kong's phase order: route match → key-auth (limits: later issues)
//! → the route's capability handler (translate, sign, call, translate back) → statistics.

use std::sync::Arc;
use std::time::Instant;

use http::{header, Request, Response};
use hyper::body::Incoming;
use quarry_config::{LlmFormat, RouteType};

use crate::auth;
use crate::body::RespBody;
use crate::capabilities::chat::{self, Mode};
use crate::capabilities::native;
use crate::capabilities::{embeddings, images, rerank};
use crate::error::{GatewayError, Kind};
use crate::state::State;

pub async fn handle(state: Arc<State>, mut request: Request<Incoming>) -> Response<RespBody> {
    let started = Instant::now();
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| request.uri().host())
        .map(strip_port);
    let Some(matched) = state
        .router
        .find(request.method().as_str(), host, request.uri().path())
    else {
        return GatewayError::new(Kind::NoRoute, "no Route matched with those values")
            .into_response();
    };
    let consumer = match state.auth.authenticate(matched.route, &mut request) {
        Ok(consumer) => consumer,
        Err(refused) => return refused.into_response(),
    };
    auth::scope(
        consumer,
        dispatch(state, matched.route, matched.matched_len, request, started),
    )
    .await
}

/// The route's capability handler (Kong's ai-proxy phase). `matched_len` is how much of the
/// path the route's prefix covered (the native relay reads the operation path after it).
async fn dispatch(
    state: Arc<State>,
    route_index: usize,
    matched_len: usize,
    request: Request<Incoming>,
    started: Instant,
) -> Response<RespBody> {
    let route = &state.routes[route_index];
    match (route.plugin.llm_format, route.plugin.route_type) {
        // Native Bedrock on any route type (Kong requires llm/v1/chat; Quarry does not).
        (LlmFormat::Bedrock, _) => {
            native::handle(
                Arc::clone(&state),
                route_index,
                request,
                matched_len,
                started,
            )
            .await
        }
        (LlmFormat::Openai, RouteType::Chat) => {
            chat::handle(
                Arc::clone(&state),
                route_index,
                request,
                Mode::Chat,
                started,
            )
            .await
        }
        (LlmFormat::Openai, RouteType::Completions) => {
            chat::handle(
                Arc::clone(&state),
                route_index,
                request,
                Mode::Completion,
                started,
            )
            .await
        }
        // Kong has no rerank route type: embeddings routes also answer `…/rerank`.
        (LlmFormat::Openai, RouteType::Embeddings) if request.uri().path().ends_with("/rerank") => {
            rerank::handle(Arc::clone(&state), route_index, request, started).await
        }
        (LlmFormat::Openai, RouteType::Embeddings) => {
            embeddings::handle(Arc::clone(&state), route_index, request, started).await
        }
        (LlmFormat::Openai, RouteType::ImageGenerations) => {
            images::handle_generations(Arc::clone(&state), route_index, request, started).await
        }
        (LlmFormat::Openai, RouteType::ImageEdits) => {
            images::handle_edits(Arc::clone(&state), route_index, request, started).await
        }
        (LlmFormat::Openai, RouteType::VideoGenerations) => {
            crate::capabilities::video::handle(
                Arc::clone(&state),
                route_index,
                request,
                matched_len,
                started,
            )
            .await
        }
        (LlmFormat::Openai, other) => GatewayError::new(
            Kind::NotImplemented,
            format!(
                "route_type '{}' is valid Kong configuration but Quarry does not serve it yet",
                other.as_str()
            ),
        )
        .into_response(),
        (format, _) => GatewayError::new(
            Kind::NotImplemented,
            format!(
                "llm_format '{}' is valid Kong configuration but Quarry does not serve it yet",
                format.as_str()
            ),
        )
        .into_response(),
    }
}

fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host.split(']').next().map_or(host, |h| &h[1..]);
    }
    host.rsplit_once(':').map_or(host, |(h, _)| h)
}
