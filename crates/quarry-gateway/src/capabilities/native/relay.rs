//! Forwarding a native request: which client headers go upstream (and are signed), the signed
//! call through [`crate::bedrock::send_signed`], and which of Bedrock's response headers come
//! back.
//!
//! Everything the client sent that is not listed here stays behind: its `Authorization` (a
//! consumer key or the client's own SigV4 signature), `X-Amz-*` (date, token, content hash),
//! `Host`, hop-by-hop and forwarding headers (`Connection`, `X-Forwarded-*`, …), SDK telemetry.
//! Signing only headers Quarry chose keeps a proxy in between from breaking the signature.

use bytes::Bytes;
use http::{HeaderMap, Response};
use hyper::body::Incoming;

use super::paths::NativeCall;
use crate::bedrock::{self, Target};
use crate::error::GatewayError;
use crate::state::{RouteRuntime, State};

/// Whether a client request header is forwarded and signed: `content-type`, `accept` and every
/// `x-amzn-bedrock-*` (accept, trace, guardrail, performance config, service tier, request
/// metadata, project identifier — the operation parameters AWS puts in headers).
fn forwards(name: &str) -> bool {
    name == "content-type" || name == "accept" || name.starts_with("x-amzn-bedrock-")
}

/// The client headers to forward, lower-case names in arrival order. A forwarded header given
/// twice is refused: joined values would be signed as one value the client never meant.
pub fn forwarded_headers(headers: &HeaderMap) -> Result<Vec<(String, String)>, GatewayError> {
    let mut out: Vec<(String, String)> = Vec::new();
    for name in headers.keys() {
        let name = name.as_str();
        if !forwards(name) {
            continue;
        }
        let mut values = headers.get_all(name).iter();
        let (Some(value), None) = (values.next(), values.next()) else {
            return Err(GatewayError::bad_request(
                format!("header '{name}' is given more than once"),
                None,
            ));
        };
        let value = value.to_str().map_err(|_| {
            GatewayError::bad_request(
                format!("header '{name}' has a value that is not visible ASCII"),
                None,
            )
        })?;
        out.push((name.to_owned(), value.to_owned()));
    }
    Ok(out)
}

/// Signs `call` with the route's credentials and sends it with `headers` and `body`.
pub async fn send(
    state: &State,
    route: &RouteRuntime,
    call: &NativeCall,
    headers: &[(String, String)],
    body: Bytes,
) -> Result<Response<Incoming>, GatewayError> {
    let headers_to_sign: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    bedrock::send_signed(
        state,
        route,
        Target {
            service: call.operation.service(),
            method: call.operation.method(),
            path_and_query: &call.path_and_query,
            headers_to_sign: &headers_to_sign,
            body,
            arn_region: call.arn_region.as_deref(),
        },
    )
    .await
}

/// Whether Bedrock's response header `name` (lower case) reaches the client: the content type,
/// the request ID and error headers AWS SDKs read, and every `x-amzn-bedrock-*` (token counts,
/// latency, the stream's content type, performance config, service tier, the knowledge-base
/// session ID). Hop-by-hop and length headers are the server's to set.
fn relays(name: &str) -> bool {
    matches!(
        name,
        "content-type" | "x-amzn-requestid" | "x-amzn-errortype" | "x-amzn-errormessage"
    ) || name.starts_with("x-amzn-bedrock-")
}

/// Copies the relayed response headers of `from` into `to`.
pub fn relay_response_headers(from: &HeaderMap, to: &mut HeaderMap) {
    for (name, value) in from {
        if relays(name.as_str()) {
            to.append(name.clone(), value.clone());
        }
    }
}

