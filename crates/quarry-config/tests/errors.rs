//! Invalid configurations: each test asserts the exact `path: message` a user sees.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use support::errors;

/// One top-level route at `/r` whose ai-proxy `config` body is `config` (YAML, 8-space indent).
fn with_config(config: &str) -> String {
    format!(
        "_format_version: \"3.0\"\nroutes:\n  - name: r\n    paths: [/r]\n    plugins:\n      - name: ai-proxy\n        config:\n{config}"
    )
}

#[test]
fn unknown_key_deep_inside_names_the_full_path() {
    let yaml = r#"
_format_version: "3.0"
services:
  - name: s
    routes:
      - name: a
        paths: [/a]
      - name: b
        paths: [/b]
        plugins:
          - name: ai-proxy
            config:
              route_type: llm/v1/chat
              model:
                provider: bedrock
                nmae: claude
    plugins:
      - name: ai-proxy
        config: {route_type: llm/v1/chat, model: {provider: bedrock}}
"#;
    assert_eq!(
        errors(yaml),
        vec!["services[0].routes[1].plugins[0].config.model.nmae: unknown field"]
    );
}

#[test]
fn wrong_types() {
    let yaml = with_config(
        "          route_type: llm/v1/chat\n          model: {provider: bedrock, options: {temperature: hot}}\n          logging: {log_statistics: \"yes\"}\n          auth: [1]\n",
    );
    assert_eq!(
        errors(&yaml),
        vec![
            "routes[0].plugins[0].config.model.options.temperature: must be a number between 0 and 5, got \"hot\"",
            "routes[0].plugins[0].config.auth: must be an object, got an array",
            "routes[0].plugins[0].config.logging.log_statistics: must be a boolean (true or false), got \"yes\"",
        ]
    );
}

#[test]
fn bad_enum_values_list_the_allowed_ones() {
    let yaml = with_config(
        "          route_type: llm/v1/chat\n          response_streaming: sometimes\n          model: {provider: bedrock, options: {bedrock: {performance_config_latency: fast}}}\n",
    );
    assert_eq!(
        errors(&yaml),
        vec![
            "routes[0].plugins[0].config.model.options.bedrock.performance_config_latency: must be one of \"standard\", \"optimized\", got \"fast\"",
            "routes[0].plugins[0].config.response_streaming: must be one of \"allow\", \"deny\", \"always\", got \"sometimes\"",
        ]
    );
}

#[test]
fn bad_route_type() {
    let yaml =
        with_config("          route_type: llm/v2/chat\n          model: {provider: bedrock}\n");
    let errs = errors(&yaml);
    assert_eq!(errs.len(), 1);
    assert!(
        errs[0].starts_with("routes[0].plugins[0].config.route_type: must be one of \"llm/v1/chat\", \"llm/v1/completions\","),
        "{}",
        errs[0]
    );
    assert!(
        errs[0].ends_with("\"preserve\", got \"llm/v2/chat\""),
        "{}",
        errs[0]
    );
}

#[test]
fn out_of_range_values() {
    let yaml = with_config(
        "          route_type: llm/v1/chat\n          max_request_body_size: -1\n          model:\n            provider: bedrock\n            options: {top_k: 501, top_p: 1.5, max_tokens: 0, temperature: 5.01, input_cost: -1}\n",
    );
    assert_eq!(
        errors(&yaml),
        vec![
            "routes[0].plugins[0].config.model.options.max_tokens: must be an integer between 1 and 4294967295, got 0",
            "routes[0].plugins[0].config.model.options.temperature: must be a number between 0 and 5, got 5.01",
            "routes[0].plugins[0].config.model.options.top_p: must be a number between 0 and 1, got 1.5",
            "routes[0].plugins[0].config.model.options.top_k: must be an integer between 0 and 500, got 501",
            "routes[0].plugins[0].config.model.options.input_cost: must be a number >= 0, got -1",
            "routes[0].plugins[0].config.max_request_body_size: must be an integer >= 0, got -1",
        ]
    );
}

