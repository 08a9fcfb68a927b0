//! `video/v1/videos/generations`: OpenAI's videos API over Bedrock's async invocations.
//!
//! | request | Bedrock |
//! |---|---|
//! | `POST {route}` | StartAsyncInvoke (body per family, `quarry_bedrock::video`) |
//! | `GET {route}` | ListAsyncInvokes (`limit` → `maxResults`, `after` → `nextToken`) |
//! | `GET {route}/{id}` | GetAsyncInvoke |
//! | `GET {route}/{id}/content` | S3 GetObject of `{video_output_s3_uri}/{invocation id}/output.mp4`, streamed ([`content`]) |
//!
//! The video ID is the invocation ARN in base64url, so no gateway state is kept. Statistics
//! record route, model and latency of each call; videos have no tokens.

mod content;

use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http::{Method, Request, Response};
use hyper::body::Incoming;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use quarry_bedrock::endpoint::{self, Service};
use quarry_bedrock::error::BedrockError;
use quarry_bedrock::video::{
    decode_video_id, encode_video_id, invocation_arn_from_start, start_async_invoke_body,
    video_from_job, video_list_from_jobs,
};
use quarry_openai::video::{Video, VideoCreateRequest, VideoStatus};

use super::common::{json_response, parse_json, read_post_body, resolve_model, unix_now, Pending};
use crate::bedrock::{self, read_body, read_error, Target, MAX_RESPONSE_BODY};
use crate::body::RespBody;
use crate::error::{GatewayError, Kind};
use crate::state::{RouteRuntime, State};
use crate::stats::Record;

/// Handles every request on a video route; `matched_len` is the length of the route prefix.
pub async fn handle(
    state: Arc<State>,
    route_index: usize,
    request: Request<Incoming>,
    matched_len: usize,
    started: Instant,
) -> Response<RespBody> {
    let route = &state.routes[route_index];
    let mut pending = Pending::new(&state, route, started);
    let rest = request
        .uri()
        .path()
        .get(matched_len..)
        .unwrap_or_default()
        .trim_matches('/')
        .to_owned();
    let segments: Vec<&str> = if rest.is_empty() {
        Vec::new()
    } else {
        rest.split('/').collect()
    };
    let method = request.method().clone();
    let result = match (&method, segments.as_slice()) {
        (&Method::POST, []) => create(&state, route, request, pending.record_mut()).await,
        (&Method::GET, []) => list(&state, route, &request, pending.record_mut()).await,
        (&Method::GET, [id]) => get(&state, route, id, pending.record_mut()).await,
        (&Method::GET, [id, "content"]) => {
            content::download(&state, route, id, pending.record_mut()).await
        }
        (_, [] | [_] | [_, "content"]) => Err(GatewayError::new(
            Kind::MethodNotAllowed,
            format!("{method} is not allowed here: videos are created with POST and read with GET"),
        )),
        _ => Err(GatewayError::new(
            Kind::NoRoute,
            "no video operation at this path: use /videos, /videos/{id} or /videos/{id}/content",
        )),
    };
    pending.respond(result)
}

async fn create(
    state: &State,
    route: &RouteRuntime,
    request: Request<Incoming>,
    record: &mut Record,
) -> Result<Response<RespBody>, GatewayError> {
    let idempotency_key = request
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = read_post_body(route, request).await?;
    if route.plugin.logging.log_payloads {
        record.request_payload = Some(String::from_utf8_lossy(&body).into_owned());
    }
    let req: VideoCreateRequest = parse_json(&body)?;
    let model = resolve_model(route, req.model.as_deref())?;
    record.request_model.clone_from(&model);
    record.response_model.clone_from(&model);
    let s3_uri = output_s3_uri(route)?;
    let plan = start_async_invoke_body(&req, &model, s3_uri, idempotency_key.as_deref())
        .map_err(|e| GatewayError::bad_request(e.message, e.param))?;
    let answer = call(state, route, Method::POST, "/async-invoke", plan.body, None).await?;
    let arn = invocation_arn_from_start(&answer)
        .map_err(|e| GatewayError::new(Kind::BadUpstreamResponse, e.0))?;
    tracing::info!(route = %route.name, model = %model, "video job started");
    let video = Video {
        id: encode_video_id(&arn),
        object: "video".into(),
        model: model.clone(),
        status: VideoStatus::Queued,
        created_at: unix_now(),
        completed_at: None,
        progress: Some(0),
        seconds: Some(plan.seconds),
        size: Some(plan.size),
        error: None,
    };
    respond_json(route, record, &model, &video)
}

async fn get(
    state: &State,
    route: &RouteRuntime,
    id: &str,
    record: &mut Record,
) -> Result<Response<RespBody>, GatewayError> {
    let arn = arn_of(id)?;
    let path = format!("/async-invoke/{}", encode_label(&arn));
    let region = arn_region_of(&arn)?;
    let answer = call(state, route, Method::GET, &path, Vec::new(), region).await?;
    let video =
        video_from_job(&answer).map_err(|e| GatewayError::new(Kind::BadUpstreamResponse, e.0))?;
    record.request_model.clone_from(&video.model);
    record.response_model.clone_from(&video.model);
    let model = video.model.clone();
    respond_json(route, record, &model, &video)
}

