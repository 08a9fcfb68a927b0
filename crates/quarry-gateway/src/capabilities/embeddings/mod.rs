//! `llm/v1/embeddings` over InvokeModel: plan the calls (`quarry_bedrock::embeddings`), send
//! them concurrently (at most [`FAN_OUT`](super::common::FAN_OUT) in flight, answers kept in
//! input order), and write OpenAI's list. Usage goes to the statistics record.

use std::sync::Arc;
use std::time::Instant;

use http::{Request, Response};
use hyper::body::Incoming;
use quarry_bedrock::embeddings::{
    embeddings_response, parse_embeddings_call, plan_embeddings, EmbeddingDefaults,
};
use quarry_openai::embeddings::EmbeddingRequest;

use super::common::{
    invoke_all, json_response, parse_json, read_post_body, resolve_model, Pending,
};
use crate::body::RespBody;
use crate::error::{GatewayError, Kind};
use crate::state::{RouteRuntime, State};
use crate::stats::{Record, Tokens};

/// Handles one `POST …/embeddings` request.
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

fn defaults(route: &RouteRuntime) -> EmbeddingDefaults {
    let options = &route.plugin.model.options;
    EmbeddingDefaults {
        dimensions: options.embeddings_dimensions,
        normalize: options.bedrock.embeddings_normalize,
        cohere_input_type: options.cohere_embedding_input_type.clone(),
    }
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
    let req: EmbeddingRequest = parse_json(&body)?;
    let model = resolve_model(route, req.model.as_deref())?;
    record.request_model.clone_from(&model);
    record.response_model.clone_from(&model);
    let plan = plan_embeddings(&req, &defaults(route), &model)
        .map_err(|e| GatewayError::bad_request(e.message, e.param))?;
    drop(req);

    let answers = invoke_all(state, route, &model, plan.bodies).await?;
    let bad = |message: String| GatewayError::new(Kind::BadUpstreamResponse, message);
    let mut vectors = Vec::with_capacity(plan.inputs);
    let mut tokens = 0;
    for answer in &answers {
        tokens +=
            parse_embeddings_call(plan.family, &answer.body, answer.input_tokens, &mut vectors)
                .map_err(|e| bad(e.0))?;
    }
    if vectors.len() != plan.inputs {
        return Err(bad(format!(
            "Bedrock returned {} embeddings for {} inputs",
            vectors.len(),
            plan.inputs
        )));
    }
    record.tokens = Some(Tokens {
        prompt: tokens,
        completion: 0,
        total: tokens,
        cached: 0,
    });
    let json =
        embeddings_response(&model, plan.encoding, &vectors, tokens).map_err(|e| bad(e.0))?;
    Ok(json_response(route, record, &model, json))
}
