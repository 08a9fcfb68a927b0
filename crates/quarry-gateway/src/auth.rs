//! The key-auth phase (Kong's `key-auth` plugin). It runs after route matching and before the
//! capability handler: it finds the API key in the request, maps it to a consumer, and
//! refuses the request (or runs it as the `anonymous` consumer) when it cannot.
//!
//! Keys are never kept or compared in the clear on the request path: at startup every
//! consumer key is hashed with SHA-256, and a presented key is hashed and looked up among
//! those digests. The map compares digests, not keys, so its timing tells an attacker nothing
//! usable about a stored key. Keys never appear in logs, errors or statistics.
//!
//! Where the key is read, for each name of `key_names` in order (Kong's order): a header of
//! that name (any case) when `key_in_header`, then a query parameter of that name when
//! `key_in_query`. Then Quarry's addition, with `key_in_header`: `Authorization: Bearer <key>`,
//! which OpenAI SDKs send (their api key) and AWS SDKs send when `AWS_BEARER_TOKEN_BEDROCK` is
//! set. `key_in_body` is not read: capability handlers read bodies themselves.
//!
//! `hide_credentials` removes the key's header, query parameter or `Authorization` header from
//! the request before the capability handler sees it. Quarry never forwards client headers or
//! the query string to Bedrock, so nothing leaks upstream either way.
//!
//! The consumer reaches the statistics line through a task-local set around the handler (the
//! counterpart of Kong's per-request `kong.client.get_consumer()`); see [`scope`] and
//! [`RecordConsumer`].

use std::borrow::Cow;
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use http::uri::PathAndQuery;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Response, StatusCode, Uri};
use quarry_config::{Consumer, KeyAuth, LlmFormat, Route};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::body::{full, RespBody};

/// Who a request runs as, as the statistics line reports it (Kong's `consumer` log field).
#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct ConsumerIdentity {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_id: Option<String>,
}

tokio::task_local! {
    static CONSUMER: Option<Arc<ConsumerIdentity>>;
}

/// Runs `handler` with `consumer` as the request's consumer.
pub async fn scope<F: Future>(consumer: Option<Arc<ConsumerIdentity>>, handler: F) -> F::Output {
    CONSUMER.scope(consumer, handler).await
}

/// The consumer of the request being handled, if the auth phase set one.
fn current_consumer() -> Option<Arc<ConsumerIdentity>> {
    CONSUMER.try_with(Clone::clone).ok().flatten()
}

/// The consumer a statistics record belongs to. Its `Default` is the current request's
/// consumer, so a record built anywhere inside the handler carries it, and keeps it when it
/// moves into a stream body that finishes later, outside the handler.
#[derive(Debug, Clone)]
pub struct RecordConsumer(pub Option<Arc<ConsumerIdentity>>);

impl Default for RecordConsumer {
    fn default() -> Self {
        Self(current_consumer())
    }
}

impl RecordConsumer {
    pub fn get(&self) -> Option<&ConsumerIdentity> {
        self.0.as_deref()
    }
}

/// The error shape a refused request gets: the route's client format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorFormat {
    /// 401 with OpenAI's error envelope and `WWW-Authenticate` (Kong's status and messages).
    OpenAi,
    /// 403 with `x-amzn-ErrorType` and `{"message": ..}`, what AWS SDKs expect.
    Bedrock,
}

/// Why the key did not identify a consumer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Missing,
    Invalid,
    /// The key's header or query parameter appears more than once.
    Duplicate,
}

impl Refusal {
    fn label(self) -> &'static str {
        match self {
            Refusal::Missing => "no_api_key",
            Refusal::Invalid => "invalid_api_key",
            Refusal::Duplicate => "duplicate_api_key",
        }
    }
}

/// A refused request: what the client gets back.
#[derive(Debug)]
pub struct Refused {
    pub reason: Refusal,
    pub format: ErrorFormat,
    www_authenticate: HeaderValue,
}

