//! Route entities (nested under a service or top-level): matching fields, Kong's
//! defaults, path regexes, and the route's own plugins.

use serde_json::Value;

use crate::common::{entity_ref, reject_if_set, tags, EntityRef};
use crate::plugins::{self, Nesting, PluginEntry};
use crate::reader::{check_one_of, object_at, quote, Ctx, Obj, Text};
use crate::types::PathMatcher;

/// A validated route entity, before its service and plugins are resolved.
#[derive(Debug, Clone)]
pub(crate) struct RouteEntry {
    pub(crate) path: String,
    pub(crate) name: Option<String>,
    pub(crate) id: Option<String>,
    /// The enclosing service, for routes nested under `services[i]`.
    pub(crate) parent_service: Option<usize>,
    /// A top-level route's `service:` reference, with its path.
    pub(crate) service_ref: Option<(String, EntityRef)>,
    pub(crate) matching: Matching,
    pub(crate) plugins: Vec<PluginEntry>,
}

/// The matching-related fields with Kong's defaults applied.
#[derive(Debug, Clone)]
pub(crate) struct Matching {
    pub(crate) paths: Vec<PathMatcher>,
    pub(crate) methods: Vec<String>,
    pub(crate) hosts: Vec<String>,
    pub(crate) strip_path: bool,
    pub(crate) preserve_host: bool,
    pub(crate) regex_priority: i64,
}

const ROUTE_PROTOCOLS: &[&str] = &[
    "grpc",
    "grpcs",
    "http",
    "https",
    "tcp",
    "tls",
    "tls_passthrough",
    "udp",
    "ws",
    "wss",
];

pub(crate) fn parse(
    ctx: &mut Ctx<'_>,
    path: String,
    value: &Value,
    parent_service: Option<usize>,
) -> Option<RouteEntry> {
    let mut r = object_at(ctx, path.clone(), value)?;
    let name = r.nonempty(ctx, "name");
    let id = r.nonempty(ctx, "id");
    protocols(ctx, &mut r, name.as_deref().unwrap_or(&path));

    let paths: Vec<PathMatcher> = r
        .strings(ctx, "paths")
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(p, t)| path_matcher(ctx, &p, t))
        .collect();
    let methods: Vec<String> = r
        .strings(ctx, "methods")
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(p, t)| method(ctx, &p, t))
        .collect();
    let hosts: Vec<String> = r
        .strings(ctx, "hosts")
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(p, t)| host(ctx, &p, t))
        .collect();
    let has_headers = r.has("headers");
    reject_if_set(
        ctx,
        &mut r,
        "headers",
        "matching on headers is not supported by Quarry yet",
    );
    reject_if_set(
        ctx,
        &mut r,
        "snis",
        "matching on SNIs is not supported by Quarry",
    );
    for key in ["sources", "destinations"] {
        reject_if_set(
            ctx,
            &mut r,
            key,
            "stream routes are not supported by Quarry",
        );
    }
    for key in ["expression", "priority"] {
        reject_if_set(
            ctx,
            &mut r,
            key,
            "expression routes are not supported by Quarry",
        );
    }

    let strip_path = r.bool(ctx, "strip_path").unwrap_or(true);
    let preserve_host = r.bool(ctx, "preserve_host").unwrap_or(false);
    let regex_priority = r
        .integer(ctx, "regex_priority", i64::MIN, i64::MAX)
        .unwrap_or(0);
    r.one_of(ctx, "path_handling", &["v0", "v1"]);
    if let Some(code) = r.integer(ctx, "https_redirect_status_code", 0, i64::MAX) {
        if ![426, 301, 302, 307, 308].contains(&code) {
            ctx.error(
                &r.child("https_redirect_status_code"),
                format!("must be one of 426, 301, 302, 307, 308, got {code}"),
            );
        }
    }
    r.bool(ctx, "request_buffering");
    r.bool(ctx, "response_buffering");
    tags(ctx, &mut r);
    r.ignore(&["created_at", "updated_at"]);

    let service_ref = if parent_service.is_some() {
        if r.take("service").is_some() {
            ctx.error(
                &r.child("service"),
                "cannot be set on a route nested under a service",
            );
        }
        None
    } else {
        entity_ref(ctx, &mut r, "service")
    };
    let plugins = plugin_list(ctx, &mut r);

    if paths.is_empty() && methods.is_empty() && hosts.is_empty() && !has_headers {
        // Only complain when nothing was given at all; invalid entries were reported already.
        if !r.has("paths") && !r.has("methods") && !r.has("hosts") {
            ctx.error(
                &path,
                "must set at least one of paths, methods, hosts or headers",
            );
        }
    }
    r.finish(ctx);
    Some(RouteEntry {
        path,
        name,
        id,
        parent_service,
        service_ref,
        matching: Matching {
            paths,
            methods,
            hosts,
            strip_path,
            preserve_host,
            regex_priority,
        },
        plugins,
    })
}

