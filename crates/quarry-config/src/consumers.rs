//! Consumer entities and their key-auth credentials (kept as secrets; the gateway's key-auth
//! phase matches them). Duplicate ids, usernames, custom ids and keys are errors.

use std::collections::HashMap;

use serde_json::Value;

use crate::common::{reject_if_set, tags};
use crate::reader::{object_at, secret_at, Ctx};
use crate::types::Consumer;

const OTHER_CREDENTIALS: &[&str] = &[
    "basicauth_credentials",
    "hmacauth_credentials",
    "jwt_secrets",
    "oauth2_credentials",
    "mtls_auth_credentials",
];

/// Parses every consumer; checks uniqueness across them.
pub(crate) fn parse_all(ctx: &mut Ctx<'_>, items: Vec<(String, &Value)>) -> Vec<Consumer> {
    let mut ids: HashMap<String, String> = HashMap::new();
    let mut usernames: HashMap<String, String> = HashMap::new();
    let mut custom_ids: HashMap<String, String> = HashMap::new();
    let mut keys: HashMap<String, String> = HashMap::new();
    let mut consumers = Vec::new();
    for (path, value) in items {
        let Some(parsed) = parse(ctx, &path, value) else {
            continue;
        };
        unique(ctx, &mut ids, parsed.consumer.id.as_deref(), &path, "id");
        unique(
            ctx,
            &mut usernames,
            parsed.consumer.username.as_deref(),
            &path,
            "username",
        );
        unique(
            ctx,
            &mut custom_ids,
            parsed.consumer.custom_id.as_deref(),
            &path,
            "custom_id",
        );
        let credentials = parsed.consumer.keyauth_credentials.iter();
        for (key, key_path) in credentials.zip(&parsed.key_paths) {
            match keys.get(key.expose()) {
                // Never echo the key itself: point at where it is already used.
                Some(first) => ctx.error(
                    key_path,
                    format!("duplicate key-auth key (already used at {first})"),
                ),
                None => {
                    keys.insert(key.expose().to_string(), key_path.clone());
                }
            }
        }
        consumers.push(parsed.consumer);
    }
    consumers
}

fn unique(
    ctx: &mut Ctx<'_>,
    seen: &mut HashMap<String, String>,
    value: Option<&str>,
    path: &str,
    field: &str,
) {
    let Some(value) = value else {
        return;
    };
    let here = format!("{path}.{field}");
    match seen.get(value) {
        Some(first) => ctx.error(
            &here,
            format!("duplicate consumer {field} {value:?} (first used at {first})"),
        ),
        None => {
            seen.insert(value.to_string(), here);
        }
    }
}

struct Parsed {
    consumer: Consumer,
    /// The config path of each key in `consumer.keyauth_credentials`, in order.
    key_paths: Vec<String>,
}

fn parse(ctx: &mut Ctx<'_>, path: &str, value: &Value) -> Option<Parsed> {
    let mut c = object_at(ctx, path.to_string(), value)?;
    let username = c.nonempty(ctx, "username");
    let custom_id = c.nonempty(ctx, "custom_id");
    if !c.has("username") && !c.has("custom_id") {
        ctx.error(path, "must set at least one of username or custom_id");
    }
    let id = c.nonempty(ctx, "id");
    tags(ctx, &mut c);
    c.ignore(&["created_at", "updated_at"]);
    if c.take("acls").is_some() {
        ctx.warn(format!(
            "{}: ACL groups are ignored by Quarry (no acl plugin yet)",
            c.child("acls")
        ));
    }
    for key in OTHER_CREDENTIALS {
        reject_if_set(
            ctx,
            &mut c,
            key,
            "not supported by Quarry (only keyauth_credentials)",
        );
    }
    reject_if_set(
        ctx,
        &mut c,
        "plugins",
        "consumer-scoped plugins are not supported by Quarry yet",
    );
    reject_if_set(
        ctx,
        &mut c,
        "groups",
        "consumer groups are not supported by Quarry yet",
    );

    let mut keyauth_credentials = Vec::new();
    let mut key_paths = Vec::new();
    for (cred_path, cred) in c.array(ctx, "keyauth_credentials").unwrap_or_default() {
        let Some(mut k) = object_at(ctx, cred_path, cred) else {
            continue;
        };
        let key_path = k.child("key");
        if let Some(key) = k
            .required(ctx, "key")
            .and_then(|v| secret_at(ctx, &key_path, v))
        {
            keyauth_credentials.push(key);
            key_paths.push(key_path);
        }
        k.nonempty(ctx, "id");
        tags(ctx, &mut k);
        if k.integer(ctx, "ttl", 0, i64::MAX)
            .is_some_and(|ttl| ttl > 0)
        {
            ctx.warn(format!(
                "{}: credential ttl is ignored by Quarry (the key does not expire)",
                k.child("ttl")
            ));
        }
        k.ignore(&["created_at", "updated_at"]);
        k.finish(ctx);
    }
    c.finish(ctx);
    Some(Parsed {
        consumer: Consumer {
            id,
            username,
            custom_id,
            keyauth_credentials,
        },
        key_paths,
    })
}
