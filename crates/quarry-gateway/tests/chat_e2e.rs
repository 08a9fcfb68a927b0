#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! End to end: an OpenAI client (async-openai) → Quarry → the Bedrock emulator, asserting what
//! the client got and what reached the emulator.

mod common;

use async_openai::types::chat::{
    ChatCompletionRequestSystemMessageArgs, ChatCompletionRequestUserMessageArgs,
    ChatCompletionStreamOptions, CreateChatCompletionRequestArgs, FinishReason, Role,
};
use async_openai::types::completions::CreateCompletionRequestArgs;
use bedrock_emulator::AuthOutcome;
use common::{chat_config, sse_data, Harness};
use futures_util::StreamExt;
use serde_json::json;

const MODEL: &str = "anthropic.claude-3-haiku-20240307-v1:0";

fn request(model: &str, user: &str) -> async_openai::types::chat::CreateChatCompletionRequest {
    CreateChatCompletionRequestArgs::default()
        .model(model)
        .max_tokens(200u32)
        .messages([
            ChatCompletionRequestSystemMessageArgs::default()
                .content("You are terse.")
                .build()
                .unwrap()
                .into(),
            ChatCompletionRequestUserMessageArgs::default()
                .content(user)
                .build()
                .unwrap()
                .into(),
        ])
        .build()
        .unwrap()
}

#[tokio::test]
async fn openai_client_completes_a_chat_through_converse() {
    let h = Harness::start(&chat_config("")).await;
    let response = h
        .openai()
        .chat()
        .create(request(MODEL, "Hi there"))
        .await
        .unwrap();

    assert!(response.id.starts_with("chatcmpl-"));
    assert_eq!(response.object, "chat.completion");
    assert_eq!(response.model, MODEL);
    let choice = &response.choices[0];
    assert_eq!(choice.message.role, Role::Assistant);
    assert_eq!(
        choice.message.content.as_deref(),
        Some("Hello from the Bedrock emulator. You said: Hi there")
    );
    assert_eq!(choice.finish_reason, Some(FinishReason::Stop));
    let usage = response.usage.unwrap();
    assert_eq!(usage.prompt_tokens, 5); // "You are terse." + "Hi there"
    assert_eq!(usage.completion_tokens, 9);
    assert_eq!(usage.total_tokens, 14);

    // What Bedrock saw: one signed Converse call with the translated body.
    let upstream = h.upstream();
    assert_eq!(upstream.len(), 1);
    let call = &upstream[0];
    assert_eq!(call.method, "POST");
    assert_eq!(
        call.raw_path,
        "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse"
    );
    assert_eq!(call.model_id.as_deref(), Some(MODEL));
    assert_eq!(call.auth, AuthOutcome::SigV4Valid);
    assert_eq!(
        call.access_key_id.as_deref(),
        Some(bedrock_emulator::ACCESS_KEY_ID)
    );
    assert_eq!(
        call.signed_headers,
        vec!["content-type", "host", "x-amz-date"]
    );
    let body: serde_json::Value = serde_json::from_slice(&call.body).unwrap();
    assert_eq!(
        body,
        json!({
            "messages": [{"role": "user", "content": [{"text": "Hi there"}]}],
            "system": [{"text": "You are terse."}],
            "inferenceConfig": {"maxTokens": 200}
        })
    );
    // No client header leaks upstream.
    assert!(!call
        .headers
        .iter()
        .any(|(k, _)| k == "x-forwarded-for" || k == "openai-organization"));
}

#[tokio::test]
async fn openai_client_streams_a_chat_through_converse_stream() {
    let h = Harness::start(&chat_config("")).await;
    let mut req = request(MODEL, "Stream this please");
    req.stream_options = Some(ChatCompletionStreamOptions {
        include_usage: Some(true),
        include_obfuscation: None,
    });
    let mut stream = h.openai().chat().create_stream(req).await.unwrap();
    let mut text = String::new();
    let mut roles = Vec::new();
    let mut finish = None;
    let mut usage = None;
    let mut ids = std::collections::HashSet::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.unwrap();
        ids.insert(chunk.id.clone());
        assert_eq!(chunk.object, "chat.completion.chunk");
        if let Some(u) = chunk.usage {
            assert!(chunk.choices.is_empty(), "the usage chunk has no choices");
            usage = Some(u);
        }
        for choice in chunk.choices {
            if let Some(role) = choice.delta.role {
                roles.push(role);
            }
            if let Some(content) = choice.delta.content {
                text.push_str(&content);
            }
            if choice.finish_reason.is_some() {
                finish = choice.finish_reason;
            }
        }
    }
    assert_eq!(ids.len(), 1, "every chunk carries the same id");
    assert_eq!(roles, vec![Role::Assistant]);
    assert_eq!(
        text,
        "Hello from the Bedrock emulator. You said: Stream this please"
    );
    assert_eq!(finish, Some(FinishReason::Stop));
    let usage = usage.expect("include_usage gives a usage chunk");
    assert_eq!(usage.completion_tokens, 10);
    let call = &h.upstream()[0];
    assert_eq!(
        call.raw_path,
        "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream"
    );
    assert_eq!(call.auth, AuthOutcome::SigV4Valid);
}

