//! The `key-auth` plugin: Kong's defaults, every field, route > service > global precedence,
//! the `anonymous` consumer reference, errors with paths, and the open-route warning.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use quarry_config::{Config, KeyAuth, Route};
use support::{errors, ok};

const AI_PROXY: &str =
    "{name: ai-proxy, config: {route_type: llm/v1/chat, model: {provider: bedrock}}}";

fn route<'c>(config: &'c Config, name: &str) -> &'c Route {
    config
        .routes
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no route {name}"))
}

fn open_route_warnings(config: &Config) -> Vec<&str> {
    config
        .warnings
        .iter()
        .filter(|w| w.contains("has no authentication plugin"))
        .map(String::as_str)
        .collect()
}

#[test]
fn a_bare_plugin_gets_kongs_defaults() {
    let yaml = format!(
        r#"
_format_version: "3.0"
routes:
  - name: chat
    paths: [/v1/chat/completions]
    plugins:
      - {AI_PROXY}
      - name: key-auth
consumers:
  - username: alice
    keyauth_credentials: [{{key: alice-key}}]
"#
    );
    let config = ok(&yaml);
    assert_eq!(
        route(&config, "chat").key_auth,
        Some(KeyAuth {
            plugin_path: "routes[0].plugins[1]".into(),
            key_names: vec!["apikey".into()],
            hide_credentials: false,
            key_in_header: true,
            key_in_query: true,
            key_in_body: false,
            anonymous: None,
            run_on_preflight: true,
            realm: None,
        })
    );
    assert_eq!(
        route(&config, "chat")
            .key_auth
            .as_ref()
            .unwrap()
            .realm_or_default(),
        "kong"
    );
    assert!(
        open_route_warnings(&config).is_empty(),
        "{:?}",
        config.warnings
    );
    assert!(config.warnings.is_empty(), "{:?}", config.warnings);
}

#[test]
fn every_field_is_read() {
    let yaml = format!(
        r#"
_format_version: "3.0"
routes:
  - name: chat
    paths: [/v1/chat/completions]
    plugins:
      - {AI_PROXY}
      - name: key-auth
        instance_name: keys
        protocols: [http, https]
        config:
          key_names: [x-api-key, api_key]
          hide_credentials: true
          key_in_header: false
          key_in_query: true
          key_in_body: false
          anonymous: guest-id
          run_on_preflight: false
          realm: quarry api
consumers:
  - id: guest-id
    username: guest
  - username: alice
    keyauth_credentials: [{{key: alice-key}}]
"#
    );
    let config = ok(&yaml);
    let k = route(&config, "chat").key_auth.clone().unwrap();
    assert_eq!(k.key_names, vec!["x-api-key", "api_key"]);
    assert!(k.hide_credentials);
    assert!(!k.key_in_header);
    assert!(k.key_in_query);
    assert!(!k.key_in_body);
    assert_eq!(k.anonymous.as_deref(), Some("guest-id"));
    assert!(!k.run_on_preflight);
    assert_eq!(k.realm_or_default(), "quarry api");
    assert_eq!(config.consumers[0].id.as_deref(), Some("guest-id"));
}

/// Route plugin beats service plugin beats global plugin; a disabled plugin does not count.
#[test]
fn precedence_is_route_then_service_then_global() {
    let yaml = format!(
        r#"
_format_version: "3.0"
services:
  - name: s
    plugins:
      - {AI_PROXY}
      - name: key-auth
        config: {{key_names: [service-key]}}
    routes:
      - name: own
        paths: [/own]
        plugins:
          - name: key-auth
            config: {{key_names: [route-key]}}
      - name: inherits
        paths: [/inherits]
      - name: disabled-own
        paths: [/disabled]
        plugins:
          - name: key-auth
            enabled: false
            config: {{key_names: [never-used]}}
routes:
  - name: global-only
    paths: [/global]
    plugins:
      - {AI_PROXY}
  - name: scoped-by-reference
    paths: [/scoped]
    plugins:
      - {AI_PROXY}
plugins:
  - name: key-auth
    config: {{key_names: [global-key]}}
  - name: key-auth
    route: scoped-by-reference
    config: {{key_names: [referenced-key]}}
consumers:
  - username: alice
    keyauth_credentials: [{{key: alice-key}}]
"#
    );
    let config = ok(&yaml);
    let names = |r: &str| {
        let k = route(&config, r).key_auth.as_ref().unwrap();
        (k.key_names.clone(), k.plugin_path.clone())
    };
    assert_eq!(
        names("own"),
        (
            vec!["route-key".to_string()],
            "services[0].routes[0].plugins[0]".to_string()
        )
    );
    assert_eq!(
        names("inherits"),
        (
            vec!["service-key".to_string()],
            "services[0].plugins[1]".to_string()
        )
    );
    assert_eq!(
        names("disabled-own"),
        (
            vec!["service-key".to_string()],
            "services[0].plugins[1]".to_string()
        )
    );
    assert_eq!(
        names("global-only"),
        (vec!["global-key".to_string()], "plugins[0]".to_string())
    );
    assert_eq!(
        names("scoped-by-reference"),
        (vec!["referenced-key".to_string()], "plugins[1]".to_string())
    );
    assert!(
        open_route_warnings(&config).is_empty(),
        "{:?}",
        config.warnings
    );
}

