//! A full valid configuration: nested and top-level routes, plugin precedence
//! (route > service > global), regex paths, vault references and consumers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use quarry_config::{LlmFormat, PathMatcher, ResponseStreaming, Route, RouteType};
use support::ok;

const FULL: &str = r#"
_format_version: "3.0"
_transform: true
_comment: "a comment"
_info: {select_tags: [quarry]}
services:
  - name: bedrock
    url: http://localhost:32000
    connect_timeout: 5000
    retries: 2
    tags: [ai]
    plugins:
      - name: ai-proxy
        instance_name: bedrock-chat
        config:
          route_type: llm/v1/chat
          model:
            provider: bedrock
            name: anthropic.claude-3-haiku-20240307-v1:0
            options:
              temperature: 0.5
              max_tokens: 512
              input_cost: 0.25
              output_cost: 1.25
              bedrock:
                aws_region: eu-west-1
          auth:
            aws_access_key_id: "{vault://env/aws-access-key-id}"
            aws_secret_access_key: "{vault://env/AWS_SECRET_ACCESS_KEY}"
          logging: {log_statistics: true}
    routes:
      - name: chat
        paths: ["/v1/chat/completions"]
        methods: [post]
        hosts: ["API.Example.com", "*.example.org"]
        plugins:
          # Disabled plugins are ignored: the service's plugin applies.
          - name: ai-proxy
            enabled: false
            config: {route_type: llm/v1/files, model: {provider: bedrock}}
      - name: embeddings
        paths: ["~/v1/(?<deployment>[a-z]+)/embeddings$"]
        regex_priority: 10
        strip_path: false
        preserve_host: true
        plugins:
          - name: ai-proxy
            config:
              route_type: llm/v1/embeddings
              genai_category: text/embeddings
              model:
                provider: bedrock
                name: amazon.titan-embed-text-v2:0
                options:
                  embeddings_dimensions: 256
                  cohere: {embedding_input_type: search_query}
                  bedrock:
                    aws_region: "{vault://env/REGION}"
                    embeddings_normalize: true
  - name: other
    id: 6f1a3c2e-0000-4000-8000-000000000001
    read_timeout: 120000
    routes:
      - paths: [/other]
routes:
  - name: top
    service: bedrock
    paths: [/top]
  - name: by-id
    service: {id: 6f1a3c2e-0000-4000-8000-000000000001}
    paths: [/by-id]
  - name: pinned
    service: {name: other}
    paths: [/pinned]
  - name: lonely
    paths: [/lonely]
plugins:
  - name: ai-proxy
    config:
      route_type: llm/v1/completions
      model: {provider: bedrock}
      response_streaming: deny
  - name: ai-proxy
    route: pinned
    config:
      route_type: llm/v1/responses
      llm_format: bedrock
      model: {provider: bedrock, name: pinned-model}
      max_request_body_size: 0
      model_name_header: false
  - name: ai-proxy
    service: other
    config:
      route_type: llm/v1/chat
      model:
        provider: bedrock
        options:
          upstream_url: http://127.0.0.1:4000
          bedrock:
            aws_assume_role_arn: arn:aws:iam::123456789012:role/quarry
            performance_config_latency: optimized
      auth:
        aws_access_key_id: "{vault://env/BEDROCK_CREDS/id}"
        aws_secret_access_key: "{vault://env/BEDROCK_CREDS/secret}"
consumers:
  - username: alice
    keyauth_credentials:
      - key: "{vault://env/ALICE_KEY}"
  - custom_id: bob-42
    keyauth_credentials: []
"#;

fn route<'a>(routes: &'a [Route], name: &str) -> &'a Route {
    routes
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no route {name}"))
}

#[test]
fn routes_come_out_in_declaration_order_with_paths_and_names() {
    let config = ok(FULL);
    let names: Vec<(&str, &str)> = config
        .routes
        .iter()
        .map(|r| (r.name.as_str(), r.config_path.as_str()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("chat", "services[0].routes[0]"),
            ("embeddings", "services[0].routes[1]"),
            ("services[1].routes[0]", "services[1].routes[0]"),
            ("top", "routes[0]"),
            ("by-id", "routes[1]"),
            ("pinned", "routes[2]"),
            ("lonely", "routes[3]"),
        ]
    );
}