#[test]
fn missing_required_fields() {
    assert_eq!(
        errors("routes: []\n"),
        vec!["_format_version: is required (use \"3.0\")"]
    );
    assert_eq!(
        errors(&with_config("          model: {}\n")),
        vec![
            "routes[0].plugins[0].config.route_type: is required",
            "routes[0].plugins[0].config.model.provider: is required",
        ]
    );
    let yaml = "_format_version: \"3.0\"\nroutes:\n  - name: r\n    paths: [/r]\n    plugins: [{name: ai-proxy}]\n";
    assert_eq!(
        errors(yaml),
        vec!["routes[0].plugins[0].config: is required"]
    );
}

#[test]
fn many_errors_are_reported_at_once() {
    let yaml = r#"
_format_version: "2.1"
upstreams: []
services:
  - name: s
    retries: lots
    routes:
      - name: a
        paths: [v1/chat]
routes:
  - name: b
    service: missing
    paths: [/b]
    strip_path: 1
plugins:
  - name: ai-proxy
    config:
      route_type: llm/v1/chat
      model: {provider: openai}
  - name: rate-limiting
"#;
    assert_eq!(
        errors(yaml),
        vec![
            "_format_version: must be \"3.0\", got \"2.1\" (Quarry reads Kong 3.x declarative files)",
            "upstreams: not supported by Quarry",
            "services[0].retries: must be an integer between 0 and 32767, got \"lots\"",
            "services[0].routes[0].paths[0]: must start with \"/\" (a prefix) or \"~\" (a regex), got \"v1/chat\"",
            "routes[0].strip_path: must be a boolean (true or false), got 1",
            "plugins[0].config.model.provider: only \"bedrock\" is supported by Quarry, got \"openai\"",
            "plugins[1].name: unknown plugin 'rate-limiting'",
            "routes[0].service: no service named \"missing\"",
        ]
    );
}

#[test]
fn missing_vault_variable_names_the_variable() {
    let yaml = with_config(
        "          route_type: llm/v1/chat\n          model: {provider: bedrock}\n          auth:\n            aws_access_key_id: \"{vault://env/my-key-id}\"\n            aws_secret_access_key: \"{vault://env/AWS_SECRET_ACCESS_KEY}\"\n",
    );
    assert_eq!(
        errors(&yaml),
        vec!["routes[0].plugins[0].config.auth.aws_access_key_id: environment variable MY_KEY_ID is not set (referenced by {vault://env/my-key-id})"]
    );
}

#[test]
fn bad_regex_names_the_path_index() {
    let yaml = "_format_version: \"3.0\"\nroutes:\n  - name: r\n    paths: [/ok, \"~/v1/(unclosed\", \"~/v1/(?=lookahead)\"]\n";
    assert_eq!(
        errors(yaml),
        vec![
            "routes[0].paths[1]: invalid regex: unclosed group",
            "routes[0].paths[2]: invalid regex: look-around, including look-ahead and look-behind, is not supported",
            "routes[0]: route has no ai-proxy plugin; Quarry only serves AI routes",
        ]
    );
}

#[test]
fn unresolved_references() {
    let yaml = r#"
_format_version: "3.0"
services:
  - name: s
routes:
  - name: a
    service: {id: 0000-none}
    paths: [/a]
plugins:
  - name: ai-proxy
    route: nope
    config: {route_type: llm/v1/chat, model: {provider: bedrock}}
  - name: ai-proxy
    service: {name: ghost}
    config: {route_type: llm/v1/chat, model: {provider: bedrock}}
"#;
    assert_eq!(
        errors(yaml),
        vec![
            "routes[0].service: no service with id \"0000-none\"",
            "plugins[0].route: no route named \"nope\"",
            "plugins[1].service: no service named \"ghost\"",
            "routes[0]: route has no ai-proxy plugin; Quarry only serves AI routes",
        ]
    );
}

