#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Kong's matching rules, on routes parsed from real config text.

use super::*;

fn router(routes_yaml: &str) -> Router {
    let text = format!(
        r#"_format_version: "3.0"
plugins:
  - name: ai-proxy
    config:
      route_type: llm/v1/chat
      model: {{provider: bedrock}}
services:
  - name: s
    url: http://x.invalid
    routes:
{routes_yaml}"#
    );
    let config = quarry_config::parse(&text, &|_| None).unwrap_or_else(|e| panic!("{e:?}"));
    Router::new(config.routes)
}

fn name(r: &Router, method: &str, host: Option<&str>, path: &str) -> Option<String> {
    r.find(method, host, path)
        .map(|m| r.route(m.route).name.clone())
}

#[test]
fn longest_prefix_wins_regardless_of_order() {
    let r = router(
        r#"      - {name: short, paths: ["/v1"]}
      - {name: long, paths: ["/v1/chat"]}
"#,
    );
    assert_eq!(
        name(&r, "POST", None, "/v1/chat/completions").as_deref(),
        Some("long")
    );
    assert_eq!(
        name(&r, "POST", None, "/v1/embeddings").as_deref(),
        Some("short")
    );
    assert_eq!(name(&r, "POST", None, "/v2/chat"), None);
    assert_eq!(
        r.find("POST", None, "/v1/chat/x").unwrap().matched_len,
        "/v1/chat".len()
    );
}

#[test]
fn regex_paths_are_anchored_and_ordered_by_priority() {
    let r = router(
        r#"      - {name: prefix, paths: ["/ai"]}
      - {name: low, paths: ["~/ai/[a-z]+/chat$"], regex_priority: 1}
      - {name: high, paths: ["~/ai/team-[0-9]+/chat$"], regex_priority: 5}
"#,
    );
    assert_eq!(
        name(&r, "POST", None, "/ai/team-7/chat").as_deref(),
        Some("high")
    );
    assert_eq!(
        name(&r, "POST", None, "/ai/sales/chat").as_deref(),
        Some("low")
    );
    assert_eq!(
        name(&r, "POST", None, "/ai/sales/other").as_deref(),
        Some("prefix")
    );
    // Anchored at the start: a regex does not match in the middle of a path.
    assert_eq!(name(&r, "POST", None, "/x/ai/sales/chat"), None);
}

#[test]
fn methods_and_hosts_must_match_and_make_a_route_more_specific() {
    let r = router(
        r#"      - {name: any, paths: ["/v1"]}
      - {name: post-only, paths: ["/v1"], methods: ["POST"]}
      - {name: team, paths: ["/v1"], methods: ["POST"], hosts: ["*.team.example.com"]}
      - {name: exact-host, hosts: ["api.example.com"]}
"#,
    );
    assert_eq!(
        name(&r, "POST", Some("a.team.example.com"), "/v1/x").as_deref(),
        Some("team")
    );
    assert_eq!(
        name(&r, "POST", Some("other.com"), "/v1/x").as_deref(),
        Some("post-only")
    );
    assert_eq!(
        name(&r, "GET", Some("other.com"), "/v1/x").as_deref(),
        Some("any")
    );
    assert_eq!(
        name(&r, "GET", Some("API.example.com"), "/zzz").as_deref(),
        Some("exact-host")
    );
    assert_eq!(
        name(&r, "GET", Some("team.example.com"), "/zzz"),
        None,
        "wildcard needs a label"
    );
}