#[test]
fn plugin_precedence_is_route_then_service_then_global() {
    let config = ok(FULL);
    let effective: Vec<(&str, &str, RouteType)> = config
        .routes
        .iter()
        .map(|r| {
            (
                r.name.as_str(),
                r.ai_proxy.plugin_path.as_str(),
                r.ai_proxy.route_type,
            )
        })
        .collect();
    assert_eq!(
        effective,
        vec![
            ("chat", "services[0].plugins[0]", RouteType::Chat),
            (
                "embeddings",
                "services[0].routes[1].plugins[0]",
                RouteType::Embeddings
            ),
            ("services[1].routes[0]", "plugins[2]", RouteType::Chat),
            ("top", "services[0].plugins[0]", RouteType::Chat),
            ("by-id", "plugins[2]", RouteType::Chat),
            ("pinned", "plugins[1]", RouteType::Responses),
            ("lonely", "plugins[0]", RouteType::Completions),
        ]
    );
}

#[test]
fn service_defaults_and_overrides() {
    let config = ok(FULL);
    let chat = route(&config.routes, "chat").service.clone().unwrap();
    assert_eq!(chat.name, "bedrock");
    assert_eq!(
        (
            chat.connect_timeout_ms,
            chat.read_timeout_ms,
            chat.write_timeout_ms,
            chat.retries
        ),
        (5000, 60_000, 60_000, 2)
    );
    let other = route(&config.routes, "by-id").service.clone().unwrap();
    assert_eq!(other.name, "other");
    assert_eq!((other.read_timeout_ms, other.retries), (120_000, 5));
    assert!(route(&config.routes, "lonely").service.is_none());
}

#[test]
fn matching_fields_are_normalised() {
    let config = ok(FULL);
    let chat = route(&config.routes, "chat");
    assert_eq!(chat.methods, vec!["POST"]);
    assert_eq!(chat.hosts, vec!["api.example.com", "*.example.org"]);
    assert!(chat.strip_path);
    assert!(!chat.preserve_host);
    assert_eq!(chat.regex_priority, 0);
    assert!(matches!(&chat.paths[..], [PathMatcher::Prefix(p)] if p == "/v1/chat/completions"));

    let emb = route(&config.routes, "embeddings");
    assert!(!emb.strip_path);
    assert!(emb.preserve_host);
    assert_eq!(emb.regex_priority, 10);
    let [PathMatcher::Regex { pattern, regex }] = &emb.paths[..] else {
        panic!("expected one regex path, got {:?}", emb.paths);
    };
    assert_eq!(pattern, "/v1/(?<deployment>[a-z]+)/embeddings$");
    let caps = regex.captures("/v1/titan/embeddings").unwrap();
    assert_eq!(&caps["deployment"], "titan");
    // Anchored at the start, like Kong.
    assert!(!regex.is_match("/prefix/v1/titan/embeddings"));
}

#[test]
fn ai_proxy_fields_defaults_and_vault_references() {
    let config = ok(FULL);
    let chat = &route(&config.routes, "chat").ai_proxy;
    assert_eq!(chat.model.provider, "bedrock");
    assert_eq!(
        chat.model.name.as_deref(),
        Some("anthropic.claude-3-haiku-20240307-v1:0")
    );
    assert_eq!(chat.model.options.temperature, Some(0.5));
    assert_eq!(chat.model.options.max_tokens, Some(512));
    assert_eq!(chat.model.options.input_cost, Some(0.25));
    assert_eq!(
        chat.model.options.bedrock.aws_region.as_deref(),
        Some("eu-west-1")
    );
    assert_eq!(
        chat.auth.aws_access_key_id.as_ref().unwrap().expose(),
        "AKIAFAKEACCESSKEY"
    );
    assert_eq!(
        chat.auth.aws_secret_access_key.as_ref().unwrap().expose(),
        "fake/secret+access/key"
    );
    assert!(chat.logging.log_statistics && !chat.logging.log_payloads);
    assert_eq!(chat.llm_format, LlmFormat::Openai);
    assert_eq!(chat.response_streaming, ResponseStreaming::Allow);
    assert_eq!(chat.max_request_body_size, 1_048_576);
    assert!(chat.model_name_header);
    assert_eq!(chat.genai_category, "text/generation");

    let emb = &route(&config.routes, "embeddings").ai_proxy;
    assert_eq!(emb.genai_category, "text/embeddings");
    assert_eq!(emb.model.options.embeddings_dimensions, Some(256));
    assert!(emb.model.options.bedrock.embeddings_normalize);
    assert_eq!(
        emb.model.options.cohere_embedding_input_type.as_deref(),
        Some("search_query")
    );
    assert_eq!(
        emb.model.options.bedrock.aws_region.as_deref(),
        Some("ap-southeast-2")
    );

    let pinned = &route(&config.routes, "pinned").ai_proxy;
    assert_eq!(pinned.llm_format, LlmFormat::Bedrock);
    assert_eq!(pinned.max_request_body_size, 0);
    assert!(!pinned.model_name_header);

    let lonely = &route(&config.routes, "lonely").ai_proxy;
    assert_eq!(lonely.response_streaming, ResponseStreaming::Deny);
    assert!(lonely.model.name.is_none());

    let other = &route(&config.routes, "by-id").ai_proxy;
    assert_eq!(
        other.model.options.upstream_url.as_deref(),
        Some("http://127.0.0.1:4000")
    );
    let b = &other.model.options.bedrock;
    assert_eq!(
        b.aws_assume_role_arn.as_deref(),
        Some("arn:aws:iam::123456789012:role/quarry")
    );
    assert_eq!(b.performance_config_latency.as_deref(), Some("optimized"));
    // `{vault://env/NAME/key}` selects a field of a JSON variable.
    assert_eq!(
        other.auth.aws_access_key_id.as_ref().unwrap().expose(),
        "AKIAJSONKEY"
    );
    assert_eq!(
        other.auth.aws_secret_access_key.as_ref().unwrap().expose(),
        "json-secret-value"
    );
}

