#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! key-auth end to end: consumers' keys from the OpenAI SDK (Bearer), an `apikey` header or
//! query parameter; Kong's 401s with nothing sent to Bedrock; the consumer in the statistics
//! line; the anonymous consumer; and keys never showing up in a response or a statistics line.

mod common;

use async_openai::config::OpenAIConfig;
use async_openai::error::OpenAIError;
use async_openai::types::chat::{
    ChatCompletionRequestUserMessageArgs, CreateChatCompletionRequest,
    CreateChatCompletionRequestArgs,
};
use common::{chat_config, Harness};
use serde_json::{json, Value};

const MODEL: &str = "anthropic.claude-3-haiku-20240307-v1:0";
const ALICE_KEY: &str = "sk-alice-5f1d2c3b4a";
const BOB_KEY: &str = "bob key+/=&";

const CONSUMERS: &str = r#"
consumers:
  - username: alice
    keyauth_credentials: [{key: sk-alice-5f1d2c3b4a}]
  - custom_id: bob-42
    keyauth_credentials: [{key: "bob key+/=&"}]
  - id: guest-id
    username: guest
"#;

/// The harness's config with a key-auth plugin (its `config`, a YAML flow map) on the chat
/// route; the completions route stays open. `ai_proxy_extra` continues the chat route's
/// `logging:` block.
fn config(key_auth: &str, ai_proxy_extra: &str) -> String {
    let mut yaml = chat_config(&format!(
        "{ai_proxy_extra}          - name: key-auth\n            config: {key_auth}\n"
    ));
    yaml.push_str(CONSUMERS);
    yaml
}

fn chat_body(content: &str, stream: bool) -> String {
    json!({"model": MODEL, "stream": stream, "messages": [{"role": "user", "content": content}]})
        .to_string()
}

fn sdk_request(content: &str) -> CreateChatCompletionRequest {
    CreateChatCompletionRequestArgs::default()
        .model(MODEL)
        .messages([ChatCompletionRequestUserMessageArgs::default()
            .content(content)
            .build()
            .unwrap()
            .into()])
        .build()
        .unwrap()
}

/// An OpenAI SDK client whose api key is `key` (sent as `Authorization: Bearer`).
fn sdk(h: &Harness, key: &str) -> async_openai::Client<OpenAIConfig> {
    async_openai::Client::with_config(
        OpenAIConfig::new()
            .with_api_base(format!("{}/v1", h.base_url()))
            .with_api_key(key),
    )
}

struct Reply {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", self.body))
    }
}

/// POSTs `body` to `path_and_query` with extra headers.
async fn post(h: &Harness, path_and_query: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    let mut request = reqwest::Client::new()
        .post(format!("{}{path_and_query}", h.base_url()))
        .header("content-type", "application/json")
        .body(body.to_owned());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    Reply {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.text().await.unwrap(),
    }
}

/// Every statistics line, raw, must be free of every consumer key.
fn assert_no_key_in(lines: &[String]) {
    for line in lines {
        for key in [ALICE_KEY, BOB_KEY, "sk-alice"] {
            assert!(!line.contains(key), "a key leaked into {line}");
        }
    }
}

#[tokio::test]
async fn the_openai_sdk_authenticates_with_a_consumer_key_as_its_api_key() {
    let h = Harness::start(&config("{}", "")).await;
    let response = sdk(&h, ALICE_KEY)
        .chat()
        .create(sdk_request("Hi there"))
        .await
        .unwrap();
    assert_eq!(
        response.choices[0].message.content.as_deref(),
        Some("Hello from the Bedrock emulator. You said: Hi there")
    );
    assert_eq!(h.upstream().len(), 1);
    let lines = h.stats_lines(1).await;
    assert_eq!(lines[0]["consumer"], json!({"username": "alice"}));
    assert_eq!(lines[0]["route"], "chat");
    assert_no_key_in(&h.stats.lines());
}

