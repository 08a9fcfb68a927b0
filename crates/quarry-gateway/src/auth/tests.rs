#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use http_body_util::BodyExt;

/// Three routes: 0 = key-auth with `key_plugin` config (YAML flow map), 1 = open,
/// 2 = key-auth on a native Bedrock route. Consumers alice (key `alice-key`), bob (custom id
/// only, key `bob key+/`), guest (no key).
fn auth_with(key_plugin: &str) -> Auth {
    let yaml = format!(
        r#"
_format_version: "3.0"
routes:
  - name: chat
    paths: [/chat]
    plugins:
      - {{name: ai-proxy, config: {{route_type: llm/v1/chat, model: {{provider: bedrock}}}}}}
      - {{name: key-auth, config: {key_plugin}}}
  - name: open
    paths: [/open]
    plugins:
      - {{name: ai-proxy, config: {{route_type: llm/v1/chat, model: {{provider: bedrock}}}}}}
  - name: native
    paths: [/model]
    plugins:
      - {{name: ai-proxy, config: {{route_type: llm/v1/chat, llm_format: bedrock, model: {{provider: bedrock}}}}}}
      - {{name: key-auth}}
consumers:
  - {{id: alice-id, username: alice, keyauth_credentials: [{{key: alice-key}}]}}
  - {{custom_id: bob-42, keyauth_credentials: [{{key: "bob key+/"}}]}}
  - {{username: guest}}
"#
    );
    let config = quarry_config::parse(&yaml, &|_| None).unwrap();
    Auth::new(&config.consumers, &config.routes)
}

fn request(uri: &str, headers: &[(&str, &str)]) -> Request<()> {
    let mut builder = Request::post(uri);
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    builder.body(()).unwrap()
}

fn who(auth: &Auth, route: usize, req: &mut Request<()>) -> Result<Option<String>, Refusal> {
    auth.authenticate(route, req)
        .map(|c| c.map(|c| c.username.clone().or_else(|| c.custom_id.clone()).unwrap()))
        .map_err(|r| r.reason)
}

#[test]
fn the_key_is_read_from_header_query_or_bearer() {
    let auth = auth_with("{}");
    for (uri, headers) in [
        ("/chat", vec![("apikey", "alice-key")]),
        ("/chat", vec![("APIKEY", "alice-key")]),
        ("/chat?apikey=alice-key", vec![]),
        ("/chat?x=1&apikey=alice%2Dkey&y", vec![]),
        ("/chat", vec![("authorization", "Bearer alice-key")]),
        ("/chat", vec![("authorization", "bearer   alice-key ")]),
    ] {
        let mut req = request(uri, &headers);
        assert_eq!(
            who(&auth, 0, &mut req),
            Ok(Some("alice".into())),
            "{uri} {headers:?}"
        );
    }
    // Form encoding in the query: `+` is a space, `%2B` a plus.
    let mut req = request("/chat?apikey=bob+key%2B%2F", &[]);
    assert_eq!(who(&auth, 0, &mut req), Ok(Some("bob-42".into())));
}

#[test]
fn open_routes_and_skipped_preflights_have_no_consumer() {
    let auth = auth_with("{run_on_preflight: false}");
    assert_eq!(who(&auth, 1, &mut request("/open", &[])), Ok(None));
    let mut preflight = Request::options("/chat").body(()).unwrap();
    assert_eq!(who(&auth, 0, &mut preflight), Ok(None));
    // With the default, a preflight is authenticated like anything else.
    let auth = auth_with("{}");
    let mut preflight = Request::options("/chat").body(()).unwrap();
    assert_eq!(who(&auth, 0, &mut preflight), Err(Refusal::Missing));
}