impl Refused {
    pub fn into_response(self) -> Response<RespBody> {
        refusal_response(self.reason, self.format, &self.www_authenticate)
    }
}

/// The response for a refusal in `format`. Kong's messages; the key is never echoed.
pub fn refusal_response(
    reason: Refusal,
    format: ErrorFormat,
    www_authenticate: &HeaderValue,
) -> Response<RespBody> {
    let (status, body) = match format {
        ErrorFormat::OpenAi => {
            let message = match reason {
                Refusal::Missing => "No API key found in request",
                Refusal::Invalid => "Invalid authentication credentials",
                Refusal::Duplicate => "Duplicate API key found",
            };
            let body = quarry_openai::error::error_json(
                message,
                "invalid_request_error",
                Some("invalid_api_key"),
                None,
            );
            (StatusCode::UNAUTHORIZED, body)
        }
        ErrorFormat::Bedrock => {
            let message = match reason {
                Refusal::Missing => "Missing Authentication Token",
                Refusal::Invalid | Refusal::Duplicate => {
                    "The security token included in the request is invalid."
                }
            };
            let body =
                serde_json::to_vec(&serde_json::json!({ "message": message })).unwrap_or_default();
            // 401 as the issue asks; AWS SDKs read the exception from x-amzn-ErrorType, so they
            // still raise UnrecognizedClientException / MissingAuthenticationTokenException.
            (StatusCode::UNAUTHORIZED, body)
        }
    };
    let mut response = Response::new(full(Bytes::from(body)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    match format {
        ErrorFormat::OpenAi => {
            headers.insert(WWW_AUTHENTICATE, www_authenticate.clone());
        }
        ErrorFormat::Bedrock => {
            let error_type = match reason {
                Refusal::Missing => "MissingAuthenticationTokenException",
                Refusal::Invalid | Refusal::Duplicate => "UnrecognizedClientException",
            };
            headers.insert("x-amzn-errortype", HeaderValue::from_static(error_type));
        }
    }
    response
}

/// One route's key-auth settings, prepared for the request path.
struct RouteAuth {
    route_name: String,
    /// `key_names` as header names (parsed once); `None` for a name `http` cannot represent.
    headers: Vec<Option<HeaderName>>,
    key_names: Vec<String>,
    hide_credentials: bool,
    key_in_header: bool,
    key_in_query: bool,
    run_on_preflight: bool,
    /// Index into `Auth::consumers`.
    anonymous: Option<usize>,
    format: ErrorFormat,
    www_authenticate: HeaderValue,
}

/// Where the key was found (to remove it with `hide_credentials`).
enum Location {
    Header(usize),
    Query(usize),
    Bearer,
}

/// The consumers, their key digests, and each route's key-auth phase.
pub struct Auth {
    /// SHA-256 of each key -> index into `consumers`.
    keys: HashMap<[u8; 32], usize>,
    consumers: Vec<Arc<ConsumerIdentity>>,
    /// Indexed like `State::routes`; `None` for open routes.
    routes: Vec<Option<RouteAuth>>,
}

fn digest(key: &[u8]) -> [u8; 32] {
    Sha256::digest(key).into()
}

impl Auth {
    pub fn new(consumers: &[Consumer], routes: &[Route]) -> Self {
        let mut keys = HashMap::new();
        for (index, consumer) in consumers.iter().enumerate() {
            for key in &consumer.keyauth_credentials {
                // The config rejects duplicate keys; the first one would win otherwise.
                keys.entry(digest(key.expose().as_bytes())).or_insert(index);
            }
        }
        let identities: Vec<Arc<ConsumerIdentity>> = consumers
            .iter()
            .map(|c| {
                Arc::new(ConsumerIdentity {
                    id: c.id.clone(),
                    username: c.username.clone(),
                    custom_id: c.custom_id.clone(),
                })
            })
            .collect();
        let routes = routes
            .iter()
            .map(|route| {
                let config = route.key_auth.as_ref()?;
                Some(RouteAuth::new(route, config, consumers))
            })
            .collect::<Vec<_>>();
        let protected = routes.iter().filter(|r| r.is_some()).count();
        if protected > 0 {
            tracing::info!(
                routes = protected,
                keys = keys.len(),
                "key-auth is on: requests need a consumer key"
            );
        }
        Self {
            keys,
            consumers: identities,
            routes,
        }
    }

    /// The auth phase for `route`: the consumer the request runs as (`None` on open routes
    /// and on skipped preflights), or the refusal to send back. With `hide_credentials` the
    /// key is removed from `request`.
    pub fn authenticate<B>(
        &self,
        route: usize,
        request: &mut Request<B>,
    ) -> Result<Option<Arc<ConsumerIdentity>>, Refused> {
        let Some(Some(auth)) = self.routes.get(route) else {
            return Ok(None);
        };
        if !auth.run_on_preflight && request.method() == Method::OPTIONS {
            return Ok(None);
        }
        let reason = match self.identify(auth, request) {
            Ok(index) => return Ok(Some(Arc::clone(&self.consumers[index]))),
            Err(reason) => reason,
        };
        if let Some(index) = auth.anonymous {
            return Ok(Some(Arc::clone(&self.consumers[index])));
        }
        tracing::debug!(route = %auth.route_name, reason = reason.label(), "key-auth refused a request");
        Err(Refused {
            reason,
            format: auth.format,
            www_authenticate: auth.www_authenticate.clone(),
        })
    }

    /// Finds the key, hides it if asked, and looks its digest up.
    fn identify<B>(&self, auth: &RouteAuth, request: &mut Request<B>) -> Result<usize, Refusal> {
        let (location, key_digest) = {
            let (location, key) = find_key(auth, request.headers(), request.uri())?;
            (location, digest(&key))
        };
        if auth.hide_credentials {
            hide(auth, location, request);
        }
        self.keys.get(&key_digest).copied().ok_or(Refusal::Invalid)
    }
}

impl RouteAuth {
    fn new(route: &Route, config: &KeyAuth, consumers: &[Consumer]) -> Self {
        let anonymous = config.anonymous.as_deref().and_then(|name| {
            let found = consumers
                .iter()
                .position(|c| c.id.as_deref() == Some(name))
                .or_else(|| {
                    consumers
                        .iter()
                        .position(|c| c.username.as_deref() == Some(name))
                });
            if found.is_none() {
                tracing::warn!(route = %route.name, anonymous = name, "key-auth's anonymous consumer does not exist; failed requests are refused");
            }
            found
        });
        let format = match route.ai_proxy.llm_format {
            LlmFormat::Bedrock => ErrorFormat::Bedrock,
            _ => ErrorFormat::OpenAi,
        };
        let challenge = format!("Key realm=\"{}\"", config.realm_or_default());
        Self {
            route_name: route.name.clone(),
            headers: config
                .key_names
                .iter()
                .map(|n| HeaderName::from_bytes(n.as_bytes()).ok())
                .collect(),
            key_names: config.key_names.clone(),
            hide_credentials: config.hide_credentials,
            key_in_header: config.key_in_header,
            key_in_query: config.key_in_query,
            run_on_preflight: config.run_on_preflight,
            anonymous,
            format,
            // The config allows only printable ASCII realms without quotes.
            www_authenticate: HeaderValue::from_str(&challenge)
                .unwrap_or_else(|_| HeaderValue::from_static("Key realm=\"kong\"")),
        }
    }
}

/// The key and where it was. An empty value counts as no key (Kong stops at it too).
fn find_key<'r>(
    auth: &RouteAuth,
    headers: &'r HeaderMap,
    uri: &'r Uri,
) -> Result<(Location, Cow<'r, [u8]>), Refusal> {
    let found = 'search: {
        for (i, name) in auth.key_names.iter().enumerate() {
            if auth.key_in_header {
                if let Some(header) = &auth.headers[i] {
                    if let Some(value) = single(headers, header)? {
                        break 'search Some((Location::Header(i), Cow::Borrowed(value)));
                    }
                }
            }
            if auth.key_in_query {
                if let Some(value) = query_value(uri.query(), name)? {
                    break 'search Some((Location::Query(i), value));
                }
            }
        }
        if auth.key_in_header {
            if let Some(token) = single(headers, &AUTHORIZATION)?.and_then(bearer_token) {
                break 'search Some((Location::Bearer, Cow::Borrowed(token)));
            }
        }
        None
    };
    match found {
        Some((location, key)) if !key.is_empty() => Ok((location, key)),
        _ => Err(Refusal::Missing),
    }
}