#[tokio::test]
async fn an_apikey_header_or_query_parameter_authenticates_too() {
    let h = Harness::start(&config("{}", "")).await;
    let by_header = post(
        &h,
        "/v1/chat/completions",
        &[("apikey", ALICE_KEY)],
        &chat_body("header", false),
    )
    .await;
    assert_eq!(by_header.status, 200, "{}", by_header.body);
    let by_other_case = post(
        &h,
        "/v1/chat/completions",
        &[("ApiKey", ALICE_KEY)],
        &chat_body("case", false),
    )
    .await;
    assert_eq!(by_other_case.status, 200, "{}", by_other_case.body);
    // bob's key needs form encoding in a query string; bob has only a custom_id.
    let by_query = post(
        &h,
        "/v1/chat/completions?apikey=bob+key%2B%2F%3D%26",
        &[],
        &chat_body("query", false),
    )
    .await;
    assert_eq!(by_query.status, 200, "{}", by_query.body);
    assert!(by_query.json()["choices"][0]["message"]["content"]
        .as_str()
        .unwrap()
        .ends_with("You said: query"));

    let lines = h.stats_lines(3).await;
    let consumers: Vec<&Value> = lines.iter().map(|l| &l["consumer"]).collect();
    assert_eq!(
        consumers,
        vec![
            &json!({"username": "alice"}),
            &json!({"username": "alice"}),
            &json!({"custom_id": "bob-42"}),
        ]
    );
    assert_eq!(h.upstream().len(), 3);
    assert_no_key_in(&h.stats.lines());
}

#[tokio::test]
async fn missing_and_wrong_keys_get_kongs_401_and_nothing_reaches_bedrock() {
    let h = Harness::start(&config("{}", "")).await;
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case<'_>; 5] = [
        ("/v1/chat/completions", &[], "No API key found in request"),
        (
            "/v1/chat/completions",
            &[("apikey", "sk-alice-wrong")],
            "Invalid authentication credentials",
        ),
        (
            "/v1/chat/completions?apikey=sk-alice-5f1d2c3b4",
            &[],
            "Invalid authentication credentials",
        ),
        (
            "/v1/chat/completions",
            &[("authorization", "Bearer sk-alice-5f1d2c3b4a-not")],
            "Invalid authentication credentials",
        ),
        (
            "/v1/chat/completions",
            &[("authorization", "Basic YWxpY2U6cHc=")],
            "No API key found in request",
        ),
    ];
    for (path, headers, message) in cases {
        let reply = post(&h, path, headers, &chat_body("hi", false)).await;
        assert_eq!(reply.status, 401, "{path} {headers:?}: {}", reply.body);
        assert_eq!(
            reply.json(),
            json!({"error": {"message": message, "type": "invalid_request_error",
                "code": "invalid_api_key", "param": null}}),
            "{path} {headers:?}"
        );
        assert_eq!(reply.headers["www-authenticate"], "Key realm=\"kong\"");
        assert!(!reply.body.contains("sk-alice"), "{}", reply.body);
    }
    // A streaming request is refused the same way, before anything is streamed.
    let reply = post(&h, "/v1/chat/completions", &[], &chat_body("hi", true)).await;
    assert_eq!(reply.status, 401);

    // The SDK raises it as an API error with OpenAI's code.
    match sdk(&h, "sk-wrong").chat().create(sdk_request("hi")).await {
        Err(OpenAIError::ApiError(e)) => {
            assert_eq!(e.status_code.as_u16(), 401);
            assert_eq!(e.api_error.code.as_deref(), Some("invalid_api_key"));
            assert_eq!(e.api_error.message, "Invalid authentication credentials");
        }
        other => panic!("expected a 401 API error, got {other:?}"),
    }

    assert!(h.upstream().is_empty(), "a refused request reached Bedrock");
    assert!(h.stats.lines().is_empty(), "{:?}", h.stats.lines());
}

#[tokio::test]
async fn the_realm_is_configurable() {
    let h = Harness::start(&config("{realm: quarry-api}", "")).await;
    let reply = post(&h, "/v1/chat/completions", &[], &chat_body("hi", false)).await;
    assert_eq!(reply.status, 401);
    assert_eq!(
        reply.headers["www-authenticate"],
        "Key realm=\"quarry-api\""
    );
}