#[test]
fn consumers_and_warnings() {
    let config = ok(FULL);
    assert_eq!(config.consumers.len(), 2);
    assert_eq!(config.consumers[0].username.as_deref(), Some("alice"));
    assert_eq!(
        config.consumers[0].keyauth_credentials[0].expose(),
        "alice-super-secret-key"
    );
    assert_eq!(config.consumers[1].custom_id.as_deref(), Some("bob-42"));
    assert!(config.consumers[1].keyauth_credentials.is_empty());
    assert!(config.warnings.contains(
        &"route chat has no authentication plugin: anyone who can reach it can use it".to_string()
    ));
    assert_eq!(
        config
            .warnings
            .iter()
            .filter(|w| w.contains("has no authentication plugin"))
            .count(),
        7
    );
}

#[test]
fn json_is_accepted_too() {
    let json = r#"{
      "_format_version": "3.0",
      "routes": [{"name": "r", "paths": ["/v1/chat/completions"],
                  "plugins": [{"name": "ai-proxy",
                               "config": {"route_type": "llm/v1/chat",
                                          "model": {"provider": "bedrock"}}}]}]
    }"#;
    let config = ok(json);
    assert_eq!(config.routes[0].name, "r");
    assert_eq!(
        config.routes[0].ai_proxy.plugin_path,
        "routes[0].plugins[0]"
    );
}

#[test]
fn disabled_services_drop_their_routes_with_a_warning() {
    let config = ok(r#"
_format_version: "3.0"
services:
  - name: off
    enabled: false
    routes: [{name: hidden, paths: [/x]}]
  - name: on
    routes: [{name: shown, paths: [/y]}]
plugins:
  - name: ai-proxy
    config: {route_type: llm/v1/chat, model: {provider: bedrock}}
"#);
    let names: Vec<&str> = config.routes.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, vec!["shown"]);
    assert!(config
        .warnings
        .contains(&"service off is disabled: its routes are not served".to_string()));
}

#[test]
fn kong_defaults_for_other_providers_are_tolerated() {
    // `deck dump` writes every field, with nulls and Kong defaults for other providers.
    let config = ok(r#"
_format_version: "3.0"
routes:
  - name: r
    paths: [/v1/chat/completions]
    plugins:
      - name: ai-proxy
        config:
          route_type: llm/v1/chat
          auth:
            allow_override: false
            azure_use_managed_identity: false
            gcp_use_service_account: false
            header_name: null
            azure_client_id: null
          model:
            provider: bedrock
            name: null
            options:
              azure_api_version: "2023-05-15"
              anthropic_version: null
              dashscope: {international: true}
              gemini: {api_endpoint: null, project_id: null}
              huggingface: null
              context_window_factor: []
              max_tokens: null
"#);
    assert!(config.routes[0].ai_proxy.model.name.is_none());
}