/// The one value of a header; two or more are a duplicate key.
fn single<'h>(headers: &'h HeaderMap, name: &HeaderName) -> Result<Option<&'h [u8]>, Refusal> {
    let mut values = headers.get_all(name).iter();
    match (values.next(), values.next()) {
        (Some(_), Some(_)) => Err(Refusal::Duplicate),
        (value, _) => Ok(value.map(HeaderValue::as_bytes)),
    }
}

/// `Bearer <token>` (scheme in any case) -> the token.
fn bearer_token(value: &[u8]) -> Option<&[u8]> {
    const SCHEME: &[u8] = b"bearer ";
    if value.len() < SCHEME.len() || !value[..SCHEME.len()].eq_ignore_ascii_case(SCHEME) {
        return None;
    }
    Some(value[SCHEME.len()..].trim_ascii())
}

/// The decoded value of query parameter `name`; present twice is a duplicate key. A
/// parameter without `=` has no value (nginx reads it as a flag) and is skipped.
fn query_value<'q>(query: Option<&'q str>, name: &str) -> Result<Option<Cow<'q, [u8]>>, Refusal> {
    let mut found = None;
    for (key, value) in query_pairs(query) {
        if form_decode(key) == name.as_bytes() {
            if found.is_some() {
                return Err(Refusal::Duplicate);
            }
            found = Some(form_decode(value));
        }
    }
    Ok(found)
}

