//! Cross-entity resolution: service and route references, plugin scopes, the
//! effective `ai-proxy` plugin of each route (route > service > global), and the
//! final `Config`.

use std::collections::HashMap;

use crate::common::EntityRef;
use crate::plugins::ai_proxy::AiProxy;
use crate::plugins::PluginEntry;
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

/// The `ai-proxy` plugin declared for one scope.
struct Slot {
    path: String,
    enabled: bool,
    /// `None` when its config had errors (already reported).
    config: Option<AiProxy>,
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
    let mut slots: HashMap<Scope, Slot> = HashMap::new();
    for (scope, plugin) in scoped.into_iter().filter(|(_, p)| p.is_ai_proxy()) {
        if let Some(first) = slots.get(&scope) {
            ctx.error(
                &plugin.path,
                format!(
                    "duplicate ai-proxy plugin for {} (the first is at {})",
                    describe_scope(scope),
                    first.path
                ),
            );
            continue;
        }
        slots.insert(
            scope,
            Slot {
                path: plugin.path,
                enabled: plugin.enabled,
                config: plugin.ai_proxy,
            },
        );
    }

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
        let levels = [
            Some(Scope::Route(j)),
            service.map(Scope::Service),
            Some(Scope::Global),
        ];
        let effective = levels
            .into_iter()
            .flatten()
            .filter_map(|scope| slots.get(&scope))
            .find(|slot| slot.enabled);
        let Some(slot) = effective else {
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
        ctx.warn(format!(
            "route {name} has no authentication plugin: anyone who can reach it can use it"
        ));
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
        });
    }
    if out.is_empty() && ctx.errors.is_empty() {
        ctx.warn("no routes are configured: every request will get a 404");
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