#[test]
fn non_bedrock_provider() {
    assert_eq!(
        errors(&with_config("          route_type: llm/v1/chat\n          model: {provider: azure, name: gpt-4}\n")),
        vec!["routes[0].plugins[0].config.model.provider: only \"bedrock\" is supported by Quarry, got \"azure\""]
    );
}

#[test]
fn duplicate_plugins_at_one_level() {
    let yaml = r#"
_format_version: "3.0"
services:
  - name: s
    plugins:
      - name: ai-proxy
        config: {route_type: llm/v1/chat, model: {provider: bedrock}}
    routes:
      - name: a
        paths: [/a]
plugins:
  - name: ai-proxy
    service: s
    config: {route_type: llm/v1/completions, model: {provider: bedrock}}
  - name: ai-proxy
    config: {route_type: llm/v1/chat, model: {provider: bedrock}}
  - name: ai-proxy
    enabled: false
    config: {route_type: llm/v1/chat, model: {provider: bedrock}}
"#;
    assert_eq!(
        errors(yaml),
        vec![
            "plugins[0]: duplicate ai-proxy plugin for service s (the first is at services[0].plugins[0])",
            "plugins[2]: duplicate ai-proxy plugin for the global scope (the first is at plugins[1])",
        ]
    );
}

#[test]
fn plugins_that_are_not_supported_yet() {
    let yaml = r#"
_format_version: "3.0"
routes:
  - name: a
    paths: [/a]
    plugins:
      - name: ai-proxy-advanced
        config: {}
      - name: prometheus
        enabled: false
"#;
    assert_eq!(
        errors(yaml),
        vec![
            "routes[0].plugins[0].name: plugin 'ai-proxy-advanced' is not supported yet",
            "routes[0]: route has no ai-proxy plugin; Quarry only serves AI routes",
        ]
    );
}

#[test]
fn fields_for_other_providers_are_rejected() {
    let yaml = with_config(
        "          route_type: llm/v1/chat\n          auth: {azure_client_id: x, gcp_use_service_account: true}\n          model:\n            provider: bedrock\n            options:\n              azure_instance: x\n              gemini: {project_id: p}\n              cohere: {embedding_input_type: clustering, wait_for_model: true}\n              context_window_factor: [{above: \"1\", input_factor: 1, output_factor: 1}]\n",
    );
    assert_eq!(
        errors(&yaml),
        vec![
            "routes[0].plugins[0].config.model.options.cohere.wait_for_model: not supported for the bedrock provider",
            "routes[0].plugins[0].config.model.options.azure_instance: not supported for the bedrock provider",
            "routes[0].plugins[0].config.model.options.context_window_factor: not supported for the bedrock provider",
            "routes[0].plugins[0].config.model.options.gemini.project_id: not supported for the bedrock provider",
            "routes[0].plugins[0].config.auth.azure_client_id: not supported for the bedrock provider",
            "routes[0].plugins[0].config.auth.gcp_use_service_account: not supported for the bedrock provider",
        ]
    );
}

#[test]
fn auth_rules() {
    let yaml = with_config(
        "          route_type: llm/v1/chat\n          model: {provider: bedrock}\n          auth:\n            allow_override: true\n            aws_access_key_id: AKIA\n            header_name: Authorization\n            param_location: query\n",
    );
    assert_eq!(
        errors(&yaml),
        vec![
            "routes[0].plugins[0].config.auth.allow_override: bedrock only supports auth.allow_override = false",
            "routes[0].plugins[0].config.auth.aws_secret_access_key: is required when auth.aws_access_key_id is set",
            "routes[0].plugins[0].config.auth.header_value: is required when auth.header_name is set",
            "routes[0].plugins[0].config.auth.param_name: is required when auth.param_location is set",
            "routes[0].plugins[0].config.auth.param_value: is required when auth.param_location is set",
        ]
    );
}