async fn list(
    state: &State,
    route: &RouteRuntime,
    request: &Request<Incoming>,
    record: &mut Record,
) -> Result<Response<RespBody>, GatewayError> {
    let mut query = Vec::new();
    for (key, value) in query_pairs(request.uri().query().unwrap_or_default()) {
        match key.as_str() {
            "limit" => {
                let limit: u32 = value
                    .parse()
                    .ok()
                    .filter(|l| (1..=1000).contains(l))
                    .ok_or_else(|| {
                        GatewayError::bad_request(
                            "limit must be a whole number from 1 to 1000",
                            Some("limit".into()),
                        )
                    })?;
                query.push(format!("maxResults={limit}"));
            }
            "after" if decode_video_id(&value).is_some() => {
                return Err(GatewayError::bad_request(
                    "after must be the last_id of the previous page (Bedrock pages with a \
                     token, which Quarry returns as last_id when has_more is true)",
                    Some("after".into()),
                ));
            }
            "after" if !value.is_empty() => {
                query.push(format!("nextToken={}", utf8_percent_encode(&value, QUERY)));
            }
            "order" => {
                let order = match value.as_str() {
                    "asc" => "Ascending",
                    "desc" => "Descending",
                    _ => {
                        return Err(GatewayError::bad_request(
                            "order must be asc or desc",
                            Some("order".into()),
                        ))
                    }
                };
                query.push(format!("sortBy=SubmissionTime&sortOrder={order}"));
            }
            _ => {}
        }
    }
    let path = if query.is_empty() {
        "/async-invoke".to_owned()
    } else {
        format!("/async-invoke?{}", query.join("&"))
    };
    let answer = call(state, route, Method::GET, &path, Vec::new(), None).await?;
    let mut page = video_list_from_jobs(&answer)
        .map_err(|e| GatewayError::new(Kind::BadUpstreamResponse, e.0))?;
    // OpenAI pages with `after=<last id>`; Bedrock with an opaque token. The token is the
    // cursor a client must send back, so `last_id` carries it when there is more.
    if let Some(token) = page.next_token.take() {
        page.list.last_id = Some(token);
    }
    let json = serde_json::to_vec(&page.list)
        .map_err(|e| GatewayError::new(Kind::Internal, e.to_string()))?;
    let model = route.plugin.model.name.clone().unwrap_or_default();
    Ok(json_response(route, record, &model, json))
}

fn respond_json(
    route: &RouteRuntime,
    record: &mut Record,
    model: &str,
    video: &Video,
) -> Result<Response<RespBody>, GatewayError> {
    let json =
        serde_json::to_vec(video).map_err(|e| GatewayError::new(Kind::Internal, e.to_string()))?;
    Ok(json_response(route, record, model, json))
}

/// `config.model.options.bedrock.video_output_s3_uri`, which `quarry check` also requires.
pub(crate) fn output_s3_uri(route: &RouteRuntime) -> Result<&str, GatewayError> {
    route
        .plugin
        .model
        .options
        .bedrock
        .video_output_s3_uri
        .as_deref()
        .ok_or_else(|| {
            GatewayError::new(
                Kind::UpstreamConfig,
                format!(
                    "route '{}' has no video output location: set \
                     config.model.options.bedrock.video_output_s3_uri (an s3:// URI)",
                    route.name
                ),
            )
        })
}

/// The invocation ARN of a video ID; an ID Quarry did not make is not found.
pub(crate) fn arn_of(id: &str) -> Result<String, GatewayError> {
    decode_video_id(id).ok_or_else(|| {
        GatewayError::upstream(BedrockError {
            status: 404,
            code: "ResourceNotFoundException".into(),
            message: format!("No video found with id '{}'.", id.escape_debug()),
        })
    })
}

fn arn_region_of(arn: &str) -> Result<Option<&str>, GatewayError> {
    endpoint::arn_region(arn).map_err(|e| GatewayError::bad_request(e.to_string(), None))
}

/// Characters kept as they are in a path label or query value (RFC 3986 unreserved).
const QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn encode_label(label: &str) -> String {
    utf8_percent_encode(label, QUERY).to_string()
}

fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| {
                percent_encoding::percent_decode_str(&s.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (decode(k), decode(v))
        })
        .collect()
}

/// One signed bedrock-runtime call; Bedrock's 2xx body, or its error.
async fn call(
    state: &State,
    route: &RouteRuntime,
    method: Method,
    path_and_query: &str,
    body: Vec<u8>,
    arn_region: Option<&str>,
) -> Result<Bytes, GatewayError> {
    let headers: &[(&str, &str)] = if method == Method::POST {
        &[("content-type", "application/json")]
    } else {
        &[]
    };
    let response = bedrock::send_signed(
        state,
        route,
        Target {
            service: Service::Runtime,
            method,
            path_and_query,
            headers_to_sign: headers,
            body: Bytes::from(body),
            arn_region,
        },
    )
    .await?;
    if !response.status().is_success() {
        return Err(read_error(response, route.read_timeout).await);
    }
    read_body(response.into_body(), MAX_RESPONSE_BODY, route.read_timeout).await
}
