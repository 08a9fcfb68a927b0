//! Cross-entity resolution: service and route references, plugin scopes, the
//! effective `ai-proxy` and `key-auth` plugins of each route (route > service > global),
//! key-auth's `anonymous` consumer, and the final `Config`.

use std::collections::HashMap;

use crate::common::EntityRef;
use crate::plugins::{PluginEntry, AI_PROXY, KEY_AUTH};
use crate::reader::Ctx;
use crate::routes::RouteEntry;
use crate::services::ServiceEntry;
use crate::types::{Config, Consumer, Route};

/// Where a plugin applies. Kong allows one plugin of a name per scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Scope {
    Route(usize),
    Service(usize),
    Global,
}

/// A plugin of one name declared for one scope.
struct Slot<T> {
    path: String,
    enabled: bool,
    /// `None` when its config had errors (already reported).
    config: Option<T>,
}

/// The plugins named `name`, by scope; a second one in the same scope is an error.
fn slots_for<T>(
    ctx: &mut Ctx<'_>,
    scoped: &[(Scope, PluginEntry)],
    name: &str,
    config: impl Fn(&PluginEntry) -> Option<T>,
    describe_scope: &dyn Fn(Scope) -> String,
) -> HashMap<Scope, Slot<T>> {
    let mut slots: HashMap<Scope, Slot<T>> = HashMap::new();
    for (scope, plugin) in scoped.iter().filter(|(_, p)| p.name == name) {
        if let Some(first) = slots.get(scope) {
            ctx.error(
                &plugin.path,
                format!(
                    "duplicate {name} plugin for {} (the first is at {})",
                    describe_scope(*scope),
                    first.path
                ),
            );
            continue;
        }
        slots.insert(
            *scope,
            Slot {
                path: plugin.path.clone(),
                enabled: plugin.enabled,
                config: config(plugin),
            },
        );
    }
    slots
}

/// Kong's precedence: the route's plugin, else its service's, else the global one. A disabled
/// plugin is not loaded, so the next level applies.
fn effective<T>(
    slots: &HashMap<Scope, Slot<T>>,
    route: usize,
    service: Option<usize>,
) -> Option<&Slot<T>> {
    [
        Some(Scope::Route(route)),
        service.map(Scope::Service),
        Some(Scope::Global),
    ]
    .into_iter()
    .flatten()
    .filter_map(|scope| slots.get(&scope))
    .find(|slot| slot.enabled)
}

/// key-auth's `anonymous` names a consumer by `id` or `username` (Kong's rule; not `custom_id`).
/// Checked for enabled plugins, in file order.
fn check_anonymous(ctx: &mut Ctx<'_>, scoped: &[(Scope, PluginEntry)], consumers: &[Consumer]) {
    for (_, plugin) in scoped.iter().filter(|(_, p)| p.enabled) {
        let Some(anonymous) = plugin
            .key_auth
            .as_ref()
            .and_then(|c| c.anonymous.as_deref())
        else {
            continue;
        };
        let known = consumers.iter().any(|c| {
            c.id.as_deref() == Some(anonymous) || c.username.as_deref() == Some(anonymous)
        });
        if !known {
            ctx.error(
                &format!("{}.config.anonymous", plugin.path),
                format!("no consumer with id or username {anonymous:?}"),
            );
        }
    }
}

/// Name and id lookup for services or routes; duplicates are reported.
#[derive(Default)]
struct Lookup {
    by_name: HashMap<String, usize>,
    by_id: HashMap<String, usize>,
}

impl Lookup {
    fn build<'a>(
        ctx: &mut Ctx<'_>,
        kind: &str,
        entities: impl Iterator<Item = (&'a str, Option<&'a String>, Option<&'a String>)>,
    ) -> Self {
        let mut lookup = Lookup::default();
        let mut paths: Vec<&str> = Vec::new();
        for (index, (path, name, id)) in entities.enumerate() {
            paths.push(path);
            for (field, value, map) in [
                ("name", name, &mut lookup.by_name),
                ("id", id, &mut lookup.by_id),
            ] {
                let Some(value) = value else { continue };
                if let Some(first) = map.get(value) {
                    ctx.error(
                        &format!("{path}.{field}"),
                        format!(
                            "duplicate {kind} {field} {value:?} (first used at {})",
                            paths[*first]
                        ),
                    );
                } else {
                    map.insert(value.clone(), index);
                }
            }
        }
        lookup
    }

    fn find(&self, reference: &EntityRef) -> Option<usize> {
        match reference {
            EntityRef::Name(n) => self.by_name.get(n).copied(),
            EntityRef::Id(id) => self.by_id.get(id).copied(),
        }
    }

    fn resolve(
        &self,
        ctx: &mut Ctx<'_>,
        kind: &str,
        (path, r): &(String, EntityRef),
    ) -> Option<usize> {
        let found = self.find(r);
        if found.is_none() {
            ctx.error(path, format!("no {kind} {}", r.describe()));
        }
        found
    }
}

