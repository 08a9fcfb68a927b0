//! Calling Bedrock: endpoint, signing, sending and error mapping for every capability.
//!
//! Capabilities hand over an operation, a model ID and the translated body ([`call_model`]);
//! this module adds the only headers Quarry signs (`host`, `content-type`, `x-amz-date`, and
//! the session token when there is one), sends through the pooled client and turns a non-2xx
//! answer into a [`GatewayError`] carrying Bedrock's status and exception name. The native
//! relay uses the layer below, [`send_signed`]: any service, method, path and signed headers,
//! and Bedrock's answer as it is.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{header, HeaderName, HeaderValue, Method, Request, Response};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use quarry_bedrock::endpoint::{self, Service};
use quarry_bedrock::error::parse_http_error;
use quarry_bedrock::sign::{sign_v4, ToSign, BEDROCK_SERVICE};

use crate::error::{GatewayError, Kind};
use crate::state::{RouteRuntime, State};
use crate::upstream;

/// Largest error body read from Bedrock; error messages are small.
pub const MAX_ERROR_BODY: usize = 64 * 1024;
/// Largest successful non-streaming body read from Bedrock.
pub const MAX_RESPONSE_BODY: usize = 64 * 1024 * 1024;

static USER_AGENT: &str = concat!("quarry/", env!("CARGO_PKG_VERSION"));

/// One bedrock-runtime call on `/model/{model}/{operation}`.
pub struct ModelCall<'a> {
    pub model: &'a str,
    pub operation: &'a str,
    pub body: Bytes,
}

/// One signed call to any of the three Bedrock services.
pub struct Target<'a> {
    pub service: Service,
    pub method: Method,
    /// Path and query as they go on the wire: every label percent-encoded once, the query
    /// RFC 3986-encoded. The signer encodes the path again for the canonical request.
    pub path_and_query: &'a str,
    /// Headers sent and signed besides `host`, `x-amz-date` and the session token; names in
    /// lower case, each at most once.
    pub headers_to_sign: &'a [(&'a str, &'a str)],
    /// Sent and signed byte for byte.
    pub body: Bytes,
    /// The region of an ARN in the path, already validated with `endpoint::arn_region`.
    pub arn_region: Option<&'a str>,
}

/// Signs and sends `call`; returns the response head when Bedrock answered 2xx.
pub async fn call_model(
    state: &State,
    route: &RouteRuntime,
    call: ModelCall<'_>,
) -> Result<Response<Incoming>, GatewayError> {
    let path = endpoint::model_path(call.model, call.operation).map_err(|e| {
        GatewayError::bad_request(
            format!("model '{}' is not usable: {e}", call.model.escape_debug()),
            Some("model".into()),
        )
    })?;
    let arn_region = endpoint::arn_region(call.model).map_err(|e| {
        GatewayError::bad_request(
            format!("model '{}' is not usable: {e}", call.model.escape_debug()),
            Some("model".into()),
        )
    })?;
    let response = send_signed(
        state,
        route,
        Target {
            service: Service::Runtime,
            method: Method::POST,
            path_and_query: &path,
            headers_to_sign: &[("content-type", "application/json")],
            body: call.body,
            arn_region,
        },
    )
    .await?;
    if response.status().is_success() {
        return Ok(response);
    }
    Err(read_error(response, route.read_timeout).await)
}

