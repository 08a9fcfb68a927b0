//! `llm/v1/chat` and `llm/v1/completions` over Converse / ConverseStream.

use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http::{header, HeaderValue, Request, Response};
use hyper::body::Incoming;
use quarry_bedrock::chat::{self as translate, ResponseMeta, StreamFormat};
use quarry_openai::{chat::ChatRequest, completions::CompletionRequest};

use super::chat_stream::TranslatingBody;
use super::common::{
    add_model_header, decide, json_response, new_id, parse_json, read_post_body, unix_now, Pending,
};
use crate::bedrock::{self, ModelCall, MAX_RESPONSE_BODY};
use crate::body::RespBody;
use crate::error::{GatewayError, Kind};
use crate::state::State;
use crate::stats::{Record, Tokens};

// The native relay reads these from here; they live in `common` with the other shared seams.

/// Chat or legacy completions: same upstream API, different OpenAI shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Chat,
    Completion,
}

/// Handles one request on a chat or completions route; statistics are recorded here for
/// one-shot answers and errors, and by the stream body when a stream ends.
pub async fn handle(
    state: Arc<State>,
    route_index: usize,
    request: Request<Incoming>,
    mode: Mode,
    started: Instant,
) -> Response<RespBody> {
    let route = &state.routes[route_index];
    let mut pending = Pending::new(&state, route, started);
    let result = run(
        &state,
        route_index,
        request,
        mode,
        started,
        pending.record_mut(),
    )
    .await;
    match result {
        // The stream body took the record and finishes it when the stream ends.
        Ok(Outcome::Streaming(response)) => response,
        Ok(Outcome::Done(response)) => pending.respond(Ok(response)),
        Err(error) => pending.fail(error),
    }
}

enum Outcome {
    Done(Response<RespBody>),
    Streaming(Response<RespBody>),
}

async fn run(
    state: &Arc<State>,
    route_index: usize,
    request: Request<Incoming>,
    mode: Mode,
    started: Instant,
    record: &mut Record,
) -> Result<Outcome, GatewayError> {
    let route = &state.routes[route_index];
    let body = read_post_body(route, request).await?;
    if route.plugin.logging.log_payloads {
        record.request_payload = Some(String::from_utf8_lossy(&body).into_owned());
    }

    let defaults = &route.chat_defaults;
    let bad = |e: translate::TranslateError| GatewayError::bad_request(e.message, e.param);
    // The model and the stream decision come first: the translation depends on both (model
    // family rules; guardrail fields only ConverseStream takes).
    let (converse, include_usage) = match mode {
        Mode::Chat => {
            let mut req: ChatRequest = parse_json(&body)?;
            let (model, stream) = decide(route, record, req.model.as_deref(), req.is_stream())?;
            if let (true, Some(fetcher)) = (route.plugin.quarry.fetch_image_urls, &state.fetcher) {
                fetcher
                    .inline_images(&mut req, &route.plugin.quarry)
                    .await?;
            }
            let converse = translate::converse_from_chat_for_model(&req, defaults, &model, stream);
            (converse.map_err(bad)?, req.include_usage())
        }
        Mode::Completion => {
            let req: CompletionRequest = parse_json(&body)?;
            let (model, stream) = decide(route, record, req.model.as_deref(), req.is_stream())?;
            let converse =
                translate::converse_from_completion_for_model(&req, defaults, &model, stream);
            (converse.map_err(bad)?, req.include_usage())
        }
    };
    let model = record.request_model.clone();
    let stream = record.streaming;
    let structured = translate::uses_structured_output_tool(&converse);

    let converse_body = serde_json::to_vec(&converse).map_err(|e| {
        GatewayError::new(
            Kind::Internal,
            format!("could not encode the Converse request: {e}"),
        )
    })?;
    let upstream = bedrock::call_model(
        state,
        route,
        ModelCall {
            model: &model,
            operation: if stream {
                "converse-stream"
            } else {
                "converse"
            },
            body: Bytes::from(converse_body),
        },
    )
    .await?;

    let meta = ResponseMeta {
        id: chat_id(mode),
        created: unix_now(),
        model: model.clone(),
    };
    if stream {
        let format = match mode {
            Mode::Chat => StreamFormat::Chat,
            Mode::Completion => StreamFormat::Completion,
        };
        let mut translator = translate::StreamTranslator::new(format, meta, include_usage);
        if structured {
            translator.hold_text_for_structured_output();
        }
        if route.plugin.logging.log_payloads {
            translator.keep_text();
        }
        let body = TranslatingBody::new(
            upstream.into_body(),
            translator,
            Arc::clone(state),
            route_index,
            std::mem::take(record),
            started,
        );
        let mut response = Response::new(http_body_util::combinators::UnsyncBoxBody::new(body));
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/event-stream"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        add_model_header(route, &model, headers);
        return Ok(Outcome::Streaming(response));
    }

    let bytes =
        bedrock::read_body(upstream.into_body(), MAX_RESPONSE_BODY, route.read_timeout).await?;
    let converse = translate::parse_converse_response(&bytes).map_err(|e| {
        GatewayError::new(
            Kind::BadUpstreamResponse,
            format!("Bedrock returned an unreadable Converse response: {e}"),
        )
    })?;
    let usage = translate::usage_from_bedrock(&converse.usage);
    record.tokens = Some(Tokens {
        prompt: usage.prompt_tokens,
        completion: usage.completion_tokens,
        total: usage.total_tokens,
        cached: usage
            .prompt_tokens_details
            .as_ref()
            .map_or(0, |d| d.cached_tokens),
    });
    let json = match mode {
        Mode::Chat => serde_json::to_vec(&translate::chat_from_converse(converse, &meta)),
        Mode::Completion => {
            serde_json::to_vec(&translate::completion_from_converse(converse, &meta))
        }
    }
    .map_err(|e| {
        GatewayError::new(
            Kind::Internal,
            format!("could not encode the response: {e}"),
        )
    })?;
    Ok(Outcome::Done(json_response(route, record, &model, json)))
}

fn chat_id(mode: Mode) -> String {
    new_id(match mode {
        Mode::Chat => "chatcmpl-",
        Mode::Completion => "cmpl-",
    })
}