#[test]
fn auth_header_must_be_sendable() {
    let yaml = with_config(
        "          route_type: llm/v1/chat\n          model: {provider: bedrock}\n          auth:\n            header_name: \"x api key\"\n            header_value: \"Bearer abc\\r\\nX-Injected: 1\"\n",
    );
    assert_eq!(
        errors(&yaml),
        vec![
            "routes[0].plugins[0].config.auth.header_name: must be an HTTP header name (letters, digits and !#$%&'*+-.^_`|~)",
            "routes[0].plugins[0].config.auth.header_value: must not contain line breaks or other control characters",
        ]
    );
}

#[test]
fn url_and_s3_checks() {
    let yaml = with_config(
        "          route_type: llm/v1/chat\n          model:\n            provider: bedrock\n            options:\n              upstream_url: localhost:4000\n              bedrock: {aws_region: \"\", video_output_s3_uri: bucket/x, batch_role_arn: role}\n",
    );
    assert_eq!(
        errors(&yaml),
        vec![
            "routes[0].plugins[0].config.model.options.upstream_url: must be an absolute http:// or https:// URL, got \"localhost:4000\"",
            "routes[0].plugins[0].config.model.options.bedrock.aws_region: must not be empty",
            "routes[0].plugins[0].config.model.options.bedrock.video_output_s3_uri: must be an S3 URI (s3://bucket/prefix), got \"bucket/x\"",
            "routes[0].plugins[0].config.model.options.bedrock.batch_role_arn: must be an IAM role ARN (arn:...:role/...), got \"role\"",
        ]
    );
}

#[test]
fn route_rules() {
    let yaml = r#"
_format_version: "3.0"
services:
  - name: s
    routes:
      - name: dup
        paths: [/a]
      - name: dup
        hosts: ["a.*.com"]
        methods: ["GET /"]
      - name: empty
        service: s
        headers: {x-team: [a]}
        protocols: [tcp]
plugins:
  - name: ai-proxy
    config: {route_type: llm/v1/chat, model: {provider: bedrock}}
"#;
    assert_eq!(
        errors(yaml),
        vec![
            "services[0].routes[1].methods[0]: must be an HTTP method like \"POST\", got \"GET /\"",
            "services[0].routes[1].hosts[0]: invalid wildcard host \"a.*.com\": one '*' is allowed, as the leftmost or rightmost label",
            "services[0].routes[2].protocols[0]: only http and https routes are supported by Quarry, got \"tcp\"",
            "services[0].routes[2].headers: matching on headers is not supported by Quarry yet",
            "services[0].routes[2].service: cannot be set on a route nested under a service",
            "services[0].routes[1].name: duplicate route name \"dup\" (first used at services[0].routes[0])",
        ]
    );
    assert_eq!(
        errors("_format_version: \"3.0\"\nroutes: [{name: x, strip_path: false}]\n"),
        vec![
            "routes[0]: must set at least one of paths, methods, hosts or headers",
            "routes[0]: route has no ai-proxy plugin; Quarry only serves AI routes",
        ]
    );
}

#[test]
fn route_without_ai_proxy() {
    assert_eq!(
        errors("_format_version: \"3.0\"\nroutes: [{name: x, paths: [/x]}]\n"),
        vec!["routes[0]: route has no ai-proxy plugin; Quarry only serves AI routes"]
    );
}

#[test]
fn document_level_problems() {
    assert_eq!(errors(""), vec!["the configuration is empty"]);
    assert_eq!(
        errors("- a\n- b\n"),
        vec!["the configuration must be a mapping of Kong entities, got an array"]
    );
    assert_eq!(
        errors("_format_version: 3.0\nservicez: []\n"),
        vec![
            "_format_version: must be the string \"3.0\" (quote it), got 3.0",
            "servicez: unknown field",
        ]
    );
    let errs = errors("_format_version: \"3.0\"\nroutes: [\n");
    assert_eq!(errs.len(), 1);
    assert!(errs[0].starts_with("invalid YAML/JSON: "), "{}", errs[0]);
}

