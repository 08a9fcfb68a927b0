//! Kong declarative configuration (YAML or JSON, `_format_version: "3.0"`) -> validated
//! Quarry runtime configuration.
//!
//! Parsing is pure: [`parse`] takes the text and an environment lookup (for
//! `{vault://env/NAME}` references) and returns either a [`Config`] or every error
//! found, each naming its full path in the file. [`load_file`] is the I/O wrapper.
//!
//! Pipeline: text -> JSON tree (`tree`) -> entity validators that record errors at
//! paths (`document`, `services`, `routes`, `consumers`, `plugins/*`) -> cross-entity
//! resolution and plugin precedence (`assemble`).

mod assemble;
mod common;
mod consumers;
mod document;
mod error;
mod plugins;
mod reader;
mod routes;
mod secret;
mod services;
mod tree;
mod types;
mod vault;

pub use error::ConfigError;
pub use plugins::ai_proxy::{
    AiProxy, Auth, BedrockOptions, LlmFormat, Logging, Model, ModelOptions, QuarryExtensions,
    ResponseStreaming, RouteType,
};
pub use plugins::key_auth::KeyAuth;
pub use secret::Secret;
pub use types::{Config, Consumer, PathMatcher, Route, Service};

/// Parses and validates a declarative configuration.
///
/// `env` resolves `{vault://env/NAME}` references; pass `&|n| std::env::var(n).ok()`
/// for the process environment. On failure, every problem found is returned.
pub fn parse(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Config, Vec<ConfigError>> {
    let tree = tree::parse_tree(text)?;
    let mut ctx = reader::Ctx::new(env);
    let config = document::parse_document(&mut ctx, &tree);
    if !ctx.errors.is_empty() {
        return Err(ctx.errors);
    }
    // `parse_document` only returns `None` after recording an error; this is defensive.
    config.ok_or_else(|| vec![ConfigError::new("", "invalid configuration")])
}

/// Reads `path` and parses it with the process environment for vault references.
pub fn load_file(path: &std::path::Path) -> Result<Config, Vec<ConfigError>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![ConfigError::new(
            "",
            format!("cannot read {}: {e}", path.display()),
        )]
    })?;
    parse(&text, &|name| std::env::var(name).ok())
}
