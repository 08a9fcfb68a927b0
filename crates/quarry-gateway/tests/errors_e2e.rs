#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Bad input and upstream failures: each gets a clear OpenAI error with an honest status, and
//! never a panic, a hang or a leaked secret.

mod common;

use async_openai::error::OpenAIError;
use async_openai::types::chat::{
    ChatCompletionRequestUserMessageArgs, CreateChatCompletionRequestArgs,
};
use common::{chat_config, sse_data, Harness};
use futures_util::StreamExt;
use serde_json::{json, Value};

const MODEL: &str = "anthropic.claude-3-haiku-20240307-v1:0";

fn chat_body(model: &str, stream: bool) -> String {
    json!({"model": model, "stream": stream, "messages": [{"role": "user", "content": "hello"}]})
        .to_string()
}

fn error_of(body: &str) -> Value {
    let v: Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("not JSON: {body}"));
    v["error"].clone()
}

#[tokio::test]
async fn bedrock_errors_keep_their_status_and_name() {
    let h = Harness::start(&chat_config("")).await;
    for (model, status, kind, code) in [
        (
            "quarry.fault-throttle",
            429,
            "rate_limit_error",
            "throttling",
        ),
        (
            "quarry.fault-unavailable",
            503,
            "api_error",
            "service_unavailable",
        ),
        (
            "quarry.fault-not-found",
            404,
            "not_found_error",
            "resource_not_found",
        ),
        (
            "quarry.fault-access-denied",
            403,
            "authentication_error",
            "access_denied",
        ),
        (
            "quarry.fault-model-timeout",
            408,
            "timeout_error",
            "model_timeout",
        ),
        (
            "quarry.fault-empty-error",
            500,
            "api_error",
            "internal_server",
        ),
    ] {
        let (got, _, body) = h
            .post("/v1/chat/completions", &chat_body(model, false))
            .await;
        assert_eq!(got, status, "{model}: {body}");
        let e = error_of(&body);
        assert_eq!(e["type"], kind, "{model}");
        assert_eq!(e["code"], code, "{model}");
        assert!(!e["message"].as_str().unwrap().is_empty(), "{model}");
    }
    let (_, _, body) = h
        .post(
            "/v1/chat/completions",
            &chat_body("quarry.fault-throttle", false),
        )
        .await;
    assert_eq!(
        error_of(&body)["message"],
        "Too many requests, please wait before trying again."
    );
}

#[tokio::test]
async fn the_openai_sdk_raises_bedrock_errors_with_the_status() {
    let h = Harness::start(&chat_config("")).await;
    let req = CreateChatCompletionRequestArgs::default()
        .model("quarry.fault-throttle")
        .messages([ChatCompletionRequestUserMessageArgs::default()
            .content("hi")
            .build()
            .unwrap()
            .into()])
        .build()
        .unwrap();
    match h.openai().chat().create(req).await {
        Err(OpenAIError::ApiError(e)) => {
            assert_eq!(e.status_code.as_u16(), 429);
            assert_eq!(e.api_error.code.as_deref(), Some("throttling"));
        }
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn garbage_from_upstream_is_a_502() {
    let h = Harness::start(&chat_config("")).await;
    let (status, _, body) = h
        .post(
            "/v1/chat/completions",
            &chat_body("quarry.fault-garbage", false),
        )
        .await;
    assert_eq!(status, 502, "{body}");
    assert!(error_of(&body)["message"]
        .as_str()
        .unwrap()
        .contains("unreadable Converse response"));
}

#[tokio::test]
async fn an_unreachable_upstream_is_a_502() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let config = chat_config("").replace("{UPSTREAM}", &dead);
    let h = Harness::start(&config).await;
    let (status, _, body) = h
        .post("/v1/chat/completions", &chat_body(MODEL, false))
        .await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(error_of(&body)["code"], "upstream_unreachable");
}

#[tokio::test]
async fn a_slow_upstream_is_a_504() {
    let config = chat_config("").replace("read_timeout: 5000", "read_timeout: 200");
    let h = Harness::start(&config).await;
    let (status, _, body) = h
        .post(
            "/v1/chat/completions",
            &chat_body("quarry.fault-slow-3000", false),
        )
        .await;
    assert_eq!(status, 504, "{body}");
    assert_eq!(error_of(&body)["code"], "upstream_timeout");
}

async fn stream_error(h: &Harness, model: &str) -> (Vec<String>, Value) {
    let (status, _, body) = h
        .post("/v1/chat/completions", &chat_body(model, true))
        .await;
    assert_eq!(status, 200, "{model}: the stream had started");
    let data = sse_data(&body);
    assert!(
        !body.contains("[DONE]"),
        "{model}: an errored stream does not claim success: {body}"
    );
    let last: Value = serde_json::from_str(data.last().unwrap()).unwrap();
    (data, last["error"].clone())
}

#[tokio::test]
async fn mid_stream_exceptions_become_an_sse_error_event() {
    let h = Harness::start(&chat_config("")).await;
    let (data, e) = stream_error(&h, "quarry.fault-stream-error").await;
    assert!(
        data.len() >= 3,
        "content before the error is delivered: {data:?}"
    );
    assert_eq!(e["code"], "model_stream_error");
    assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()));

    let (_, e) = stream_error(&h, "quarry.fault-stream-throttle").await;
    assert_eq!(e["code"], "throttling");
    assert_eq!(e["type"], "rate_limit_error");

    let (_, e) = stream_error(&h, "quarry.fault-error-frame").await;
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("An internal error occurred"),
        "{e}"
    );
}

