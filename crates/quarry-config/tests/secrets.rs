//! Secrets (AWS keys, header/param values, consumer keys) never show up in `Debug`
//! output or in error messages.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use quarry_config::parse;
use support::{env, ok};

const SECRETS: &[&str] = &[
    "AKIAFAKEACCESSKEY",
    "fake/secret+access/key",
    "alice-super-secret-key",
    "Bearer literal-header-secret",
    "literal-param-secret",
    "json-secret-value",
];

#[test]
fn config_debug_never_prints_a_secret() {
    let config = ok(r#"
_format_version: "3.0"
routes:
  - name: a
    paths: [/a]
    plugins:
      - name: ai-proxy
        config:
          route_type: llm/v1/chat
          model: {provider: bedrock}
          auth:
            aws_access_key_id: "{vault://env/AWS_ACCESS_KEY_ID}"
            aws_secret_access_key: "{vault://env/AWS_SECRET_ACCESS_KEY}"
            header_name: Authorization
            header_value: Bearer literal-header-secret
            param_name: key
            param_value: literal-param-secret
            param_location: query
  - name: b
    paths: [/b]
    plugins:
      - name: ai-proxy
        config:
          route_type: llm/v1/chat
          model: {provider: bedrock}
          auth:
            aws_access_key_id: AKIAOTHER
            aws_secret_access_key: "{vault://env/BEDROCK_CREDS/secret}"
consumers:
  - username: alice
    keyauth_credentials: [{key: "{vault://env/ALICE_KEY}"}]
"#);
    // The values are really there...
    let auth = &config.routes[0].ai_proxy.auth;
    assert_eq!(
        auth.header_value.as_ref().unwrap().expose(),
        "Bearer literal-header-secret"
    );
    assert_eq!(
        auth.param_value.as_ref().unwrap().expose(),
        "literal-param-secret"
    );
    // ...but no form of Debug shows them.
    for text in [
        format!("{config:?}"),
        format!("{config:#?}"),
        format!("{:?}", config.routes),
        format!("{:?}", config.consumers),
    ] {
        for secret in SECRETS.iter().chain(&["AKIAOTHER"]) {
            assert!(!text.contains(secret), "Debug output leaks {secret}");
        }
        assert!(text.contains("Secret(***)"));
    }
    // Non-secret fields stay readable.
    assert!(format!("{config:?}").contains("Authorization"));
}

#[test]
fn error_messages_never_print_a_secret() {
    let yaml = r#"
_format_version: "3.0"
routes:
  - name: a
    paths: [/a]
    plugins:
      - name: ai-proxy
        config:
          route_type: "{vault://env/ALICE_KEY}"
          response_streaming: "{vault://env/AWS_SECRET_ACCESS_KEY}"
          model: {provider: "{vault://env/AWS_ACCESS_KEY_ID}"}
          auth:
            header_value: 123456789
            param_value: ["literal-param-secret"]
consumers:
  - username: x
    keyauth_credentials: [{key: json-secret-value}]
  - username: y
    keyauth_credentials: [{key: json-secret-value}]
"#;
    let errors = parse(yaml, &env).unwrap_err();
    let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    let joined = text.join("\n");
    for secret in SECRETS.iter().chain(&["123456789"]) {
        assert!(!joined.contains(secret), "errors leak {secret}:\n{joined}");
    }
    // Values that came from the environment are named by their reference.
    assert!(
        text.contains(&"routes[0].plugins[0].config.model.provider: only \"bedrock\" is supported by Quarry, got the value of {vault://env/AWS_ACCESS_KEY_ID}".to_string()),
        "{joined}"
    );
    assert!(text.contains(
        &"routes[0].plugins[0].config.auth.header_value: must be a string, got a number"
            .to_string()
    ));
    assert!(text.contains(
        &"routes[0].plugins[0].config.auth.param_value: must be a string, got an array".to_string()
    ));
}
