//! The `key-auth` plugin: validation of its `config` record (Kong's schema, with Kong's
//! defaults). Which consumer a key belongs to is the gateway's business; here the plugin's
//! settings are checked and the `anonymous` reference is kept for `assemble` to resolve.

use serde_json::Value;

use crate::reader::{key_path, object_at, quote, Ctx, Obj};

/// A validated `key-auth` plugin with Kong's defaults applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyAuth {
    /// Where the plugin was declared, e.g. `services[0].plugins[1]` or `plugins[0]`.
    pub plugin_path: String,
    /// Header / query-parameter / body-field names that carry the key (default `["apikey"]`).
    /// Letters, digits, `_` and `-` only (Kong's header-name rule). Header lookups ignore case;
    /// query and body lookups do not.
    pub key_names: Vec<String>,
    /// Remove the key from the request once read (default false).
    pub hide_credentials: bool,
    /// Look in headers (default true). Quarry also reads `Authorization: Bearer <key>` then.
    pub key_in_header: bool,
    /// Look in the query string (default true).
    pub key_in_query: bool,
    /// Look in a JSON body's top-level fields (default false).
    pub key_in_body: bool,
    /// Consumer `id` or `username` to run as when authentication fails; `None` refuses instead.
    pub anonymous: Option<String>,
    /// Authenticate `OPTIONS` requests too (default true); false lets preflights through.
    pub run_on_preflight: bool,
    /// `WWW-Authenticate: Key realm="<realm>"` on a 401; Kong's default realm is `kong`.
    pub realm: Option<String>,
}

impl KeyAuth {
    /// The plugin with every field at Kong's default.
    pub fn with_defaults(plugin_path: impl Into<String>) -> Self {
        Self {
            plugin_path: plugin_path.into(),
            key_names: vec!["apikey".to_string()],
            hide_credentials: false,
            key_in_header: true,
            key_in_query: true,
            key_in_body: false,
            anonymous: None,
            run_on_preflight: true,
            realm: None,
        }
    }

    /// The realm sent in `WWW-Authenticate`.
    pub fn realm_or_default(&self) -> &str {
        self.realm.as_deref().unwrap_or("kong")
    }
}

/// Kong's `typedefs.header_name`: the names double as header names.
fn is_key_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The realm is written inside a quoted string of a response header.
fn is_realm(realm: &str) -> bool {
    realm
        .bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\')
}

/// Validates the plugin's `config` (absent means all defaults); `None` when anything in it is
/// wrong (already reported).
pub(crate) fn parse(
    ctx: &mut Ctx<'_>,
    plugin_path: &str,
    config: Option<&Value>,
) -> Option<KeyAuth> {
    let before = ctx.error_count();
    let mut out = KeyAuth::with_defaults(plugin_path);
    let Some(config) = config else {
        return Some(out);
    };
    let mut cfg = object_at(ctx, key_path(plugin_path, "config"), config)?;

    let errors_before_names = ctx.error_count();
    if let Some(names) = cfg.strings(ctx, "key_names") {
        if names.is_empty() && ctx.error_count() == errors_before_names {
            ctx.error(
                &cfg.child("key_names"),
                "must list at least one name (Kong's default is [\"apikey\"])",
            );
        }
        let mut key_names = Vec::with_capacity(names.len());
        for (path, text) in names {
            if is_key_name(&text.value) {
                key_names.push(text.value);
            } else {
                ctx.error(
                    &path,
                    format!(
                        "must be a header name (letters, digits, '_' and '-'), got {}",
                        text.describe()
                    ),
                );
            }
        }
        out.key_names = key_names;
    }
    let flag =
        |ctx: &mut Ctx<'_>, cfg: &mut Obj<'_>, key, default| cfg.bool(ctx, key).unwrap_or(default);
    out.hide_credentials = flag(ctx, &mut cfg, "hide_credentials", false);
    out.key_in_header = flag(ctx, &mut cfg, "key_in_header", true);
    out.key_in_query = flag(ctx, &mut cfg, "key_in_query", true);
    out.key_in_body = flag(ctx, &mut cfg, "key_in_body", false);
    out.run_on_preflight = flag(ctx, &mut cfg, "run_on_preflight", true);
    out.anonymous = cfg.nonempty(ctx, "anonymous");
    if let Some(realm) = cfg.string(ctx, "realm") {
        if is_realm(&realm.value) {
            out.realm = Some(realm.value);
        } else {
            ctx.error(
                &cfg.child("realm"),
                format!(
                    "must be printable ASCII without '\"' or '\\' (it is sent in a header), got {}",
                    quote(&realm.value)
                ),
            );
        }
    }
    let config_path = cfg.path().to_string();
    cfg.finish(ctx);

    if !out.key_in_header && !out.key_in_query && !out.key_in_body {
        ctx.warn(format!(
            "{config_path}: key_in_header, key_in_query and key_in_body are all false: no key is \
             ever read, so every request is refused (or runs as the anonymous consumer)"
        ));
    }
    if out.key_in_body {
        ctx.warn(format!(
            "{config_path}.key_in_body: Quarry does not read keys from request bodies yet; \
             clients must send the key in a header, the query string or Authorization: Bearer"
        ));
    }
    (ctx.error_count() == before).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_names_follow_kongs_header_name_rule() {
        assert!(is_key_name("apikey"));
        assert!(is_key_name("x-api_Key-2"));
        assert!(!is_key_name(""));
        assert!(!is_key_name("api key"));
        assert!(!is_key_name("api.key"));
    }

    #[test]
    fn realms_cannot_break_the_header() {
        assert!(is_realm("my api"));
        assert!(is_realm(""));
        assert!(!is_realm("a\"b"));
        assert!(!is_realm("a\\b"));
        assert!(!is_realm("a\nb"));
        assert!(!is_realm("caf\u{e9}"));
    }
}