fn query_pairs(query: Option<&str>) -> impl Iterator<Item = (&str, &str)> {
    query
        .unwrap_or_default()
        .split('&')
        .filter_map(|pair| pair.split_once('='))
}

/// `application/x-www-form-urlencoded` decoding (`+` is a space); borrowed when nothing is
/// encoded. A malformed escape is kept as written.
fn form_decode(s: &str) -> Cow<'_, [u8]> {
    let bytes = s.as_bytes();
    if !bytes.iter().any(|&b| b == b'%' || b == b'+') {
        return Cow::Borrowed(bytes);
    }
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    Cow::Owned(out)
}

/// `hide_credentials`: removes what carried the key.
fn hide<B>(auth: &RouteAuth, location: Location, request: &mut Request<B>) {
    match location {
        Location::Header(i) => {
            if let Some(name) = &auth.headers[i] {
                request.headers_mut().remove(name);
            }
        }
        Location::Bearer => {
            request.headers_mut().remove(AUTHORIZATION);
        }
        Location::Query(i) => {
            if let Some(stripped) = without_query_param(request.uri(), &auth.key_names[i]) {
                *request.uri_mut() = stripped;
            }
        }
    }
}

fn without_query_param(uri: &Uri, name: &str) -> Option<Uri> {
    let query = uri.query()?;
    let mut path_and_query = uri.path().to_owned();
    let mut first = true;
    for pair in query.split('&') {
        let key = pair.split_once('=').map_or(pair, |(k, _)| k);
        if form_decode(key) == name.as_bytes() {
            continue;
        }
        path_and_query.push(if first { '?' } else { '&' });
        path_and_query.push_str(pair);
        first = false;
    }
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = Some(PathAndQuery::try_from(path_and_query).ok()?);
    Uri::from_parts(parts).ok()
}

#[cfg(test)]
mod tests;
