//! Fields Kong's `ai-proxy` schema has for providers other than Bedrock. They are known
//! (so not "unknown field"), but setting one is an error. A field left `null` or at its
//! Kong default counts as unset, so files exported by `deck dump` still load.

use serde_json::Value;

use crate::reader::{key_path, Ctx, Obj};

pub(super) const NOT_FOR_BEDROCK: &str = "not supported for the bedrock provider";

/// What "not set" looks like for a foreign field.
#[derive(Clone, Copy)]
pub(super) enum Unset {
    /// Only `null` / absent.
    Null,
    /// `null` or this boolean (the Kong default).
    Bool(bool),
    /// `null` or this string (the Kong default).
    Str(&'static str),
    /// `null` or `[]`.
    EmptyArray,
}

/// A foreign field; `fields` lists a record's sub-fields (empty for scalars and arrays).
pub(super) struct Foreign {
    pub(super) key: &'static str,
    pub(super) unset: Unset,
    pub(super) fields: &'static [(&'static str, Unset)],
}

pub(super) const fn scalar(key: &'static str, unset: Unset) -> Foreign {
    Foreign {
        key,
        unset,
        fields: &[],
    }
}

pub(super) const fn record(key: &'static str, fields: &'static [(&'static str, Unset)]) -> Foreign {
    Foreign {
        key,
        unset: Unset::Null,
        fields,
    }
}

fn is_unset(value: &Value, unset: Unset) -> bool {
    match (value, unset) {
        (Value::Null, _) => true,
        (Value::Bool(b), Unset::Bool(default)) => *b == default,
        (Value::String(s), Unset::Str(default)) => s == default,
        (Value::Array(items), Unset::EmptyArray) => items.is_empty(),
        _ => false,
    }
}

/// Reports every foreign field of `obj` that is actually set.
pub(super) fn check(ctx: &mut Ctx<'_>, obj: &mut Obj<'_>, specs: &[Foreign]) {
    for spec in specs {
        let path = obj.child(spec.key);
        let Some(value) = obj.take(spec.key) else {
            continue;
        };
        if spec.fields.is_empty() {
            if !is_unset(value, spec.unset) {
                ctx.error(&path, NOT_FOR_BEDROCK);
            }
            continue;
        }
        let Value::Object(map) = value else {
            ctx.error(&path, NOT_FOR_BEDROCK);
            continue;
        };
        for (key, child) in map {
            match spec.fields.iter().find(|(name, _)| name == key) {
                Some((_, unset)) if is_unset(child, *unset) => {}
                Some(_) => ctx.error(&key_path(&path, key), NOT_FOR_BEDROCK),
                None => ctx.error(&key_path(&path, key), "unknown field"),
            }
        }
    }
}
