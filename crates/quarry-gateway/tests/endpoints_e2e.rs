#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Where calls go and how they are signed: AWS_ENDPOINT_URL*, ARN regions, crafted ARNs.

mod common;

use bedrock_emulator::{AuthOutcome, EmulatorConfig};
use common::{chat_config, Harness};
use serde_json::json;

fn chat(model: &str) -> String {
    json!({"model": model, "messages": [{"role": "user", "content": "hi"}]}).to_string()
}

fn without_upstream_url() -> String {
    chat_config("").replace("                  upstream_url: \"{UPSTREAM}\"\n", "")
}

fn scope_of(h: &Harness) -> String {
    let call = h.upstream().pop().unwrap();
    let auth = call.header("authorization").unwrap().to_owned();
    auth.split("Credential=")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn aws_endpoint_url_for_the_runtime_is_honoured() {
    let h = Harness::start_full(
        &without_upstream_url(),
        EmulatorConfig::default(),
        &[
            ("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "{UPSTREAM}"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:9"),
        ],
    )
    .await;
    let (status, _, body) = h
        .post("/v1/chat/completions", &chat("amazon.nova-lite-v1:0"))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(h.upstream().len(), 1);
    assert!(scope_of(&h).ends_with("/us-east-1/bedrock/aws4_request"));
}

#[tokio::test]
async fn the_generic_aws_endpoint_url_is_the_fallback() {
    let h = Harness::start_full(
        &without_upstream_url(),
        EmulatorConfig::default(),
        &[("AWS_ENDPOINT_URL", "{UPSTREAM}")],
    )
    .await;
    let (status, _, body) = h
        .post("/v1/chat/completions", &chat("amazon.nova-lite-v1:0"))
        .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn an_arn_from_another_region_on_a_custom_endpoint_is_signed_for_the_endpoint() {
    let h = Harness::start(&chat_config("")).await;
    let model = "arn:aws:bedrock:eu-west-3:123456789012:inference-profile/eu.anthropic.claude-3-haiku-20240307-v1:0";
    let (status, _, body) = h.post("/v1/chat/completions", &chat(model)).await;
    assert_eq!(status, 200, "{body}");
    let call = h.upstream().pop().unwrap();
    assert_eq!(call.auth, AuthOutcome::SigV4Valid);
    assert_eq!(call.model_id.as_deref(), Some(model));
    // upstream_url points at one endpoint in the route's region: sign for that region.
    assert!(
        scope_of(&h).ends_with("/us-east-1/bedrock/aws4_request"),
        "{}",
        scope_of(&h)
    );
}

#[tokio::test]
async fn crafted_arns_cannot_redirect_the_call() {
    let h = Harness::start(&without_upstream_url()).await;
    for model in [
        "arn:aws:bedrock:x@127.0.0.1/:123456789012:foundation-model/y",
        "arn:aws:bedrock:evil.example.com#:1:foundation-model/y",
        "arn:aws:s3:::bucket",
        "..",
    ] {
        let (status, _, body) = h.post("/v1/chat/completions", &chat(model)).await;
        assert_eq!(status, 400, "{model}: {body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["error"]["param"], "model", "{model}");
    }
    assert!(h.upstream().is_empty());
}

#[tokio::test]
async fn no_region_anywhere_is_a_clear_502() {
    let config = without_upstream_url().replace(
        "                  bedrock:\n                    aws_region: us-east-1\n",
        "",
    );
    let h = Harness::start(&config).await;
    let (status, _, body) = h
        .post("/v1/chat/completions", &chat("amazon.nova-lite-v1:0"))
        .await;
    assert_eq!(status, 502, "{body}");
    assert!(body.contains("has no AWS region"), "{body}");
}
