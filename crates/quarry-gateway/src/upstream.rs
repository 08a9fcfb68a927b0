//! The one pooled upstream HTTP client (hyper + rustls) and how transport failures classify.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;

use crate::error::{GatewayError, Kind};

/// Largest per-connection read buffer, upstream and downstream.
pub const MAX_BUF: usize = 32 * 1024;

pub type UpstreamClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// Builds the pooled client: HTTP/1.1 over rustls (ring, webpki roots), plain HTTP for local
/// endpoints, keep-alive pooling, `connect_timeout` applied per connection attempt.
///
/// The crypto provider is named explicitly: when another crate in the build enables rustls'
/// aws-lc-rs feature too, rustls cannot pick a process default and would panic.
pub fn build_client(connect_timeout: Duration) -> UpstreamClient {
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_nodelay(true);
    http.set_connect_timeout(Some(connect_timeout));
    http.set_keepalive(Some(Duration::from_secs(60)));
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
        .unwrap_or_else(|_| {
            // Only fails when the provider supports no TLS version, which ring always does.
            hyper_rustls::HttpsConnectorBuilder::new().with_webpki_roots()
        })
        .https_or_http()
        .enable_http1()
        .wrap_connector(http);
    Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(90))
        .pool_max_idle_per_host(1024)
        // Bedrock's frames and JSON answers are small; a modest read buffer keeps thousands of
        // open streams cheap (hyper grows a buffer up to ~400 KiB by default).
        .http1_max_buf_size(MAX_BUF)
        .build(https)
}

/// Sends `request`, waiting at most `timeout` for the response head.
pub async fn send(
    client: &UpstreamClient,
    request: http::Request<Full<Bytes>>,
    timeout: Duration,
) -> Result<http::Response<Incoming>, GatewayError> {
    match tokio::time::timeout(timeout, client.request(request)).await {
        Err(_) => Err(GatewayError::new(
            Kind::Timeout,
            format!(
                "Bedrock did not answer within {} ms (the service's read_timeout)",
                timeout.as_millis()
            ),
        )),
        Ok(Err(e)) => Err(classify_transport_error(&e)),
        Ok(Ok(response)) => Ok(response),
    }
}

fn classify_transport_error(e: &hyper_util::client::legacy::Error) -> GatewayError {
    // Walk the source chain for the root cause; messages carry no request data or secrets.
    let mut cause = String::new();
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    if cause.is_empty() {
        cause = e.to_string();
    }
    let timed_out = cause.to_ascii_lowercase().contains("timed out")
        || cause.to_ascii_lowercase().contains("timeout");
    if timed_out {
        GatewayError::new(
            Kind::Timeout,
            format!("timed out connecting to Bedrock: {cause}"),
        )
    } else if e.is_connect() {
        GatewayError::new(
            Kind::Unreachable,
            format!("could not connect to Bedrock: {cause}"),
        )
    } else {
        GatewayError::new(
            Kind::Unreachable,
            format!("the connection to Bedrock failed: {cause}"),
        )
    }
}