#[tokio::test]
async fn truncated_and_corrupt_streams_are_reported() {
    let h = Harness::start(&chat_config("")).await;
    let (_, e) = stream_error(&h, "quarry.fault-truncate").await;
    assert!(e["message"].as_str().unwrap().contains("truncated"), "{e}");
    let (_, e) = stream_error(&h, "quarry.fault-bad-crc").await;
    assert!(e["message"].as_str().unwrap().contains("corrupt"), "{e}");
    let lines = h.stats_lines(2).await;
    assert!(
        lines.iter().all(|l| l["error"] == "upstream_stream_error"),
        "{lines:?}"
    );
}

#[tokio::test]
async fn the_openai_sdk_sees_a_stream_error() {
    let h = Harness::start(&chat_config("")).await;
    let req = CreateChatCompletionRequestArgs::default()
        .model("quarry.fault-stream-error")
        .messages([ChatCompletionRequestUserMessageArgs::default()
            .content("hi")
            .build()
            .unwrap()
            .into()])
        .build()
        .unwrap();
    let mut stream = h.openai().chat().create_stream(req).await.unwrap();
    let mut saw_error = false;
    while let Some(item) = stream.next().await {
        if item.is_err() {
            saw_error = true;
        }
    }
    assert!(
        saw_error,
        "the client must not believe the stream succeeded"
    );
}

#[tokio::test]
async fn client_mistakes_are_400s_that_name_the_problem() {
    let h = Harness::start(&chat_config("")).await;
    let cases: Vec<(String, &str, Option<&str>)> = vec![
        ("{not json".into(), "not valid JSON", None),
        ("".into(), "empty", None),
        (json!({"model": MODEL, "temperature": "hot", "messages": [{"role": "user", "content": "x"}]}).to_string(), "temperature", Some("temperature")),
        (json!({"model": MODEL, "n": 2, "messages": [{"role": "user", "content": "x"}]}).to_string(), "n", Some("n")),
        (json!({"model": MODEL, "logprobs": true, "messages": [{"role": "user", "content": "x"}]}).to_string(), "logprobs", Some("logprobs")),
        (json!({"messages": [{"role": "user", "content": "x"}]}).to_string(), "model parameter not found", Some("model")),
        (json!({"model": MODEL, "messages": []}).to_string(), "at least one user message", Some("messages")),
    ];
    for (body, needle, param) in cases {
        let (status, _, response) = h.post("/v1/chat/completions", &body).await;
        assert_eq!(status, 400, "{body} -> {response}");
        let e = error_of(&response);
        assert_eq!(e["type"], "invalid_request_error");
        assert!(
            e["message"].as_str().unwrap().contains(needle),
            "{body} -> {response}"
        );
        if let Some(p) = param {
            assert_eq!(e["param"], p, "{body}");
        }
    }
    assert!(h.upstream().is_empty(), "nothing invalid reaches Bedrock");
}

#[tokio::test]
async fn oversized_bodies_are_413_and_unknown_paths_404() {
    let config = chat_config("              max_request_body_size: 200\n");
    let h = Harness::start(&config).await;
    let big = json!({"model": MODEL, "messages": [{"role": "user", "content": "x".repeat(500)}]})
        .to_string();
    let (status, _, body) = h.post("/v1/chat/completions", &big).await;
    assert_eq!(status, 413, "{body}");
    assert!(error_of(&body)["message"]
        .as_str()
        .unwrap()
        .contains("max_request_body_size"));
    let (status, _, body) = h.post("/nowhere", "{}").await;
    assert_eq!(status, 404);
    assert_eq!(
        error_of(&body)["message"],
        "no Route matched with those values"
    );
}

