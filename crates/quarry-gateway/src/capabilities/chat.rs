//! `llm/v1/chat` and `llm/v1/completions` over Converse / ConverseStream.

use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{header, HeaderValue, Request, Response, StatusCode};
use hyper::body::Incoming;
use quarry_bedrock::chat::{self as translate, ResponseMeta, StreamFormat};
use quarry_config::ResponseStreaming;
use quarry_openai::{chat::ChatRequest, completions::CompletionRequest};
use serde::de::DeserializeOwned;

use super::chat_stream::TranslatingBody;
use crate::bedrock::{self, ModelCall, MAX_RESPONSE_BODY};
use crate::body::{full, read_limited, RespBody};
use crate::error::{GatewayError, Kind};
use crate::state::{RouteRuntime, State};
use crate::stats::{Record, Tokens};

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
    let mut pending = Pending {
        state: &state,
        route,
        started,
        record: Some(Record {
            route: route.name.clone(),
            plugin_path: route.plugin.plugin_path.clone(),
            route_type: route.plugin.route_type.as_str(),
            input_cost: route.plugin.model.options.input_cost,
            output_cost: route.plugin.model.options.output_cost,
            ..Default::default()
        }),
    };
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
        Ok(Outcome::Done(response)) => {
            pending.finish(response.status().as_u16(), None);
            response
        }
        Err(error) => {
            if matches!(
                error.kind,
                Kind::Upstream(_) | Kind::Unreachable | Kind::Timeout
            ) {
                tracing::warn!(route = %route.name, status = error.status().as_u16(), error = %error, "upstream call failed");
            }
            pending.finish(error.status().as_u16(), Some(error.label()));
            error.into_response()
        }
    }
}

/// The statistics record of a request in flight. If the client goes away before an answer
/// (the handler future is dropped), the record is still written, as a 499 like nginx's.
struct Pending<'a> {
    state: &'a State,
    route: &'a RouteRuntime,
    started: Instant,
    record: Option<Record>,
}

impl Pending<'_> {
    fn record_mut(&mut self) -> &mut Record {
        self.record.get_or_insert_with(Record::default)
    }

    fn finish(&mut self, status: u16, error: Option<&'static str>) {
        if let Some(mut record) = self.record.take() {
            record.status = status;
            record.error = error;
            record.latency_ms = elapsed_ms(self.started);
            finish_record(self.state, self.route, record);
        }
    }
}

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        // A record handed to a stream body was replaced by an empty one: nothing to write.
        if self.record.as_ref().is_some_and(|r| !r.route.is_empty()) {
            self.finish(499, Some("client_disconnected"));
        }
    }
}

enum Outcome {
    Done(Response<RespBody>),
    Streaming(Response<RespBody>),
}

/// Settles the model (Kong's pinning rule) and whether to stream (`response_streaming`), and
/// notes both in the statistics record.
fn decide(
    route: &RouteRuntime,
    record: &mut Record,
    requested_model: Option<&str>,
    requested_stream: bool,
) -> Result<(String, bool), GatewayError> {
    let model = resolve_model(route, requested_model)?;
    let stream = match (route.plugin.response_streaming, requested_stream) {
        (ResponseStreaming::Deny, true) => {
            return Err(GatewayError::bad_request(
                "response streaming is not enabled for this LLM",
                Some("stream".into()),
            ))
        }
        (ResponseStreaming::Always, _) => true,
        (_, requested) => requested,
    };
    record.request_model.clone_from(&model);
    record.response_model.clone_from(&model);
    record.streaming = stream;
    Ok((model, stream))
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
    if request.method() != http::Method::POST {
        return Err(GatewayError::new(
            Kind::MethodNotAllowed,
            format!(
                "{} routes accept POST, not {}",
                route.plugin.route_type.as_str(),
                request.method()
            ),
        ));
    }
    let content_length = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let body = read_limited(
        request.into_body(),
        content_length,
        route.plugin.max_request_body_size,
    )
    .await?;
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
        id: new_id(mode),
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
    if route.plugin.logging.log_payloads {
        record.response_payload = Some(String::from_utf8_lossy(&json).into_owned());
    }
    let mut response = Response::new(full(Bytes::from(json)));
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    add_model_header(route, &model, headers);
    Ok(Outcome::Done(response))
}

/// Parses JSON into `T`, naming the offending field for type errors.
fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, GatewayError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(GatewayError::bad_request(
            "request body is empty; expected a JSON object",
            None,
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            GatewayError::bad_request(format!("request body is not valid JSON: {inner}"), None)
        } else if path == "." {
            GatewayError::bad_request(format!("invalid request body: {inner}"), None)
        } else {
            GatewayError::bad_request(format!("invalid value for '{path}': {inner}"), Some(path))
        }
    })
}

/// Kong's rule: a configured `model.name` pins the model; a request naming another is a 400.
fn resolve_model(route: &RouteRuntime, requested: Option<&str>) -> Result<String, GatewayError> {
    let requested = requested.filter(|m| !m.is_empty());
    match (route.plugin.model.name.as_deref(), requested) {
        (Some(configured), Some(asked)) if configured != asked => Err(GatewayError::bad_request(
            format!("cannot use own model - must be: {configured}"),
            Some("model".into()),
        )),
        (Some(configured), _) => Ok(configured.to_owned()),
        (None, Some(asked)) => Ok(asked.to_owned()),
        (None, None) => Err(GatewayError::bad_request(
            "model parameter not found in request, nor in gateway configuration",
            Some("model".into()),
        )),
    }
}

fn add_model_header(route: &RouteRuntime, model: &str, headers: &mut http::HeaderMap) {
    if route.plugin.model_name_header {
        if let Ok(v) = HeaderValue::from_str(&format!("bedrock/{model}")) {
            headers.insert("x-kong-llm-model", v);
        }
    }
}

pub(crate) fn finish_record(state: &State, route: &RouteRuntime, record: Record) {
    state.metrics.record(&record);
    if route.plugin.logging.log_statistics {
        state.stats.emit(record.to_line());
    }
}

pub(crate) fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn new_id(mode: Mode) -> String {
    let prefix = match mode {
        Mode::Chat => "chatcmpl-",
        Mode::Completion => "cmpl-",
    };
    let mut id = String::with_capacity(prefix.len() + 24);
    id.push_str(prefix);
    for _ in 0..24 {
        id.push(fastrand::alphanumeric());
    }
    id
}
