//! Fetching `http(s)` image URLs of chat requests, for routes that allow it
//! (`config.quarry.fetch_image_urls`). Bedrock takes image bytes only, so the gateway downloads
//! the image and hands the translator a `data:` URL.
//!
//! A URL chosen by the client is a server-side request, so the fetch is bounded (size, time,
//! at most [`MAX_IMAGES`] per request), follows no redirects, accepts only the image types
//! Bedrock reads, and — unless the route opts out — refuses hosts that resolve to loopback,
//! private, link-local or otherwise non-public addresses (checked on the addresses actually
//! connected to, so DNS tricks do not get around it).

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Limited};
use hyper_util::client::legacy::connect::dns::{GaiResolver, Name};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use quarry_config::QuarryExtensions;
use quarry_openai::chat::{ChatRequest, Content, ContentPart};

use crate::error::GatewayError;

/// Bedrock's limit of images per Converse request.
pub const MAX_IMAGES: usize = 20;
/// Fetches running at once across the whole gateway; more wait their turn.
pub const MAX_CONCURRENT_FETCHES: usize = 32;
/// Fetched bytes one request may hold in total (each image is also limited by fetch_max_bytes).
pub const MAX_BYTES_PER_REQUEST: u64 = 32 * 1024 * 1024;

type FetchClient<R> = Client<hyper_rustls::HttpsConnector<HttpConnector<R>>, Empty<Bytes>>;

/// Two pooled clients: one that connects only to public addresses, one unrestricted.
pub struct ImageFetcher {
    public_only: FetchClient<PublicOnly>,
    any: FetchClient<GaiResolver>,
    permits: tokio::sync::Semaphore,
}

impl ImageFetcher {
    pub fn new() -> Self {
        Self {
            public_only: client(PublicOnly(GaiResolver::new())),
            any: client(GaiResolver::new()),
            permits: tokio::sync::Semaphore::new(MAX_CONCURRENT_FETCHES),
        }
    }

    /// Replaces every `http(s)` image URL in `request` by a `data:` URL of the fetched bytes.
    pub async fn inline_images(
        &self,
        request: &mut ChatRequest,
        limits: &QuarryExtensions,
    ) -> Result<(), GatewayError> {
        let mut targets: Vec<(String, &mut String)> = Vec::new();
        for (i, message) in request.messages.iter_mut().enumerate() {
            let Some(Content::Parts(parts)) = message.content.as_mut() else {
                continue;
            };
            for (j, part) in parts.iter_mut().enumerate() {
                if let ContentPart::ImageUrl { image_url, .. } = part {
                    let url = &mut image_url.url;
                    if url.starts_with("http://") || url.starts_with("https://") {
                        targets.push((format!("messages[{i}].content[{j}]"), url));
                    }
                }
            }
        }
        if targets.len() > MAX_IMAGES {
            return Err(GatewayError::bad_request(
                format!("at most {MAX_IMAGES} image URLs can be fetched per request"),
                Some("messages".into()),
            ));
        }
        let fetches = targets
            .iter()
            .map(|(param, url)| self.fetch(param, url, limits));
        let results = futures_util::future::join_all(fetches).await;
        let mut total: u64 = 0;
        for ((_, url), result) in targets.into_iter().zip(results) {
            let data_url = result?;
            total += data_url.len() as u64;
            // Data URLs are base64: 4 bytes for every 3 fetched.
            if total > MAX_BYTES_PER_REQUEST / 3 * 4 {
                return Err(GatewayError::bad_request(
                    format!("the fetched images add up to more than {MAX_BYTES_PER_REQUEST} bytes"),
                    Some("messages".into()),
                ));
            }
            *url = data_url;
        }
        Ok(())
    }