#[test]
fn the_open_route_warning_names_only_routes_without_key_auth() {
    let yaml = format!(
        r#"
_format_version: "3.0"
routes:
  - name: protected
    paths: [/protected]
    plugins:
      - {AI_PROXY}
      - name: key-auth
  - name: open
    paths: [/open]
    plugins:
      - {AI_PROXY}
  - name: switched-off
    paths: [/off]
    plugins:
      - {AI_PROXY}
      - name: key-auth
        enabled: false
consumers:
  - username: alice
    keyauth_credentials: [{{key: alice-key}}]
"#
    );
    let config = ok(&yaml);
    assert!(route(&config, "protected").key_auth.is_some());
    assert!(route(&config, "open").key_auth.is_none());
    assert!(route(&config, "switched-off").key_auth.is_none());
    assert_eq!(
        open_route_warnings(&config),
        vec![
            "route open has no authentication plugin: anyone who can reach it can use it",
            "route switched-off has no authentication plugin: anyone who can reach it can use it",
        ]
    );
}

#[test]
fn settings_that_cannot_work_are_warned_about() {
    let yaml = format!(
        r#"
_format_version: "3.0"
routes:
  - name: a
    paths: [/a]
    plugins:
      - {AI_PROXY}
      - name: key-auth
        config: {{key_in_header: false, key_in_query: false}}
  - name: b
    paths: [/b]
    plugins:
      - {AI_PROXY}
      - name: key-auth
        config: {{key_in_body: true}}
"#
    );
    let config = ok(&yaml);
    assert_eq!(
        config.warnings,
        vec![
            "routes[0].plugins[1].config: key_in_header, key_in_query and key_in_body are all \
             false: no key is ever read, so every request is refused (or runs as the anonymous \
             consumer)",
            "routes[1].plugins[1].config.key_in_body: Quarry does not read keys from request \
             bodies yet; clients must send the key in a header, the query string or \
             Authorization: Bearer",
            "key-auth protects 2 route(s) but no consumer has a keyauth_credentials key: their \
             requests are refused (or run as the anonymous consumer)",
        ]
    );
}

#[test]
fn bad_fields_are_errors_at_their_paths() {
    let yaml = format!(
        r#"
_format_version: "3.0"
routes:
  - name: a
    paths: [/a]
    plugins:
      - {AI_PROXY}
      - name: key-auth
        config:
          key_name: [apikey]
          key_names: [x-api-key, "bad name", 7]
          hide_credentials: "yes"
          anonymous: ""
          realm: 'say "hi"'
  - name: b
    paths: [/b]
    plugins:
      - {AI_PROXY}
      - name: key-auth
        config: {{key_names: []}}
  - name: c
    paths: [/c]
    plugins:
      - {AI_PROXY}
      - name: key-auth
        config: [apikey]
"#
    );
    assert_eq!(
        errors(&yaml),
        vec![
            "routes[0].plugins[1].config.key_names[2]: must be a string, got 7",
            "routes[0].plugins[1].config.key_names[1]: must be a header name (letters, digits, '_' and '-'), got \"bad name\"",
            "routes[0].plugins[1].config.hide_credentials: must be a boolean (true or false), got \"yes\"",
            "routes[0].plugins[1].config.anonymous: must not be empty",
            "routes[0].plugins[1].config.realm: must be printable ASCII without '\"' or '\\' (it is sent in a header), got \"say \\\"hi\\\"\"",
            "routes[0].plugins[1].config.key_name: unknown field",
            "routes[1].plugins[1].config.key_names: must list at least one name (Kong's default is [\"apikey\"])",
            "routes[2].plugins[1].config: must be an object, got an array",
        ]
    );
}

#[test]
fn anonymous_must_name_a_consumer_by_id_or_username() {
    let yaml = format!(
        r#"
_format_version: "3.0"
routes:
  - name: by-username
    paths: [/a]
    plugins:
      - {AI_PROXY}
      - name: key-auth
        config: {{anonymous: guest}}
  - name: by-custom-id
    paths: [/b]
    plugins:
      - {AI_PROXY}
      - name: key-auth
        config: {{anonymous: guest-custom}}
  - name: unknown
    paths: [/c]
    plugins:
      - {AI_PROXY}
      - name: key-auth
        config: {{anonymous: nobody}}
consumers:
  - username: guest
    custom_id: guest-custom
"#
    );
    assert_eq!(
        errors(&yaml),
        vec![
            "routes[1].plugins[1].config.anonymous: no consumer with id or username \"guest-custom\"",
            "routes[2].plugins[1].config.anonymous: no consumer with id or username \"nobody\"",
        ]
    );
}

#[test]
fn one_key_auth_per_scope() {
    let yaml = format!(
        r#"
_format_version: "3.0"
routes:
  - name: r
    paths: [/r]
    plugins:
      - {AI_PROXY}
      - name: key-auth
      - name: key-auth
        config: {{hide_credentials: true}}
consumers:
  - id: c1
    username: a
  - id: c1
    username: b
"#
    );
    assert_eq!(
        errors(&yaml),
        vec![
            "consumers[1].id: duplicate consumer id \"c1\" (first used at consumers[0].id)",
            "routes[0].plugins[2]: duplicate key-auth plugin for route r (the first is at routes[0].plugins[1])",
        ]
    );
}

#[test]
fn keys_stay_out_of_debug_output() {
    let yaml = format!(
        r#"
_format_version: "3.0"
routes:
  - name: chat
    paths: [/v1/chat/completions]
    plugins:
      - {AI_PROXY}
      - name: key-auth
consumers:
  - username: alice
    keyauth_credentials: [{{key: "{{vault://env/ALICE_KEY}}"}}]
"#
    );
    let config = ok(&yaml);
    assert_eq!(
        config.consumers[0].keyauth_credentials[0].expose(),
        "alice-super-secret-key"
    );
    assert!(!format!("{config:?}").contains("alice-super-secret-key"));
}
