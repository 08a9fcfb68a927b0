//! The validated runtime configuration the gateway consumes. Everything here has
//! passed validation: defaults are filled in and references are resolved.

use crate::plugins::ai_proxy::AiProxy;
use crate::plugins::key_auth::KeyAuth;
use crate::secret::Secret;

/// A fully validated Quarry configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Every served route (routes of disabled services are left out).
    pub routes: Vec<Route>,
    pub consumers: Vec<Consumer>,
    /// Things that are legal but probably not what the user wants (open routes, ignored fields).
    pub warnings: Vec<String>,
}

/// A Kong consumer. At least one of `username` / `custom_id` is set.
#[derive(Debug, Clone)]
pub struct Consumer {
    /// The consumer's `id`, when the file gives one (key-auth's `anonymous` may name it).
    pub id: Option<String>,
    pub username: Option<String>,
    pub custom_id: Option<String>,
    pub keyauth_credentials: Vec<Secret>,
}

/// A route with its effective `ai-proxy` and `key-auth` plugins.
#[derive(Debug, Clone)]
pub struct Route {
    /// The route's `name`, else its config path like `services[0].routes[1]`.
    pub name: String,
    /// Where the route was declared, e.g. `services[0].routes[1]` or `routes[2]`.
    pub config_path: String,
    pub service: Option<Service>,
    pub paths: Vec<PathMatcher>,
    /// Upper-cased.
    pub methods: Vec<String>,
    /// Lower-cased; may start with `*.` or end with `.*` (Kong wildcards).
    pub hosts: Vec<String>,
    /// Kong default `true`.
    pub strip_path: bool,
    /// Kong default `false`.
    pub preserve_host: bool,
    /// Kong default `0`; higher regex paths are tried first.
    pub regex_priority: i64,
    /// The effective plugin: route plugin, else service plugin, else global plugin.
    pub ai_proxy: AiProxy,
    /// The effective `key-auth` plugin (same precedence); `None` leaves the route open.
    pub key_auth: Option<KeyAuth>,
}

/// One entry of a route's `paths`.
#[derive(Debug, Clone)]
pub enum PathMatcher {
    /// A plain path: matches requests whose path starts with it.
    Prefix(String),
    /// A `~`-prefixed Kong regex path. `pattern` is the text after `~`; `regex` is
    /// compiled anchored at the start of the request path, as Kong does.
    Regex {
        pattern: String,
        regex: regex::Regex,
    },
}

/// The Kong service a route belongs to, with Kong's defaults applied.
#[derive(Debug, Clone)]
pub struct Service {
    /// The service's `name`, else its config path like `services[0]`.
    pub name: String,
    pub connect_timeout_ms: u64,
    pub read_timeout_ms: u64,
    pub write_timeout_ms: u64,
    pub retries: u32,
}