#[tokio::test]
async fn the_sse_wire_format_is_exact() {
    let h = Harness::start(&chat_config("")).await;
    let (status, headers, body) = h
        .post(
            "/v1/chat/completions",
            &json!({"model": MODEL, "stream": true, "messages": [{"role": "user", "content": "a b"}]}).to_string(),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "text/event-stream");
    assert!(body.ends_with("data: [DONE]\n\n"), "{body}");
    let data = sse_data(&body);
    let first: serde_json::Value = serde_json::from_str(&data[0]).unwrap();
    assert_eq!(first["choices"][0]["delta"]["role"], "assistant");
    let finish: Vec<_> = data[..data.len() - 1]
        .iter()
        .map(|d| serde_json::from_str::<serde_json::Value>(d).unwrap())
        .filter(|c| c["choices"][0]["finish_reason"].is_string())
        .collect();
    assert_eq!(finish.len(), 1);
    assert_eq!(finish[0]["choices"][0]["finish_reason"], "stop");
    // Without include_usage there is no usage-only chunk.
    assert!(!data.iter().any(|d| d.contains("\"choices\":[]")));
}

#[tokio::test]
async fn legacy_completions_work_oneshot_and_streaming() {
    let h = Harness::start(&chat_config("")).await;
    let req = CreateCompletionRequestArgs::default()
        .model(MODEL)
        .prompt("Say hi")
        .max_tokens(50u32)
        .build()
        .unwrap();
    let response = h.openai().completions().create(req.clone()).await.unwrap();
    assert_eq!(response.object, "text_completion");
    assert_eq!(
        response.choices[0].text,
        "Hello from the Bedrock emulator. You said: Say hi"
    );
    assert_eq!(
        h.last_upstream_json()["messages"],
        json!([{"role": "user", "content": [{"text": "Say hi"}]}])
    );

    let mut stream = h.openai().completions().create_stream(req).await.unwrap();
    let mut text = String::new();
    while let Some(chunk) = stream.next().await {
        for c in chunk.unwrap().choices {
            text.push_str(&c.text);
        }
    }
    assert_eq!(text, "Hello from the Bedrock emulator. You said: Say hi");
}

#[tokio::test]
async fn stop_sequences_and_max_tokens_map_to_finish_reasons() {
    let h = Harness::start(&chat_config("")).await;
    let (_, _, body) = h
        .post(
            "/v1/chat/completions",
            &json!({"model": MODEL, "stop": "emulator", "messages": [{"role": "user", "content": "x"}]}).to_string(),
        )
        .await;
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        v["choices"][0]["message"]["content"],
        "Hello from the Bedrock "
    );
    assert_eq!(v["choices"][0]["finish_reason"], "stop");
    assert_eq!(
        h.last_upstream_json()["inferenceConfig"]["stopSequences"],
        json!(["emulator"])
    );

    let (_, _, body) = h
        .post(
            "/v1/chat/completions",
            &json!({"model": MODEL, "max_completion_tokens": 3, "messages": [{"role": "user", "content": "x"}]}).to_string(),
        )
        .await;
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["choices"][0]["message"]["content"], "Hello from the");
    assert_eq!(v["choices"][0]["finish_reason"], "length");
}

#[tokio::test]
async fn cross_region_profiles_and_arns_are_encoded_once_on_the_wire() {
    let h = Harness::start(&chat_config("")).await;
    for (model, path) in [
        (
            "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse",
        ),
        (
            "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "/model/global.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse",
        ),
        (
            "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3",
            "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aapplication-inference-profile%2Fa1b2c3/converse",
        ),
    ] {
        h.emulator.clear_requests();
        let response = h.openai().chat().create(request(model, "hi")).await.unwrap();
        assert_eq!(response.model, model);
        let call = &h.upstream()[0];
        assert_eq!(call.raw_path, path);
        assert_eq!(call.model_id.as_deref(), Some(model));
        assert_eq!(call.auth, AuthOutcome::SigV4Valid, "{model}");
    }
}

#[tokio::test]
async fn statistics_line_per_request_with_usage_and_stream_timings() {
    let h = Harness::start(&chat_config("")).await;
    h.openai()
        .chat()
        .create(request(MODEL, "Hi there"))
        .await
        .unwrap();
    let lines = h.stats_lines(1).await;
    let proxy = &lines[0]["ai"]["proxy"];
    assert_eq!(proxy["meta"]["provider_name"], "bedrock");
    assert_eq!(proxy["meta"]["request_model"], MODEL);
    assert_eq!(proxy["meta"]["request_mode"], "oneshot");
    assert_eq!(proxy["usage"]["prompt_tokens"], 5);
    assert_eq!(proxy["usage"]["completion_tokens"], 9);
    assert_eq!(proxy["usage"]["total_tokens"], 14);
    assert_eq!(lines[0]["status"], 200);
    assert!(
        proxy.get("payload").is_none(),
        "payloads are off by default"
    );

    let mut stream = h
        .openai()
        .chat()
        .create_stream(request(MODEL, "x y z"))
        .await
        .unwrap();
    while stream.next().await.is_some() {}
    let lines = h.stats_lines(2).await;
    let proxy = &lines[1]["ai"]["proxy"];
    assert_eq!(proxy["meta"]["request_mode"], "stream");
    assert_eq!(proxy["usage"]["completion_tokens"], 10);
    assert!(proxy["usage"]["time_to_first_token"].is_u64());
    assert!(proxy["usage"]["time_per_token"].is_number());
}
