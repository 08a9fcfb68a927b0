//! Small readers shared by the entity modules: tags and references to other entities.

use serde_json::Value;

use crate::reader::{describe, object_at, string_at, Ctx, Obj};

/// A reference to a service or route, as Kong writes it: a name, `{name: ..}` or `{id: ..}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EntityRef {
    Name(String),
    Id(String),
}

impl EntityRef {
    /// `named "x"` / `with id "x"`, for "no service named ..." messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            EntityRef::Name(n) => format!("named {n:?}"),
            EntityRef::Id(id) => format!("with id {id:?}"),
        }
    }
}

/// Reads `key` as an entity reference; returns it with its path.
pub(crate) fn entity_ref(
    ctx: &mut Ctx<'_>,
    obj: &mut Obj<'_>,
    key: &'static str,
) -> Option<(String, EntityRef)> {
    let path = obj.child(key);
    let value = obj.take(key)?;
    let reference = match value {
        Value::String(_) => {
            let name = string_at(ctx, &path, value)?.value;
            if name.is_empty() {
                ctx.error(&path, "must not be empty");
                return None;
            }
            EntityRef::Name(name)
        }
        Value::Object(_) => {
            let mut r = object_at(ctx, path.clone(), value)?;
            let name = r.nonempty(ctx, "name");
            let id = r.nonempty(ctx, "id");
            r.finish(ctx);
            match (name, id) {
                (Some(name), None) => EntityRef::Name(name),
                (None, Some(id)) => EntityRef::Id(id),
                _ => {
                    ctx.error(&path, "must have exactly one of name or id");
                    return None;
                }
            }
        }
        other => {
            ctx.error(
                &path,
                format!(
                    "must be a name or an object with a name or id, got {}",
                    describe(other)
                ),
            );
            return None;
        }
    };
    Some((path, reference))
}

/// `tags`: an array of strings, accepted and not used.
pub(crate) fn tags(ctx: &mut Ctx<'_>, obj: &mut Obj<'_>) {
    obj.strings(ctx, "tags");
}

/// Reports `key` as "not supported by Quarry" when it holds a non-empty value.
pub(crate) fn reject_if_set(ctx: &mut Ctx<'_>, obj: &mut Obj<'_>, key: &'static str, why: &str) {
    let path = obj.child(key);
    let set = match obj.take(key) {
        None => false,
        Some(Value::Array(items)) => !items.is_empty(),
        Some(Value::Object(map)) => !map.is_empty(),
        Some(_) => true,
    };
    if set {
        ctx.error(&path, why);
    }
}