#[test]
fn missing_wrong_and_duplicate_keys_are_refused() {
    let auth = auth_with("{}");
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, Refusal);
    let cases: Vec<Case<'_>> = vec![
        ("/chat", vec![], Refusal::Missing),
        ("/chat", vec![("apikey", "")], Refusal::Missing),
        ("/chat?apikey=", vec![], Refusal::Missing),
        ("/chat?apikey", vec![], Refusal::Missing),
        (
            "/chat",
            vec![("authorization", "Bearer ")],
            Refusal::Missing,
        ),
        (
            "/chat",
            vec![("authorization", "AWS4-HMAC-SHA256 Credential=x")],
            Refusal::Missing,
        ),
        ("/chat", vec![("apikey", "alice-key ")], Refusal::Invalid),
        ("/chat", vec![("apikey", "ALICE-KEY")], Refusal::Invalid),
        ("/chat?apikey=nope", vec![], Refusal::Invalid),
        (
            "/chat",
            vec![("authorization", "Bearer sk-wrong")],
            Refusal::Invalid,
        ),
        (
            "/chat",
            vec![("apikey", "alice-key"), ("apikey", "alice-key")],
            Refusal::Duplicate,
        ),
        ("/chat?apikey=a&apikey=b", vec![], Refusal::Duplicate),
    ];
    for (uri, headers, expected) in cases {
        let mut req = request(uri, &headers);
        assert_eq!(who(&auth, 0, &mut req), Err(expected), "{uri} {headers:?}");
    }
}

#[test]
fn key_names_are_tried_in_order_header_before_query() {
    let auth = auth_with("{key_names: [x-first, x-second]}");
    // The first name wins even when only its query parameter is given.
    let mut req = request("/chat?x-first=alice-key", &[("x-second", "wrong")]);
    assert_eq!(who(&auth, 0, &mut req), Ok(Some("alice".into())));
    // For one name, the header beats the query.
    let mut req = request("/chat?x-first=wrong", &[("x-first", "alice-key")]);
    assert_eq!(who(&auth, 0, &mut req), Ok(Some("alice".into())));
    // `apikey` is no longer a key name.
    let mut req = request("/chat", &[("apikey", "alice-key")]);
    assert_eq!(who(&auth, 0, &mut req), Err(Refusal::Missing));
    // Bearer comes last.
    let mut req = request(
        "/chat",
        &[("x-second", "wrong"), ("authorization", "Bearer alice-key")],
    );
    assert_eq!(who(&auth, 0, &mut req), Err(Refusal::Invalid));
}

#[test]
fn key_in_header_and_key_in_query_switch_sources_off() {
    let auth = auth_with("{key_in_header: false}");
    let mut req = request("/chat", &[("apikey", "alice-key")]);
    assert_eq!(who(&auth, 0, &mut req), Err(Refusal::Missing));
    let mut req = request("/chat", &[("authorization", "Bearer alice-key")]);
    assert_eq!(who(&auth, 0, &mut req), Err(Refusal::Missing));
    let mut req = request("/chat?apikey=alice-key", &[]);
    assert_eq!(who(&auth, 0, &mut req), Ok(Some("alice".into())));

    let auth = auth_with("{key_in_query: false}");
    let mut req = request("/chat?apikey=alice-key", &[]);
    assert_eq!(who(&auth, 0, &mut req), Err(Refusal::Missing));
}

#[test]
fn hide_credentials_removes_only_the_key() {
    let auth = auth_with("{hide_credentials: true}");
    let mut req = request("/chat?a=1&apikey=alice-key&b=2", &[]);
    assert_eq!(who(&auth, 0, &mut req), Ok(Some("alice".into())));
    assert_eq!(req.uri().to_string(), "/chat?a=1&b=2");
    let mut req = request("/chat?apikey=alice-key", &[]);
    who(&auth, 0, &mut req).unwrap();
    assert_eq!(req.uri().to_string(), "/chat");

    let mut req = request("/chat", &[("ApiKey", "alice-key"), ("x-other", "1")]);
    who(&auth, 0, &mut req).unwrap();
    assert!(req.headers().get("apikey").is_none());
    assert!(req.headers().get("x-other").is_some());

    let mut req = request("/chat", &[("authorization", "Bearer alice-key")]);
    who(&auth, 0, &mut req).unwrap();
    assert!(req.headers().get("authorization").is_none());

    // A wrong key is hidden too (Kong hides whatever it read).
    let mut req = request("/chat?apikey=nope&a=1", &[]);
    assert_eq!(who(&auth, 0, &mut req), Err(Refusal::Invalid));
    assert_eq!(req.uri().to_string(), "/chat?a=1");

    // Without the flag, the request is left alone.
    let auth = auth_with("{}");
    let mut req = request("/chat?apikey=alice-key", &[("authorization", "Bearer x")]);
    who(&auth, 0, &mut req).unwrap();
    assert_eq!(req.uri().to_string(), "/chat?apikey=alice-key");
    assert!(req.headers().get("authorization").is_some());
}

