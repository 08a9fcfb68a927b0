#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Image URLs: data URLs always; http(s) URLs fetched only where the route allows it, with the
//! SSRF guard on by default.

mod common;

use base64::Engine;
use common::{chat_config, Harness};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

/// Serves `body` with `content_type` to every connection; returns the base URL.
async fn image_server(body: &'static [u8], content_type: &'static str) -> String {
    image_server_counting(body, content_type).await.0
}

/// Like `image_server`, with a count of the connections it accepted.
async fn image_server_counting(
    body: &'static [u8],
    content_type: &'static str,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = hits.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(body).await;
            });
        }
    });
    (format!("http://{addr}"), hits)
}

fn image_request(url: &str) -> String {
    json!({"model": "anthropic.claude-3-haiku-20240307-v1:0", "messages": [{"role": "user", "content": [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": url}}
    ]}]})
    .to_string()
}

fn fetch_config(extra: &str) -> String {
    chat_config(&format!(
        "              quarry:\n                fetch_image_urls: true\n{extra}"
    ))
}

#[tokio::test]
async fn data_urls_become_image_blocks() {
    let h = Harness::start(&chat_config("")).await;
    let b64 = base64::engine::general_purpose::STANDARD.encode(PNG);
    let (status, _, body) = h
        .post(
            "/v1/chat/completions",
            &image_request(&format!("data:image/png;base64,{b64}")),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let sent = h.last_upstream_json();
    assert_eq!(
        sent["messages"][0]["content"][1],
        json!({"image": {"format": "png", "source": {"bytes": b64}}})
    );
}

#[tokio::test]
async fn remote_urls_are_refused_unless_the_route_fetches_them() {
    let h = Harness::start(&chat_config("")).await;
    let url = image_server(PNG, "image/png").await;
    let (status, _, body) = h
        .post(
            "/v1/chat/completions",
            &image_request(&format!("{url}/cat.png")),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["error"]["param"], "messages[0].content[1]");
    assert!(h.upstream().is_empty());
}

#[tokio::test]
async fn a_fetching_route_sends_the_bytes_to_bedrock() {
    let h = Harness::start(&fetch_config(
        "                fetch_allow_private_networks: true\n",
    ))
    .await;
    let url = image_server(PNG, "image/png").await;
    let (status, _, body) = h
        .post(
            "/v1/chat/completions",
            &image_request(&format!("{url}/cat.png")),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let sent = h.last_upstream_json();
    let b64 = base64::engine::general_purpose::STANDARD.encode(PNG);
    assert_eq!(
        sent["messages"][0]["content"][1],
        json!({"image": {"format": "png", "source": {"bytes": b64}}})
    );
}

#[tokio::test]
async fn a_host_name_that_resolves_to_a_private_address_is_never_connected_to() {
    let h = Harness::start(&fetch_config("")).await;
    let (url, hits) = image_server_counting(PNG, "image/png").await;
    let port = url.rsplit(':').next().unwrap();
    // `localhost` passes the literal-IP check; only the resolver guard can stop it.
    let target = format!("http://localhost:{port}/cat.png");
    let (status, _, body) = h
        .post("/v1/chat/completions", &image_request(&target))
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body.contains("resolves only to non-public addresses"),
        "{body}"
    );
    assert_eq!(
        hits.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "the server was never contacted"
    );
}

#[tokio::test]
async fn the_ssrf_guard_refuses_private_addresses_by_default() {
    let h = Harness::start(&fetch_config("")).await;
    let url = image_server(PNG, "image/png").await; // 127.0.0.1
    for target in [
        format!("{url}/cat.png"),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://localhost:9/x.png".to_owned(),
    ] {
        let (status, _, body) = h
            .post("/v1/chat/completions", &image_request(&target))
            .await;
        assert_eq!(status, 400, "{target}: {body}");
        assert!(
            body.contains("could not fetch the image at messages[0].content[1]"),
            "{body}"
        );
    }
    assert!(h.upstream().is_empty());
}

#[tokio::test]
async fn non_images_and_oversized_images_are_refused() {
    let h = Harness::start(&fetch_config(
        "                fetch_allow_private_networks: true\n                fetch_max_bytes: 32\n",
    ))
    .await;
    let html = image_server(b"<html>hello</html>", "text/html").await;
    let (status, _, body) = h
        .post("/v1/chat/completions", &image_request(&format!("{html}/")))
        .await;
    assert_eq!(status, 400);
    assert!(
        body.contains("not a PNG, JPEG, GIF or WebP image"),
        "{body}"
    );
    let png = image_server(PNG, "image/png").await;
    let (status, _, body) = h
        .post(
            "/v1/chat/completions",
            &image_request(&format!("{png}/big.png")),
        )
        .await;
    assert_eq!(status, 400);
    assert!(body.contains("larger than fetch_max_bytes"), "{body}");
}