#[tokio::test]
async fn a_pinned_model_refuses_others_and_fills_in_when_absent() {
    let config = chat_config("").replacen(
        "                provider: bedrock\n",
        "                provider: bedrock\n                name: anthropic.claude-3-haiku-20240307-v1:0\n",
        1,
    );
    let h = Harness::start(&config).await;
    let (status, _, body) = h
        .post(
            "/v1/chat/completions",
            &chat_body("amazon.nova-pro-v1:0", false),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        error_of(&body)["message"],
        format!("cannot use own model - must be: {MODEL}")
    );
    let (status, headers, _) = h
        .post(
            "/v1/chat/completions",
            &json!({"messages": [{"role": "user", "content": "x"}]}).to_string(),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(headers["x-kong-llm-model"], format!("bedrock/{MODEL}"));
}

#[tokio::test]
async fn response_streaming_deny_and_always() {
    let h = Harness::start(&chat_config("              response_streaming: deny\n")).await;
    let (status, _, body) = h
        .post("/v1/chat/completions", &chat_body(MODEL, true))
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        error_of(&body)["message"],
        "response streaming is not enabled for this LLM"
    );

    let h = Harness::start(&chat_config("              response_streaming: always\n")).await;
    let (status, headers, body) = h
        .post("/v1/chat/completions", &chat_body(MODEL, false))
        .await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "text/event-stream");
    assert!(body.ends_with("data: [DONE]\n\n"));
}

#[tokio::test]
async fn a_wrong_secret_is_bedrocks_403_and_the_secret_never_leaks() {
    let config = chat_config("").replacen(
        bedrock_emulator::SECRET_ACCESS_KEY,
        "wrong/secret/value/that/must/not/leak00000",
        1,
    );
    let h = Harness::start(&config).await;
    let (status, _, body) = h
        .post("/v1/chat/completions", &chat_body(MODEL, false))
        .await;
    assert_eq!(status, 403, "{body}");
    let e = error_of(&body);
    assert_eq!(e["type"], "authentication_error");
    assert_eq!(e["code"], "invalid_signature");
    assert!(!body.contains("wrong/secret"));
    assert!(
        !body.contains("Signature="),
        "the signature never reaches the client"
    );
    let lines = h.stats_lines(1).await;
    assert_eq!(lines[0]["status"], 403);
    assert!(!lines[0].to_string().contains("wrong/secret"));
}

#[tokio::test]
async fn client_auth_and_forwarding_headers_never_reach_bedrock() {
    let h = Harness::start(&chat_config("")).await;
    let response = reqwest::Client::new()
        .post(format!("{}/v1/chat/completions", h.base_url()))
        .header("authorization", "Bearer sk-client-key")
        .header("x-forwarded-for", "10.0.0.1")
        .header("x-real-ip", "10.0.0.1")
        .header("connection", "keep-alive")
        .header("x-amz-security-token", "client-token")
        .header("content-type", "application/json")
        .body(chat_body(MODEL, false))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let call = &h.upstream()[0];
    for (name, value) in &call.headers {
        assert!(!value.contains("sk-client-key"), "{name}");
        assert!(!value.contains("client-token"), "{name}");
        assert!(name != "x-forwarded-for" && name != "x-real-ip", "{name}");
    }
    assert_eq!(call.auth, bedrock_emulator::AuthOutcome::SigV4Valid);
}

#[tokio::test]
async fn a_client_that_disconnects_cancels_the_upstream_stream() {
    let h = Harness::start(&chat_config("")).await;
    let response = reqwest::Client::new()
        .post(format!("{}/v1/chat/completions", h.base_url()))
        .body(chat_body("quarry.fault-slow-4000", true))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut body = response.bytes_stream();
    let first = body.next().await.unwrap().unwrap();
    assert!(
        first.starts_with(b"data: "),
        "the first chunk arrived before the upstream finished"
    );
    drop(body);
    // The emulator sees its stream dropped before the last frame.
    for _ in 0..300 {
        if h.emulator.stream_stats().aborted == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let stats = h.emulator.stream_stats();
    assert_eq!(
        (stats.started, stats.aborted, stats.completed),
        (1, 1, 0),
        "{stats:?}"
    );
    let lines = h.stats_lines(1).await;
    assert_eq!(lines[0]["error"], "client_disconnected");
}

#[tokio::test]
async fn a_stream_that_goes_silent_ends_with_a_timeout_error() {
    let config = chat_config("").replace("read_timeout: 5000", "read_timeout: 300");
    let h = Harness::start(&config).await;
    let (data, e) = stream_error(&h, "quarry.fault-slow-5000").await;
    assert!(!data.is_empty());
    assert_eq!(e["type"], "timeout_error");
    assert_eq!(e["code"], "upstream_timeout");
    assert!(e["message"].as_str().unwrap().contains("300 ms"));
}

#[tokio::test]
async fn a_client_that_gives_up_on_a_oneshot_call_is_logged_as_499() {
    let h = Harness::start(&chat_config("")).await;
    let result = reqwest::Client::new()
        .post(format!("{}/v1/chat/completions", h.base_url()))
        .timeout(std::time::Duration::from_millis(200))
        .body(chat_body("quarry.fault-slow-1500", false))
        .send()
        .await;
    assert!(result.is_err(), "the client timed out");
    let lines = h.stats_lines(1).await;
    assert_eq!(lines[0]["status"], 499);
    assert_eq!(lines[0]["error"], "client_disconnected");
    assert_eq!(
        lines[0]["ai"]["proxy"]["meta"]["request_model"],
        "quarry.fault-slow-1500"
    );
}