#[test]
fn anonymous_takes_over_any_failure() {
    for anonymous in ["guest", "alice-id"] {
        let auth = auth_with(&format!("{{anonymous: {anonymous}}}"));
        let expected = if anonymous == "guest" {
            "guest"
        } else {
            "alice"
        };
        for mut req in [
            request("/chat", &[]),
            request("/chat", &[("apikey", "nope")]),
            request("/chat?apikey=a&apikey=b", &[]),
        ] {
            assert_eq!(who(&auth, 0, &mut req), Ok(Some(expected.into())));
        }
        // A good key still identifies its own consumer.
        let mut req = request("/chat", &[("authorization", "Bearer bob key+/")]);
        assert_eq!(who(&auth, 0, &mut req), Ok(Some("bob-42".into())));
    }
}

async fn parts(response: Response<RespBody>) -> (u16, HeaderMap, serde_json::Value) {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, serde_json::from_slice(&body).unwrap())
}

#[tokio::test]
async fn refusals_answer_in_the_routes_format() {
    let auth = auth_with("{realm: quarry}");
    let refused = auth
        .authenticate(0, &mut request("/chat", &[("apikey", "nope")]))
        .unwrap_err();
    assert_eq!(refused.format, ErrorFormat::OpenAi);
    let (status, headers, body) = parts(refused.into_response()).await;
    assert_eq!(status, 401);
    assert_eq!(headers["www-authenticate"], "Key realm=\"quarry\"");
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(
        body,
        serde_json::json!({"error": {"message": "Invalid authentication credentials",
            "type": "invalid_request_error", "code": "invalid_api_key", "param": null}})
    );

    let refused = auth
        .authenticate(2, &mut request("/model", &[]))
        .unwrap_err();
    assert_eq!(refused.format, ErrorFormat::Bedrock);
    let (status, headers, body) = parts(refused.into_response()).await;
    assert_eq!(status, 401);
    assert_eq!(
        headers["x-amzn-errortype"],
        "MissingAuthenticationTokenException"
    );
    assert!(headers.get("www-authenticate").is_none());
    assert_eq!(
        body,
        serde_json::json!({"message": "Missing Authentication Token"})
    );

    let refused = auth
        .authenticate(
            2,
            &mut request("/model", &[("authorization", "Bearer wrong")]),
        )
        .unwrap_err();
    let (status, headers, body) = parts(refused.into_response()).await;
    assert_eq!(status, 401);
    assert_eq!(headers["x-amzn-errortype"], "UnrecognizedClientException");
    assert_eq!(
        body,
        serde_json::json!({"message": "The security token included in the request is invalid."})
    );
}

#[tokio::test]
async fn duplicate_keys_and_the_default_realm() {
    let auth = auth_with("{}");
    let refused = auth
        .authenticate(0, &mut request("/chat?apikey=a&apikey=b", &[]))
        .unwrap_err();
    let (status, headers, body) = parts(refused.into_response()).await;
    assert_eq!(status, 401);
    assert_eq!(headers["www-authenticate"], "Key realm=\"kong\"");
    assert_eq!(body["error"]["message"], "Duplicate API key found");
}

#[tokio::test]
async fn records_built_inside_the_scope_carry_the_consumer() {
    let identity = Arc::new(ConsumerIdentity {
        id: None,
        username: Some("alice".into()),
        custom_id: None,
    });
    let inside = scope(Some(Arc::clone(&identity)), async {
        crate::stats::Record::default()
    })
    .await;
    assert_eq!(inside.consumer.get(), Some(&*identity));
    let line: serde_json::Value = serde_json::from_str(&inside.to_line()).unwrap();
    assert_eq!(line["consumer"], serde_json::json!({"username": "alice"}));

    let outside = crate::stats::Record::default();
    assert!(outside.consumer.get().is_none());
    let line: serde_json::Value = serde_json::from_str(&outside.to_line()).unwrap();
    assert!(line.get("consumer").is_none());
}

#[test]
fn form_decoding() {
    assert_eq!(&*form_decode("plain"), b"plain");
    assert!(matches!(form_decode("plain"), Cow::Borrowed(_)));
    assert_eq!(&*form_decode("a+b%20c%2b"), b"a b c+");
    assert_eq!(&*form_decode("bad%zz%4"), b"bad%zz%4");
    assert_eq!(&*form_decode("%"), b"%");
}