pub(crate) fn assemble(
    ctx: &mut Ctx<'_>,
    mut services: Vec<ServiceEntry>,
    top_routes: Vec<RouteEntry>,
    top_plugins: Vec<PluginEntry>,
    consumers: Vec<Consumer>,
) -> Config {
    let service_lookup = Lookup::build(
        ctx,
        "service",
        services
            .iter()
            .map(|s| (s.path.as_str(), s.name.as_ref(), s.id.as_ref())),
    );

    // Nested routes first (in service order), then top-level routes.
    let mut routes: Vec<RouteEntry> = services
        .iter_mut()
        .flat_map(|s| std::mem::take(&mut s.routes))
        .collect();
    routes.extend(top_routes);
    let route_service: Vec<Option<usize>> = routes
        .iter()
        .map(|r| match (&r.parent_service, &r.service_ref) {
            (Some(parent), _) => Some(*parent),
            (None, Some(reference)) => service_lookup.resolve(ctx, "service", reference),
            (None, None) => None,
        })
        .collect();
    let route_lookup = Lookup::build(
        ctx,
        "route",
        routes
            .iter()
            .map(|r| (r.path.as_str(), r.name.as_ref(), r.id.as_ref())),
    );

    let mut scoped: Vec<(Scope, PluginEntry)> = Vec::new();
    for (i, service) in services.iter_mut().enumerate() {
        scoped.extend(
            std::mem::take(&mut service.plugins)
                .into_iter()
                .map(|p| (Scope::Service(i), p)),
        );
    }
    for (j, route) in routes.iter_mut().enumerate() {
        scoped.extend(
            std::mem::take(&mut route.plugins)
                .into_iter()
                .map(|p| (Scope::Route(j), p)),
        );
    }
    for plugin in top_plugins {
        let scope = match (&plugin.route_ref, &plugin.service_ref) {
            (Some(_), Some(_)) => {
                ctx.error(
                    &plugin.path,
                    "a plugin scoped to both a route and a service is not supported by Quarry; scope it to the route",
                );
                None
            }
            (Some(r), None) => route_lookup.resolve(ctx, "route", r).map(Scope::Route),
            (None, Some(s)) => service_lookup
                .resolve(ctx, "service", s)
                .map(Scope::Service),
            (None, None) => Some(Scope::Global),
        };
        if let Some(scope) = scope {
            scoped.push((scope, plugin));
        }
    }

    let describe_scope = |scope: Scope| match scope {
        Scope::Route(j) => format!("route {}", route_name(&routes[j])),
        Scope::Service(i) => format!("service {}", services[i].service.name),
        Scope::Global => "the global scope".to_string(),
    };
    let ai_proxy_slots = slots_for(
        ctx,
        &scoped,
        AI_PROXY,
        |p| p.ai_proxy.clone(),
        &describe_scope,
    );
    let key_auth_slots = slots_for(
        ctx,
        &scoped,
        KEY_AUTH,
        |p| p.key_auth.clone(),
        &describe_scope,
    );
    check_anonymous(ctx, &scoped, &consumers);

    for service in services.iter().filter(|s| !s.enabled) {
        ctx.warn(format!(
            "service {} is disabled: its routes are not served",
            service.service.name
        ));
    }
    let mut out = Vec::new();
    for (j, route) in routes.into_iter().enumerate() {
        let service = route_service[j];
        if service.is_some_and(|i| !services[i].enabled) {
            continue;
        }
        let Some(slot) = effective(&ai_proxy_slots, j, service) else {
            ctx.error(
                &route.path,
                "route has no ai-proxy plugin; Quarry only serves AI routes",
            );
            continue;
        };
        let Some(ai_proxy) = slot.config.clone() else {
            continue;
        };
        let name = route_name(&route);
        let key_auth = effective(&key_auth_slots, j, service).and_then(|s| s.config.clone());
        if key_auth.is_none() {
            ctx.warn(format!(
                "route {name} has no authentication plugin: anyone who can reach it can use it"
            ));
        }
        let m = route.matching;
        out.push(Route {
            name,
            config_path: route.path,
            service: service.map(|i| services[i].service.clone()),
            paths: m.paths,
            methods: m.methods,
            hosts: m.hosts,
            strip_path: m.strip_path,
            preserve_host: m.preserve_host,
            regex_priority: m.regex_priority,
            ai_proxy,
            key_auth,
        });
    }
    if out.is_empty() && ctx.errors.is_empty() {
        ctx.warn("no routes are configured: every request will get a 404");
    }
    let protected = out.iter().filter(|r| r.key_auth.is_some()).count();
    if protected > 0 && consumers.iter().all(|c| c.keyauth_credentials.is_empty()) {
        ctx.warn(format!(
            "key-auth protects {protected} route(s) but no consumer has a keyauth_credentials \
             key: their requests are refused (or run as the anonymous consumer)"
        ));
    }
    Config {
        routes: out,
        consumers,
        warnings: std::mem::take(&mut ctx.warnings),
    }
}

fn route_name(route: &RouteEntry) -> String {
    route.name.clone().unwrap_or_else(|| route.path.clone())
}