/// Signs `target` with the route's credentials and sends it through the pooled client.
/// Returns Bedrock's response whatever its status: callers decide what an error becomes.
pub async fn send_signed(
    state: &State,
    route: &RouteRuntime,
    target: Target<'_>,
) -> Result<Response<Incoming>, GatewayError> {
    let credentials = route.credentials.credentials.as_ref().ok_or_else(|| {
        GatewayError::new(
            Kind::UpstreamConfig,
            format!(
                "route '{}' has no AWS credentials: set config.auth.aws_access_key_id and \
                 aws_secret_access_key, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
                route.name
            ),
        )
    })?;
    let no_region = || {
        GatewayError::new(
            Kind::UpstreamConfig,
            format!(
                "route '{}' has no AWS region: set config.model.options.bedrock.aws_region or AWS_REGION",
                route.name
            ),
        )
    };
    let (base_url, custom_endpoint) = route.endpoint(target.service);
    // An ARN from another region is served by that region's endpoint and signed for it —
    // unless the route talks to a custom endpoint, which verifies its own region.
    let (base, region) = match target.arn_region {
        Some(r) if !custom_endpoint && route.region.as_deref() != Some(r) => (
            endpoint::base_url(target.service, r, None, &|_| None),
            r.to_owned(),
        ),
        _ => (
            base_url.ok_or_else(no_region)?.to_owned(),
            route.region.clone().ok_or_else(no_region)?,
        ),
    };
    let url = format!("{base}{}", target.path_and_query);
    let authority = endpoint::authority(&url)
        .ok_or_else(|| {
            GatewayError::new(
                Kind::UpstreamConfig,
                format!("invalid Bedrock endpoint URL for route '{}'", route.name),
            )
        })?
        .to_owned();

    let signature = sign_v4(
        &ToSign {
            method: target.method.as_str(),
            url: &url,
            headers: target.headers_to_sign,
            body: &target.body,
        },
        credentials,
        &region,
        BEDROCK_SERVICE,
        SystemTime::now(),
    )
    .map_err(|e| GatewayError::new(Kind::Internal, e.to_string()))?;

    let mut request = Request::builder()
        .method(target.method)
        .uri(&url)
        .header(header::HOST, authority)
        .header(header::USER_AGENT, USER_AGENT)
        .header("x-amz-date", signature.x_amz_date)
        .body(Full::new(target.body))
        .map_err(|e| {
            GatewayError::new(
                Kind::Internal,
                format!("could not build the upstream request: {e}"),
            )
        })?;
    let headers = request.headers_mut();
    for (name, value) in target.headers_to_sign {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| GatewayError::new(Kind::Internal, "a signed header name is invalid"))?;
        let value = HeaderValue::from_str(value).map_err(|_| {
            GatewayError::bad_request(format!("header '{name}' has an invalid value"), None)
        })?;
        headers.insert(name, value);
    }
    headers.insert(
        header::AUTHORIZATION,
        HeaderValue::from_str(&signature.authorization)
            .map_err(|_| GatewayError::new(Kind::Internal, "signature is not a valid header"))?,
    );
    if let Some(token) = signature.security_token {
        let mut value = HeaderValue::from_str(&token).map_err(|_| {
            GatewayError::new(Kind::Internal, "session token is not a valid header")
        })?;
        value.set_sensitive(true);
        headers.insert("x-amz-security-token", value);
    }

    let client = &state.clients[route.client];
    upstream::send(client, request, route.read_timeout).await
}

/// Bedrock's non-2xx answer as a [`GatewayError`] with its status and exception name.
pub async fn read_error(response: Response<Incoming>, timeout: Duration) -> GatewayError {
    let status = response.status().as_u16();
    let header_str = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let error_type = header_str("x-amzn-errortype");
    let error_message = header_str("x-amzn-errormessage");
    let body = read_body(response.into_body(), MAX_ERROR_BODY, timeout)
        .await
        .unwrap_or_default();
    GatewayError::upstream(parse_http_error(
        status,
        error_type.as_deref(),
        error_message.as_deref(),
        &body,
    ))
}

/// Reads a whole upstream body with a size cap and a deadline.
pub async fn read_body(
    body: Incoming,
    limit: usize,
    timeout: Duration,
) -> Result<Bytes, GatewayError> {
    match tokio::time::timeout(timeout, Limited::new(body, limit).collect()).await {
        Err(_) => Err(GatewayError::new(
            Kind::Timeout,
            format!(
                "Bedrock did not finish its answer within {} ms",
                timeout.as_millis()
            ),
        )),
        Ok(Err(e)) => Err(GatewayError::new(
            Kind::BadUpstreamResponse,
            format!("reading Bedrock's answer failed: {e}"),
        )),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
    }
}
