//! Plugin entities: the fields every Kong plugin has, its scope (route, service,
//! global), and dispatch by name to the module that validates its `config`.
//! Supporting another plugin means a new module here plus one arm in [`kind`].

pub mod ai_proxy;
pub mod key_auth;

use serde_json::Value;

use crate::common::{entity_ref, tags, EntityRef};
use crate::reader::{check_one_of, object_at, Ctx, Obj};
use ai_proxy::AiProxy;
use key_auth::KeyAuth;

/// Where a plugin was declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Nesting {
    TopLevel,
    Service,
    Route,
}

/// A validated plugin entity, before scopes are resolved.
#[derive(Debug, Clone)]
pub(crate) struct PluginEntry {
    pub(crate) path: String,
    pub(crate) name: String,
    pub(crate) enabled: bool,
    /// Top-level plugins only: `route:` / `service:` scoping references, with their paths.
    pub(crate) route_ref: Option<(String, EntityRef)>,
    pub(crate) service_ref: Option<(String, EntityRef)>,
    /// For `ai-proxy`: the validated config, `None` if it had errors (already reported).
    pub(crate) ai_proxy: Option<AiProxy>,
    /// For `key-auth`: the validated config, `None` if it had errors (already reported).
    pub(crate) key_auth: Option<KeyAuth>,
}

pub(crate) const AI_PROXY: &str = "ai-proxy";
pub(crate) const KEY_AUTH: &str = "key-auth";

enum Kind {
    AiProxy,
    KeyAuth,
    /// Known Kong plugins that Quarry will support later.
    NotYet,
}

fn kind(name: &str) -> Option<Kind> {
    match name {
        AI_PROXY => Some(Kind::AiProxy),
        KEY_AUTH => Some(Kind::KeyAuth),
        "ai-proxy-advanced" | "prometheus" => Some(Kind::NotYet),
        _ => None,
    }
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

/// Validates one plugin entity; `None` when it has no usable name.
pub(crate) fn parse(
    ctx: &mut Ctx<'_>,
    path: String,
    value: &Value,
    nesting: Nesting,
) -> Option<PluginEntry> {
    let mut p = object_at(ctx, path.clone(), value)?;
    let name = p.required_string(ctx, "name").map(|t| t.value);
    let enabled = p.bool(ctx, "enabled").unwrap_or(true);
    p.nonempty(ctx, "id");
    p.nonempty(ctx, "instance_name");
    for (item_path, protocol) in p.strings(ctx, "protocols").unwrap_or_default() {
        check_one_of(ctx, &item_path, &protocol, PROTOCOLS);
    }
    tags(ctx, &mut p);
    ordering(ctx, &mut p);
    p.ignore(&["created_at", "updated_at"]);

    let (route_ref, service_ref) = match nesting {
        Nesting::TopLevel => (
            entity_ref(ctx, &mut p, "route"),
            entity_ref(ctx, &mut p, "service"),
        ),
        Nesting::Service | Nesting::Route => {
            let parent = if nesting == Nesting::Service {
                "service"
            } else {
                "route"
            };
            for key in ["route", "service"] {
                if p.take(key).is_some() {
                    ctx.error(
                        &p.child(key),
                        format!("cannot be set on a plugin nested under a {parent}"),
                    );
                }
            }
            (None, None)
        }
    };
    for key in ["consumer", "consumer_group"] {
        if p.take(key).is_some() {
            ctx.error(
                &p.child(key),
                "consumer-scoped plugins are not supported by Quarry yet",
            );
        }
    }

    let config = p.take("config");
    let mut ai_proxy = None;
    let mut key_auth = None;
    if let Some(name) = &name {
        match kind(name) {
            Some(Kind::AiProxy) => ai_proxy = ai_proxy::parse(ctx, &path, config),
            Some(Kind::KeyAuth) => key_auth = key_auth::parse(ctx, &path, config),
            Some(Kind::NotYet) if enabled => ctx.error(
                &p.child("name"),
                format!("plugin '{name}' is not supported yet"),
            ),
            Some(Kind::NotYet) => ctx.warn(format!(
                "{path}: disabled plugin '{name}' is ignored (not supported yet)"
            )),
            None => ctx.error(&p.child("name"), format!("unknown plugin '{name}'")),
        }
    }
    p.finish(ctx);
    Some(PluginEntry {
        path,
        name: name?,
        enabled,
        route_ref,
        service_ref,
        ai_proxy,
        key_auth,
    })
}

/// Kong Enterprise's dynamic ordering (`ordering.before.access: [...]`): checked, then ignored.
fn ordering(ctx: &mut Ctx<'_>, p: &mut Obj<'_>) {
    let Some(mut ordering) = p.object(ctx, "ordering") else {
        return;
    };
    for key in ["before", "after"] {
        if let Some(mut phase) = ordering.object(ctx, key) {
            phase.strings(ctx, "access");
            phase.finish(ctx);
        }
    }
    let path = ordering.path().to_string();
    ordering.finish(ctx);
    ctx.warn(format!(
        "{path}: dynamic plugin ordering is ignored by Quarry"
    ));
}