#[tokio::test]
async fn hide_credentials_keeps_the_key_out_of_the_payload_log() {
    let h = Harness::start(&config(
        "{hide_credentials: true}",
        "                log_payloads: true\n",
    ))
    .await;
    for (path, headers) in [
        ("/v1/chat/completions", vec![("apikey", ALICE_KEY)]),
        (
            "/v1/chat/completions?apikey=sk-alice-5f1d2c3b4a&x=1",
            vec![],
        ),
    ] {
        let reply = post(&h, path, &headers, &chat_body("log me", false)).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    sdk(&h, ALICE_KEY)
        .chat()
        .create(sdk_request("log me too"))
        .await
        .unwrap();
    let lines = h.stats_lines(3).await;
    for line in &lines {
        // The payload is logged (so the check below means something) and the key is not.
        assert!(line["ai"]["proxy"]["payload"]["request"]
            .as_str()
            .unwrap()
            .contains("log me"));
        assert_eq!(line["consumer"], json!({"username": "alice"}));
    }
    assert_no_key_in(&h.stats.lines());
}

#[tokio::test]
async fn a_stream_records_its_consumer_when_it_ends() {
    let h = Harness::start(&config("{}", "")).await;
    let reply = post(
        &h,
        "/v1/chat/completions",
        &[("authorization", &format!("Bearer {ALICE_KEY}"))],
        &chat_body("stream me", true),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.body.contains("data: [DONE]"));
    let lines = h.stats_lines(1).await;
    assert_eq!(lines[0]["ai"]["proxy"]["meta"]["request_mode"], "stream");
    assert_eq!(lines[0]["consumer"], json!({"username": "alice"}));
}

#[tokio::test]
async fn the_anonymous_consumer_takes_over_failed_authentication() {
    let h = Harness::start(&config("{anonymous: guest}", "")).await;
    for headers in [vec![], vec![("apikey", "sk-wrong")]] {
        let reply = post(
            &h,
            "/v1/chat/completions",
            &headers,
            &chat_body("anon", false),
        )
        .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    let reply = post(
        &h,
        "/v1/chat/completions",
        &[("apikey", ALICE_KEY)],
        &chat_body("named", false),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let lines = h.stats_lines(3).await;
    let consumers: Vec<&Value> = lines.iter().map(|l| &l["consumer"]).collect();
    assert_eq!(
        consumers,
        vec![
            &json!({"id": "guest-id", "username": "guest"}),
            &json!({"id": "guest-id", "username": "guest"}),
            &json!({"username": "alice"}),
        ]
    );
    assert_eq!(h.upstream().len(), 3);
}

#[tokio::test]
async fn open_routes_stay_open_and_log_no_consumer() {
    let h = Harness::start(&config("{}", "")).await;
    let reply = post(
        &h,
        "/v1/completions",
        &[],
        &json!({"model": MODEL, "prompt": "open"}).to_string(),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    // A key sent to an open route is simply not looked at.
    let reply = post(
        &h,
        "/v1/completions",
        &[("apikey", "anything")],
        &json!({"model": MODEL, "prompt": "open"}).to_string(),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let lines = h.stats_lines(2).await;
    for line in &lines {
        assert_eq!(line["route"], "completions");
        assert!(line.get("consumer").is_none(), "{line}");
    }
}

/// Native Bedrock routes (`llm_format: bedrock`) answer like AWS does, so AWS SDKs raise
/// their usual exceptions.
#[tokio::test]
async fn native_bedrock_routes_refuse_in_aws_shape() {
    let yaml = format!(
        r#"
_format_version: "3.0"
routes:
  - name: native
    paths: ["/model"]
    plugins:
      - name: ai-proxy
        config:
          route_type: llm/v1/chat
          llm_format: bedrock
          auth:
            aws_access_key_id: {akid}
            aws_secret_access_key: {secret}
          model:
            provider: bedrock
            options:
              upstream_url: "{{UPSTREAM}}"
              bedrock: {{aws_region: us-east-1}}
      - name: key-auth
{CONSUMERS}"#,
        akid = bedrock_emulator::ACCESS_KEY_ID,
        secret = bedrock_emulator::SECRET_ACCESS_KEY,
    );
    let h = Harness::start(&yaml).await;
    let path = "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse";
    let body = r#"{"messages":[{"role":"user","content":[{"text":"hi"}]}]}"#;
    let reply = post(&h, path, &[], body).await;
    assert_eq!(reply.status, 401, "{}", reply.body);
    assert_eq!(
        reply.headers["x-amzn-errortype"],
        "MissingAuthenticationTokenException"
    );
    assert_eq!(
        reply.json(),
        json!({"message": "Missing Authentication Token"})
    );
    let reply = post(
        &h,
        path,
        &[("authorization", "Bearer bedrock-api-key-wrong")],
        body,
    )
    .await;
    assert_eq!(reply.status, 401, "{}", reply.body);
    assert_eq!(
        reply.headers["x-amzn-errortype"],
        "UnrecognizedClientException"
    );
    assert_eq!(
        reply.json(),
        json!({"message": "The security token included in the request is invalid."})
    );
    assert!(h.upstream().is_empty(), "refused calls never reach Bedrock");
    // A good key passes, and the relay signs the call with the gateway's own credentials.
    let reply = post(
        &h,
        path,
        &[("authorization", &format!("Bearer {ALICE_KEY}"))],
        body,
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let upstream = h.upstream();
    assert_eq!(upstream.len(), 1);
    assert_eq!(upstream[0].auth, bedrock_emulator::AuthOutcome::SigV4Valid);
    assert!(!upstream[0]
        .headers
        .iter()
        .any(|(_, v)| v.contains(ALICE_KEY)));
}