/// Parses the `plugins` array of a route.
fn plugin_list(ctx: &mut Ctx<'_>, r: &mut Obj<'_>) -> Vec<PluginEntry> {
    r.array(ctx, "plugins")
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(p, v)| plugins::parse(ctx, p, v, Nesting::Route))
        .collect()
}

fn protocols(ctx: &mut Ctx<'_>, r: &mut Obj<'_>, route_name: &str) {
    let Some(list) = r.strings(ctx, "protocols") else {
        return;
    };
    let mut has_http = false;
    for (p, t) in &list {
        if !check_one_of(ctx, p, t, ROUTE_PROTOCOLS) {
            continue;
        }
        match t.value.as_str() {
            "http" => has_http = true,
            "https" => {}
            _ => ctx.error(
                p,
                format!(
                    "only http and https routes are supported by Quarry, got {}",
                    t.describe()
                ),
            ),
        }
    }
    if !has_http && !list.is_empty() {
        ctx.warn(format!(
            "route {route_name} lists only https in protocols; Quarry does not enforce route protocols (terminate TLS in front of it)"
        ));
    }
}

/// `/prefix` or `~regex` (anchored at the start, like Kong).
fn path_matcher(ctx: &mut Ctx<'_>, path: &str, text: Text) -> Option<PathMatcher> {
    let value = text.value;
    if let Some(pattern) = value.strip_prefix('~') {
        return match regex::Regex::new(&format!("^(?:{pattern})")) {
            Ok(regex) => Some(PathMatcher::Regex {
                pattern: pattern.to_string(),
                regex,
            }),
            Err(e) => {
                ctx.error(path, format!("invalid regex: {}", regex_reason(&e)));
                None
            }
        };
    }
    if value.starts_with('/') {
        return Some(PathMatcher::Prefix(value));
    }
    ctx.error(
        path,
        format!(
            "must start with \"/\" (a prefix) or \"~\" (a regex), got {}",
            quote(&value)
        ),
    );
    None
}

/// The one-line reason from a (multi-line) regex error.
fn regex_reason(e: &regex::Error) -> String {
    let full = e.to_string();
    full.lines()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .map(str::to_string)
        .unwrap_or_else(|| full.lines().last().unwrap_or_default().trim().to_string())
}

fn method(ctx: &mut Ctx<'_>, path: &str, text: Text) -> Option<String> {
    if !text.value.is_empty() && text.value.chars().all(|c| c.is_ascii_alphabetic()) {
        return Some(text.value.to_ascii_uppercase());
    }
    ctx.error(
        path,
        format!(
            "must be an HTTP method like \"POST\", got {}",
            text.describe()
        ),
    );
    None
}

/// Kong hosts: a name (optionally with `:port`), with at most one `*` as the
/// leftmost or rightmost label.
fn host(ctx: &mut Ctx<'_>, path: &str, text: Text) -> Option<String> {
    let host = text.value.to_ascii_lowercase();
    let chars_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '*' | ':' | '_'));
    if !chars_ok {
        ctx.error(
            path,
            format!("must be a host name, got {}", text.describe()),
        );
        return None;
    }
    let stars = host.matches('*').count();
    let wildcard_ok =
        stars == 0 || (stars == 1 && (host.starts_with("*.") || host.ends_with(".*")));
    if !wildcard_ok {
        ctx.error(
            path,
            format!(
                "invalid wildcard host {}: one '*' is allowed, as the leftmost or rightmost label",
                text.describe()
            ),
        );
        return None;
    }
    Some(host)
}
