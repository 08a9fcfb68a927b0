//! The top level of a declarative file: `_format_version`, meta keys, and the entity
//! lists Quarry understands. Other Kong entities are reported, not ignored.

use serde_json::Value;

use crate::assemble;
use crate::consumers;
use crate::plugins::{self, Nesting};
use crate::reader::{describe, object_at, Ctx, Obj};
use crate::routes;
use crate::services::{self, ServiceEntry};
use crate::types::Config;

/// Kong entities that may appear at the top level but that Quarry does not handle.
const UNSUPPORTED_ENTITIES: &[&str] = &[
    "upstreams",
    "targets",
    "certificates",
    "ca_certificates",
    "snis",
    "consumer_groups",
    "vaults",
    "keys",
    "key_sets",
    "partials",
    "filter_chains",
    "licenses",
    "workspaces",
    "keyauth_credentials",
    "basicauth_credentials",
    "hmacauth_credentials",
    "jwt_secrets",
    "oauth2_credentials",
    "mtls_auth_credentials",
    "acls",
];

/// Walks the whole document; `None` only when the root is not a mapping.
pub(crate) fn parse_document(ctx: &mut Ctx<'_>, root: &Value) -> Option<Config> {
    let mut top = match root {
        Value::Object(_) => object_at(ctx, String::new(), root)?,
        Value::Null => {
            ctx.error("", "the configuration is empty");
            return None;
        }
        other => {
            ctx.error(
                "",
                format!(
                    "the configuration must be a mapping of Kong entities, got {}",
                    describe(other)
                ),
            );
            return None;
        }
    };
    format_version(ctx, &mut top);
    top.bool(ctx, "_transform");
    top.string(ctx, "_workspace");
    top.ignore(&["_comment", "_info", "_konnect"]);
    for key in UNSUPPORTED_ENTITIES {
        if top.take(key).is_some() {
            ctx.error(key, "not supported by Quarry");
        }
    }

    let mut services: Vec<ServiceEntry> = Vec::new();
    for (path, value) in top.array(ctx, "services").unwrap_or_default() {
        if let Some(service) = services::parse(ctx, path, value, services.len()) {
            services.push(service);
        }
    }
    let routes = top
        .array(ctx, "routes")
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(path, value)| routes::parse(ctx, path, value, None))
        .collect();
    let plugins = top
        .array(ctx, "plugins")
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(path, value)| plugins::parse(ctx, path, value, Nesting::TopLevel))
        .collect();
    let consumers_list = top.array(ctx, "consumers").unwrap_or_default();
    let consumers = consumers::parse_all(ctx, consumers_list);
    top.finish(ctx);
    Some(assemble::assemble(
        ctx, services, routes, plugins, consumers,
    ))
}

fn format_version(ctx: &mut Ctx<'_>, top: &mut Obj<'_>) {
    const KEY: &str = "_format_version";
    match top.take(KEY) {
        None => ctx.error(KEY, "is required (use \"3.0\")"),
        Some(Value::String(v)) if v == "3.0" => {}
        Some(Value::String(v)) => ctx.error(
            KEY,
            format!("must be \"3.0\", got {v:?} (Quarry reads Kong 3.x declarative files)"),
        ),
        Some(other) => ctx.error(
            KEY,
            format!(
                "must be the string \"3.0\" (quote it), got {}",
                describe(other)
            ),
        ),
    }
}
