//! Service entities: Kong's upstream fields (accepted; ai-proxy chooses the real
//! upstream), timeouts and retries with Kong's defaults, nested routes and plugins.

use serde_json::Value;

use crate::common::tags;
use crate::plugins::{self, Nesting, PluginEntry};
use crate::reader::{check_one_of, object_at, Ctx, Obj};
use crate::routes::{self, RouteEntry};
use crate::types::Service;

/// A validated service entity with its nested routes and plugins.
#[derive(Debug, Clone)]
pub(crate) struct ServiceEntry {
    pub(crate) path: String,
    pub(crate) name: Option<String>,
    pub(crate) id: Option<String>,
    pub(crate) enabled: bool,
    pub(crate) service: Service,
    pub(crate) plugins: Vec<PluginEntry>,
    pub(crate) routes: Vec<RouteEntry>,
}

const PROTOCOLS: &[&str] = &[
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

const MAX_TIMEOUT_MS: i64 = 2_147_483_646;

pub(crate) fn parse(
    ctx: &mut Ctx<'_>,
    path: String,
    value: &Value,
    index: usize,
) -> Option<ServiceEntry> {
    let mut s = object_at(ctx, path.clone(), value)?;
    let name = s.nonempty(ctx, "name");
    let id = s.nonempty(ctx, "id");
    upstream(ctx, &mut s);
    let timeout = |ctx: &mut Ctx<'_>, s: &mut Obj<'_>, key| {
        s.integer(ctx, key, 1, MAX_TIMEOUT_MS)
            .and_then(|v| u64::try_from(v).ok())
            .unwrap_or(60_000)
    };
    let service = Service {
        name: name.clone().unwrap_or_else(|| path.clone()),
        connect_timeout_ms: timeout(ctx, &mut s, "connect_timeout"),
        read_timeout_ms: timeout(ctx, &mut s, "read_timeout"),
        write_timeout_ms: timeout(ctx, &mut s, "write_timeout"),
        retries: s
            .integer(ctx, "retries", 0, 32_767)
            .and_then(|v| u32::try_from(v).ok())
            .unwrap_or(5),
    };
    let enabled = s.bool(ctx, "enabled").unwrap_or(true);
    tags(ctx, &mut s);
    s.bool(ctx, "tls_verify");
    s.integer(ctx, "tls_verify_depth", 0, 64);
    s.strings(ctx, "ca_certificates");
    client_certificate(ctx, &mut s);
    s.ignore(&["created_at", "updated_at"]);

    let plugins = s
        .array(ctx, "plugins")
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(p, v)| plugins::parse(ctx, p, v, Nesting::Service))
        .collect();
    let routes = s
        .array(ctx, "routes")
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(p, v)| routes::parse(ctx, p, v, Some(index)))
        .collect();
    s.finish(ctx);
    Some(ServiceEntry {
        path,
        name,
        id,
        enabled,
        service,
        plugins,
        routes,
    })
}

/// `url`, or `protocol`/`host`/`port`/`path`. Checked for shape only: `ai-proxy`
/// sends requests to Bedrock (or `upstream_url`), never to the service's upstream.
fn upstream(ctx: &mut Ctx<'_>, s: &mut Obj<'_>) {
    let parts_given = ["protocol", "host", "port", "path"]
        .iter()
        .any(|k| s.has(k));
    if let Some(url) = s.string(ctx, "url") {
        if parts_given {
            ctx.error(
                &s.child("url"),
                "cannot be combined with protocol, host, port or path",
            );
        } else if !is_url(&url.value) {
            ctx.error(
                &s.child("url"),
                format!(
                    "must be an absolute URL like \"http://localhost:8080\", got {}",
                    url.describe()
                ),
            );
        }
    }
    if let Some(protocol) = s.string(ctx, "protocol") {
        check_one_of(ctx, &s.child("protocol"), &protocol, PROTOCOLS);
    }
    s.nonempty(ctx, "host");
    s.integer(ctx, "port", 0, 65_535);
    if let Some(p) = s.string(ctx, "path") {
        if !p.value.starts_with('/') {
            ctx.error(
                &s.child("path"),
                format!("must start with \"/\", got {}", p.describe()),
            );
        }
    }
}

fn is_url(url: &str) -> bool {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            PROTOCOLS.contains(&scheme.to_ascii_lowercase().as_str())
                && rest
                    .split(['/', '?', '#'])
                    .next()
                    .is_some_and(|host| !host.is_empty())
                && !url.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// `client_certificate`: an id string or `{id: ..}`; accepted (mTLS to the service's own
/// upstream does not apply to Bedrock).
fn client_certificate(ctx: &mut Ctx<'_>, s: &mut Obj<'_>) {
    let path = s.child("client_certificate");
    match s.take("client_certificate") {
        None | Some(Value::String(_)) => {}
        Some(v @ Value::Object(_)) => {
            if let Some(mut c) = object_at(ctx, path, v) {
                c.nonempty(ctx, "id");
                c.finish(ctx);
            }
        }
        Some(_) => ctx.error(&path, "must be a certificate id or {id: ...}"),
    }
}

#[cfg(test)]
mod tests {
    use super::is_url;

    #[test]
    fn service_urls() {
        assert!(is_url("http://localhost:8080"));
        assert!(is_url("https://example.com/path"));
        assert!(!is_url("localhost:8080"));
        assert!(!is_url("gopher://x"));
        assert!(!is_url("http:///x"));
    }
}