#[test]
fn consumer_problems() {
    let yaml = r#"
_format_version: "3.0"
consumers:
  - username: alice
    keyauth_credentials: [{key: "{vault://env/ALICE_KEY}"}]
  - username: alice
    keyauth_credentials: [{key: alice-super-secret-key}, {id: k2}]
    basicauth_credentials: [{username: a, password: b}]
  - tags: [nobody]
"#;
    assert_eq!(
        errors(yaml),
        vec![
            "consumers[1].basicauth_credentials: not supported by Quarry (only keyauth_credentials)",
            "consumers[1].keyauth_credentials[1].key: is required",
            "consumers[1].username: duplicate consumer username \"alice\" (first used at consumers[0].username)",
            "consumers[1].keyauth_credentials[0].key: duplicate key-auth key (already used at consumers[0].keyauth_credentials[0].key)",
            "consumers[2]: must set at least one of username or custom_id",
        ]
    );
}

#[test]
fn plugin_scoping_problems() {
    let yaml = r#"
_format_version: "3.0"
services:
  - name: s
    routes:
      - name: a
        paths: [/a]
        plugins:
          - name: ai-proxy
            service: s
            config: {route_type: llm/v1/chat, model: {provider: bedrock}}
plugins:
  - name: ai-proxy
    route: a
    config: {route_type: llm/v1/chat, model: {provider: bedrock}}
  - name: ai-proxy
    route: a
    service: s
    config: {route_type: llm/v1/chat, model: {provider: bedrock}}
  - name: ai-proxy
    consumer: {id: c1}
    config: {route_type: llm/v1/chat, model: {provider: bedrock}}
"#;
    assert_eq!(
        errors(yaml),
        vec![
            "services[0].routes[0].plugins[0].service: cannot be set on a plugin nested under a route",
            "plugins[2].consumer: consumer-scoped plugins are not supported by Quarry yet",
            "plugins[1]: a plugin scoped to both a route and a service is not supported by Quarry; scope it to the route",
            "plugins[0]: duplicate ai-proxy plugin for route a (the first is at services[0].routes[0].plugins[0])",
        ]
    );
}

#[test]
fn a_region_must_look_like_a_region_because_it_becomes_a_host_name() {
    let yaml = with_config(
        "          route_type: llm/v1/chat\n          model: {provider: bedrock, options: {bedrock: {aws_region: \"x@evil.com/\"}}}\n",
    );
    assert_eq!(
        errors(&yaml),
        vec!["routes[0].plugins[0].config.model.options.bedrock.aws_region: must be an AWS region such as us-east-1, got \"x@evil.com/\""]
    );
}

#[test]
fn a_temperature_above_bedrocks_range_is_a_warning() {
    let yaml = with_config(
        "          route_type: llm/v1/chat\n          model: {provider: bedrock, options: {temperature: 1.5}}\n",
    );
    let config = quarry_config::parse(&yaml, &|_| None).unwrap();
    assert!(config
        .warnings
        .iter()
        .any(|w| w.contains("routes[0].plugins[0].config.model.options.temperature: Bedrock models accept temperature 0 to 1")),
        "{:?}", config.warnings);
}

#[test]
fn openai_video_routes_need_an_output_s3_uri() {
    let yaml = with_config(
        "          route_type: video/v1/videos/generations\n          model: {provider: bedrock, name: amazon.nova-reel-v1:1}\n",
    );
    assert_eq!(
        errors(&yaml),
        vec!["routes[0].plugins[0].config.model.options.bedrock.video_output_s3_uri: is required for route_type video/v1/videos/generations (an s3:// URI where Bedrock writes the generated videos)"]
    );
    let native = with_config(
        "          route_type: video/v1/videos/generations\n          llm_format: bedrock\n          model: {provider: bedrock}\n",
    );
    support::ok(&native);
}