    async fn fetch(
        &self,
        param: &str,
        url: &str,
        limits: &QuarryExtensions,
    ) -> Result<String, GatewayError> {
        let fail = |why: String| {
            GatewayError::bad_request(
                format!("could not fetch the image at {param}: {why}"),
                Some(param.to_owned()),
            )
        };
        let uri: http::Uri = url.parse().map_err(|_| fail("not a valid URL".into()))?;
        let host = uri
            .host()
            .unwrap_or_default()
            .trim_start_matches('[')
            .trim_end_matches(']');
        if !limits.fetch_allow_private_networks {
            if let Ok(ip) = host.parse::<IpAddr>() {
                if !is_public(ip) {
                    return Err(fail("its address is not a public one".into()));
                }
            }
        }
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| fail("the gateway is shutting down".into()))?;
        let timeout = Duration::from_millis(limits.fetch_timeout_ms);
        let max = usize::try_from(limits.fetch_max_bytes).unwrap_or(usize::MAX);
        let request = http::Request::get(uri)
            .header(
                http::header::ACCEPT,
                "image/png, image/jpeg, image/gif, image/webp",
            )
            .header(
                http::header::USER_AGENT,
                concat!("quarry/", env!("CARGO_PKG_VERSION")),
            )
            .body(Empty::new())
            .map_err(|e| fail(e.to_string()))?;
        let work = async {
            let response = if limits.fetch_allow_private_networks {
                self.any.request(request).await
            } else {
                self.public_only.request(request).await
            }
            .map_err(|e| fail(root_cause(&e)))?;
            let status = response.status();
            if status.is_redirection() {
                return Err(fail(format!(
                    "the server answered {status}; redirects are not followed"
                )));
            }
            if !status.is_success() {
                return Err(fail(format!("the server answered {status}")));
            }
            let declared = response
                .headers()
                .get(http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(|v| {
                    v.split(';')
                        .next()
                        .unwrap_or_default()
                        .trim()
                        .to_ascii_lowercase()
                });
            let bytes = Limited::new(response.into_body(), max)
                .collect()
                .await
                .map_err(|e| {
                    if e.is::<http_body_util::LengthLimitError>() {
                        fail(format!(
                            "the image is larger than fetch_max_bytes ({max} bytes)"
                        ))
                    } else {
                        fail(e.to_string())
                    }
                })?
                .to_bytes();
            let format = sniff(&bytes).ok_or_else(|| {
                fail(format!(
                    "the content ({}) is not a PNG, JPEG, GIF or WebP image",
                    declared.as_deref().unwrap_or("no content type")
                ))
            })?;
            Ok(format!(
                "data:image/{format};base64,{}",
                base64::engine::general_purpose::STANDARD.encode(&bytes)
            ))
        };
        tokio::time::timeout(timeout, work).await.map_err(|_| {
            fail(format!(
                "no complete answer within {} ms",
                timeout.as_millis()
            ))
        })?
    }
}

impl Default for ImageFetcher {
    fn default() -> Self {
        Self::new()
    }
}

fn client<R>(resolver: R) -> FetchClient<R>
where
    R: tower_service::Service<Name> + Clone + Send + Sync + 'static,
    R::Response: Iterator<Item = SocketAddr>,
    R::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    R::Future: Send,
{
    let mut http = HttpConnector::new_with_resolver(resolver);
    http.enforce_http(false);
    http.set_connect_timeout(Some(Duration::from_secs(5)));
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
        .unwrap_or_else(|_| hyper_rustls::HttpsConnectorBuilder::new().with_webpki_roots())
        .https_or_http()
        .enable_http1()
        .wrap_connector(http);
    // No idle connections kept to hosts the clients chose.
    Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(0)
        .build(https)
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    cause
}

/// The image format from its first bytes.
fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("gif")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("webp")
    } else {
        None
    }
}

/// Whether an address is on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || o[0] == 0
                || (o[0] == 100 && (o[1] & 0xc0) == 64) // 100.64.0.0/10, carrier-grade NAT
                || (o[0] == 192 && o[1] == 0 && o[2] == 0) // 192.0.0.0/24
                || (o[0] == 198 && (o[1] & 0xfe) == 18) // 198.18.0.0/15
                || o[0] >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            // Addresses that embed an IPv4 address: judge the embedded one.
            let embedded = |hi: u16, lo: u16| {
                IpAddr::V4(std::net::Ipv4Addr::new(
                    (hi >> 8) as u8,
                    hi as u8,
                    (lo >> 8) as u8,
                    lo as u8,
                ))
            };
            if s[..6] == [0; 6] {
                return is_public(embedded(s[6], s[7])); // IPv4-compatible ::a.b.c.d
            }
            if s[0] == 0x2002 {
                return is_public(embedded(s[1], s[2])); // 6to4
            }
            if s[0] == 0x2001 && s[1] == 0 {
                return false; // Teredo
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local
                || (s[0] & 0xffc0) == 0xfe80 // link-local
                || (s[0] & 0xffc0) == 0xfec0 // site-local
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || (s[0] == 0x0064 && s[1] == 0xff9b)) // NAT64 (also 64:ff9b:1::/48): may reach private v4
        }
    }
}

/// A resolver that only hands out public addresses.
#[derive(Clone)]
pub struct PublicOnly(GaiResolver);

impl tower_service::Service<Name> for PublicOnly {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = std::io::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let resolving = self.0.call(name);
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = resolving.await?.filter(|a| is_public(a.ip())).collect();
            if addrs.is_empty() {
                Err(std::io::Error::new(
                    std::io::ErrorKind::PermissionDenied,
                    "the host resolves only to non-public addresses",
                ))
            } else {
                Ok(addrs.into_iter())
            }
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn private_and_special_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "255.255.255.255",
            "::1",
            "fe80::1",
            "fd00:ec2::254",
            "::ffff:127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "::a9fe:a9fe",
            "2002:a9fe:a9fe::1",
            "2001:0:4136:e378::1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["8.8.8.8", "52.94.133.131", "2600:1f18::1"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn formats_are_sniffed_from_the_bytes() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some("png"));
        assert_eq!(sniff(&[0xff, 0xd8, 0xff, 0xe0]), Some("jpeg"));
        assert_eq!(sniff(b"GIF89a..."), Some("gif"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some("webp"));
        assert_eq!(sniff(b"<html>"), None);
    }
}