/// Whether a response body is an AWS event stream, relayed frame by frame.
pub fn is_event_stream(headers: &HeaderMap) -> bool {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/vnd.amazon.eventstream")
        })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use http::HeaderValue;

    fn map(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (n, v) in pairs {
            h.append(
                http::HeaderName::from_bytes(n.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    #[test]
    fn only_content_type_accept_and_bedrock_parameters_are_forwarded() {
        let h = map(&[
            ("Authorization", "Bearer consumer-key"),
            ("X-Amz-Date", "20250101T000000Z"),
            ("X-Amz-Security-Token", "tok"),
            ("X-Amz-Content-Sha256", "abc"),
            ("Host", "quarry.local"),
            ("Connection", "keep-alive"),
            ("X-Forwarded-For", "10.0.0.1"),
            ("X-Real-IP", "10.0.0.1"),
            ("amz-sdk-invocation-id", "x"),
            ("User-Agent", "aws-sdk-rust"),
            ("apikey", "consumer-key"),
            ("Content-Type", "application/json"),
            ("Accept", "application/json"),
            ("X-Amzn-Bedrock-Trace", "ENABLED"),
            ("X-Amzn-Bedrock-GuardrailIdentifier", "gr1"),
            ("X-Amzn-Bedrock-GuardrailVersion", "1"),
            ("X-Amzn-Bedrock-PerformanceConfig-Latency", "optimized"),
            ("X-Amzn-Bedrock-Service-Tier", "priority"),
            ("X-Amzn-Bedrock-Request-Metadata", "{\"team\":\"a\"}"),
            ("X-Amzn-Bedrock-ProjectIdentifier", "proj"),
            ("X-Amzn-Bedrock-Accept", "*/*"),
        ]);
        let names: Vec<String> = forwarded_headers(&h)
            .unwrap()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(
            names,
            [
                "content-type",
                "accept",
                "x-amzn-bedrock-trace",
                "x-amzn-bedrock-guardrailidentifier",
                "x-amzn-bedrock-guardrailversion",
                "x-amzn-bedrock-performanceconfig-latency",
                "x-amzn-bedrock-service-tier",
                "x-amzn-bedrock-request-metadata",
                "x-amzn-bedrock-projectidentifier",
                "x-amzn-bedrock-accept",
            ]
        );
    }

    #[test]
    fn a_forwarded_header_given_twice_is_refused() {
        let h = map(&[
            ("Content-Type", "application/json"),
            ("Content-Type", "application/json"),
        ]);
        let e = forwarded_headers(&h).unwrap_err();
        assert_eq!(e.status(), 400);
        assert!(e.message.contains("content-type"));
        // Duplicates of headers that are dropped anyway do not matter.
        let h = map(&[("X-Forwarded-For", "a"), ("X-Forwarded-For", "b")]);
        assert!(forwarded_headers(&h).unwrap().is_empty());
    }

    #[test]
    fn response_headers_keep_what_sdks_read_and_drop_the_rest() {
        let from = map(&[
            ("Content-Type", "application/vnd.amazon.eventstream"),
            ("x-amzn-RequestId", "req-1"),
            ("x-amzn-ErrorType", "ThrottlingException"),
            ("X-Amzn-Bedrock-Content-Type", "application/json"),
            ("X-Amzn-Bedrock-Input-Token-Count", "3"),
            ("x-amzn-bedrock-knowledge-base-session-id", "s-1"),
            ("Connection", "close"),
            ("Transfer-Encoding", "chunked"),
            ("Content-Length", "10"),
            ("Set-Cookie", "a=b"),
        ]);
        let mut to = HeaderMap::new();
        relay_response_headers(&from, &mut to);
        let mut names: Vec<&str> = to.keys().map(|k| k.as_str()).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "content-type",
                "x-amzn-bedrock-content-type",
                "x-amzn-bedrock-input-token-count",
                "x-amzn-bedrock-knowledge-base-session-id",
                "x-amzn-errortype",
                "x-amzn-requestid",
            ]
        );
        assert!(is_event_stream(&from));
        assert!(!is_event_stream(&map(&[(
            "Content-Type",
            "application/json"
        )])));
    }
}
