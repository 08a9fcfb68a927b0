//! What every OpenAI-format capability shares: the statistics record of a request in flight
//! ([`Pending`]), reading and parsing the request body, Kong's model pinning, the stream
//! decision, the answer's headers, and concurrent InvokeModel calls for capabilities that fan
//! one request out (embeddings, images).

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use futures_util::stream::{self, StreamExt};
use http::{header, HeaderValue, Request, Response, StatusCode};
use hyper::body::Incoming;
use quarry_config::ResponseStreaming;
use serde::de::DeserializeOwned;

use crate::bedrock::{self, ModelCall, MAX_RESPONSE_BODY};
use crate::body::{full, read_limited, RespBody};
use crate::error::{GatewayError, Kind};
use crate::state::{RouteRuntime, State};
use crate::stats::Record;

/// The statistics record of a request in flight. If the client goes away before an answer
/// (the handler future is dropped), the record is still written, as a 499 like nginx's.
pub(crate) struct Pending<'a> {
    state: &'a State,
    route: &'a RouteRuntime,
    started: Instant,
    record: Option<Record>,
}

impl<'a> Pending<'a> {
    /// A record for `route` with its Kong metadata filled in.
    pub(crate) fn new(state: &'a State, route: &'a RouteRuntime, started: Instant) -> Self {
        Self {
            state,
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
        }
    }

    pub(crate) fn record_mut(&mut self) -> &mut Record {
        self.record.get_or_insert_with(Record::default)
    }

    /// Writes the record (once) with the answer's status and error label.
    pub(crate) fn finish(&mut self, status: u16, error: Option<&'static str>) {
        if let Some(mut record) = self.record.take() {
            record.status = status;
            record.error = error;
            record.latency_ms = elapsed_ms(self.started);
            finish_record(self.state, self.route, record);
        }
    }

    /// Records a failed request and turns the error into the client's answer; upstream
    /// failures are logged for operators.
    pub(crate) fn fail(&mut self, error: GatewayError) -> Response<RespBody> {
        if matches!(
            error.kind,
            Kind::Upstream(_) | Kind::Unreachable | Kind::Timeout
        ) {
            tracing::warn!(route = %self.route.name, status = error.status().as_u16(), error = %error, "upstream call failed");
        }
        self.finish(error.status().as_u16(), Some(error.label()));
        error.into_response()
    }

    /// Records a one-shot answer, or the error.
    pub(crate) fn respond(
        &mut self,
        result: Result<Response<RespBody>, GatewayError>,
    ) -> Response<RespBody> {
        match result {
            Ok(response) => {
                self.finish(response.status().as_u16(), None);
                response
            }
            Err(error) => self.fail(error),
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

/// Refuses methods other than POST and reads the body within `max_request_body_size`.
pub(crate) async fn read_post_body(
    route: &RouteRuntime,
    request: Request<Incoming>,
) -> Result<Bytes, GatewayError> {
    check_post(route, &request)?;
    let content_length = content_length(&request);
    read_limited(
        request.into_body(),
        content_length,
        route.plugin.max_request_body_size,
    )
    .await
}

pub(crate) fn check_post(
    route: &RouteRuntime,
    request: &Request<Incoming>,
) -> Result<(), GatewayError> {
    if request.method() == http::Method::POST {
        return Ok(());
    }
    Err(GatewayError::new(
        Kind::MethodNotAllowed,
        format!(
            "{} routes accept POST, not {}",
            route.plugin.route_type.as_str(),
            request.method()
        ),
    ))
}

/// The declared `Content-Length`, when it is a number.
pub(crate) fn content_length<B>(request: &Request<B>) -> Option<u64> {
    request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
}

/// Parses JSON into `T`, naming the offending field for type errors.
pub(crate) fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, GatewayError> {
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
pub(crate) fn resolve_model(
    route: &RouteRuntime,
    requested: Option<&str>,
) -> Result<String, GatewayError> {
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

/// Settles the model (Kong's pinning rule) and whether to stream (`response_streaming`), and
/// notes both in the statistics record.
pub(crate) fn decide(
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

/// `x-kong-llm-model: bedrock/<model>` when the route asks for it.
pub(crate) fn add_model_header(route: &RouteRuntime, model: &str, headers: &mut http::HeaderMap) {
    if route.plugin.model_name_header {
        if let Ok(v) = HeaderValue::from_str(&format!("bedrock/{model}")) {
            headers.insert("x-kong-llm-model", v);
        }
    }
}

/// A 200 JSON answer; the payload is logged when the route logs payloads.
pub(crate) fn json_response(
    route: &RouteRuntime,
    record: &mut Record,
    model: &str,
    json: Vec<u8>,
) -> Response<RespBody> {
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
    add_model_header(route, model, headers);
    response
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

pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `prefix` followed by 24 random alphanumerics.
pub(crate) fn new_id(prefix: &str) -> String {
    let mut id = String::with_capacity(prefix.len() + 24);
    id.push_str(prefix);
    for _ in 0..24 {
        id.push(fastrand::alphanumeric());
    }
    id
}

/// At most this many InvokeModel calls of one request are in flight at once.
pub(crate) const FAN_OUT: usize = 16;

/// One InvokeModel answer: its body and `X-Amzn-Bedrock-Input-Token-Count`.
pub(crate) struct Invoked {
    pub body: Bytes,
    pub input_tokens: Option<u64>,
}

/// Sends every body to `/model/{model}/invoke`, at most [`FAN_OUT`] at a time, and returns
/// the answers in the order of `bodies`. The first failure wins; the calls still in flight
/// are dropped, which cancels them.
pub(crate) async fn invoke_all(
    state: &State,
    route: &RouteRuntime,
    model: &str,
    bodies: Vec<Vec<u8>>,
) -> Result<Vec<Invoked>, GatewayError> {
    let count = bodies.len();
    let mut answers = stream::iter(bodies)
        .map(|body| invoke(state, route, model, body))
        .buffered(FAN_OUT);
    let mut out = Vec::with_capacity(count);
    while let Some(answer) = answers.next().await {
        out.push(answer?);
    }
    Ok(out)
}

async fn invoke(
    state: &State,
    route: &RouteRuntime,
    model: &str,
    body: Vec<u8>,
) -> Result<Invoked, GatewayError> {
    let response = bedrock::call_model(
        state,
        route,
        ModelCall {
            model,
            operation: "invoke",
            body: Bytes::from(body),
        },
    )
    .await?;
    let input_tokens = response
        .headers()
        .get("x-amzn-bedrock-input-token-count")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok());
    let body =
        bedrock::read_body(response.into_body(), MAX_RESPONSE_BODY, route.read_timeout).await?;
    Ok(Invoked { body, input_tokens })
}
