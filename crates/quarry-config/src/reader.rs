//! Path-tracking reader over the JSON tree. Every getter records a `ConfigError` at the
//! full path instead of failing, so one pass reports every problem in the file. An
//! [`Obj`] remembers which keys were read; whatever is left is an unknown field.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::error::ConfigError;
use crate::secret::Secret;
use crate::vault;

/// Collects errors and warnings while the document is walked; owns the env lookup.
pub(crate) struct Ctx<'e> {
    env: &'e dyn Fn(&str) -> Option<String>,
    pub(crate) errors: Vec<ConfigError>,
    pub(crate) warnings: Vec<String>,
}

impl<'e> Ctx<'e> {
    pub(crate) fn new(env: &'e dyn Fn(&str) -> Option<String>) -> Self {
        Self {
            env,
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    pub(crate) fn error(&mut self, path: &str, message: impl Into<String>) {
        self.errors.push(ConfigError::new(path, message));
    }

    pub(crate) fn warn(&mut self, message: impl Into<String>) {
        self.warnings.push(message.into());
    }

    pub(crate) fn error_count(&self) -> usize {
        self.errors.len()
    }
}

/// `parent.key`, or `parent["key"]` when the key would make the path ambiguous.
pub(crate) fn key_path(parent: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match (parent.is_empty(), plain) {
        (true, true) => key.to_string(),
        (false, true) => format!("{parent}.{key}"),
        (_, false) => format!("{parent}[{key:?}]"),
    }
}

pub(crate) fn index_path(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

/// A value as it appears in an error message: strings quoted (and shortened), containers named.
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::String(s) => quote(s),
        Value::Array(_) => "an array".to_string(),
        Value::Object(_) => "an object".to_string(),
        other => other.to_string(),
    }
}

/// The kind of a value, for fields whose content must not be echoed (secrets).
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

pub(crate) fn quote(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() > MAX {
        let short: String = s.chars().take(MAX).collect();
        format!("{:?}", format!("{short}..."))
    } else {
        format!("{s:?}")
    }
}

/// A string value after vault resolution. When it came from a reference, messages
/// describe it by the reference, never by its (possibly secret) content.
#[derive(Debug, Clone)]
pub(crate) struct Text {
    pub(crate) value: String,
    pub(crate) reference: Option<String>,
}

impl Text {
    pub(crate) fn describe(&self) -> String {
        match &self.reference {
            Some(r) => format!("the value of {r}"),
            None => quote(&self.value),
        }
    }
}

/// Reads a string (resolving vault references) at `path`.
pub(crate) fn string_at(ctx: &mut Ctx<'_>, path: &str, value: &Value) -> Option<Text> {
    let Value::String(s) = value else {
        ctx.error(path, format!("must be a string, got {}", describe(value)));
        return None;
    };
    match vault::resolve(s, ctx.env) {
        Ok(None) => Some(Text {
            value: s.clone(),
            reference: None,
        }),
        Ok(Some(v)) => Some(Text {
            value: v,
            reference: Some(s.clone()),
        }),
        Err(message) => {
            ctx.error(path, message);
            None
        }
    }
}

/// Reads a non-empty string that must never be echoed.
pub(crate) fn secret_at(ctx: &mut Ctx<'_>, path: &str, value: &Value) -> Option<Secret> {
    if !value.is_string() {
        ctx.error(path, format!("must be a string, got {}", kind(value)));
        return None;
    }
    let text = string_at(ctx, path, value)?;
    if text.value.is_empty() {
        ctx.error(path, "must not be empty");
        return None;
    }
    Some(Secret::new(text.value))
}

pub(crate) fn object_at<'v>(ctx: &mut Ctx<'_>, path: String, value: &'v Value) -> Option<Obj<'v>> {
    match value {
        Value::Object(map) => Some(Obj {
            path,
            map,
            seen: BTreeSet::new(),
        }),
        other => {
            ctx.error(&path, format!("must be an object, got {}", describe(other)));
            None
        }
    }
}

/// Checks a string against an enum; returns whether it matched.
pub(crate) fn check_one_of(ctx: &mut Ctx<'_>, path: &str, text: &Text, allowed: &[&str]) -> bool {
    if allowed.contains(&text.value.as_str()) {
        return true;
    }
    let list: Vec<String> = allowed.iter().map(|a| format!("{a:?}")).collect();
    ctx.error(
        path,
        format!(
            "must be one of {}, got {}",
            list.join(", "),
            text.describe()
        ),
    );
    false
}

fn as_integer(value: &Value) -> Option<i64> {
    if let Some(i) = value.as_i64() {
        return Some(i);
    }
    let f = value.as_f64()?;
    // `-9.2e18..9.2e18` keeps the cast exact enough; whole floats like 60000.0 are integers.
    (f.fract() == 0.0 && f.abs() < 9.2e18).then_some(f as i64)
}

/// An object being read. Keys that are never read are reported by [`Obj::finish`].
pub(crate) struct Obj<'v> {
    path: String,
    map: &'v Map<String, Value>,
    seen: BTreeSet<&'static str>,
}

impl<'v> Obj<'v> {
    pub(crate) fn path(&self) -> &str {
        &self.path
    }

    pub(crate) fn child(&self, key: &str) -> String {
        key_path(&self.path, key)
    }

    /// Whether `key` is present with a non-null value (does not mark it read).
    pub(crate) fn has(&self, key: &str) -> bool {
        self.map.get(key).is_some_and(|v| !v.is_null())
    }

    /// Marks `key` read and returns its value; `null` counts as absent (Kong semantics).
    pub(crate) fn take(&mut self, key: &'static str) -> Option<&'v Value> {
        self.seen.insert(key);
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// Accepts keys whose values Quarry does not use.
    pub(crate) fn ignore(&mut self, keys: &[&'static str]) {
        self.seen.extend(keys.iter().copied());
    }

    pub(crate) fn required(&mut self, ctx: &mut Ctx<'_>, key: &'static str) -> Option<&'v Value> {
        let value = self.take(key);
        if value.is_none() {
            ctx.error(&self.child(key), "is required");
        }
        value
    }

    pub(crate) fn string(&mut self, ctx: &mut Ctx<'_>, key: &'static str) -> Option<Text> {
        let value = self.take(key)?;
        string_at(ctx, &self.child(key), value)
    }

    pub(crate) fn required_string(&mut self, ctx: &mut Ctx<'_>, key: &'static str) -> Option<Text> {
        let value = self.required(ctx, key)?;
        string_at(ctx, &self.child(key), value)
    }

    /// A string that, when given, must not be empty.
    pub(crate) fn nonempty(&mut self, ctx: &mut Ctx<'_>, key: &'static str) -> Option<String> {
        let text = self.string(ctx, key)?;
        if text.value.trim().is_empty() {
            ctx.error(&self.child(key), "must not be empty");
            return None;
        }
        Some(text.value)
    }

    pub(crate) fn secret(&mut self, ctx: &mut Ctx<'_>, key: &'static str) -> Option<Secret> {
        let value = self.take(key)?;
        secret_at(ctx, &self.child(key), value)
    }

    pub(crate) fn bool(&mut self, ctx: &mut Ctx<'_>, key: &'static str) -> Option<bool> {
        match self.take(key)? {
            Value::Bool(b) => Some(*b),
            other => {
                ctx.error(
                    &self.child(key),
                    format!("must be a boolean (true or false), got {}", describe(other)),
                );
                None
            }
        }
    }

    /// An integer in `min..=max` (`max == i64::MAX` means unbounded).
    pub(crate) fn integer(
        &mut self,
        ctx: &mut Ctx<'_>,
        key: &'static str,
        min: i64,
        max: i64,
    ) -> Option<i64> {
        let value = self.take(key)?;
        match as_integer(value) {
            Some(i) if (min..=max).contains(&i) => Some(i),
            _ => {
                let want = if min == i64::MIN && max == i64::MAX {
                    "an integer".to_string()
                } else if max == i64::MAX {
                    format!("an integer >= {min}")
                } else {
                    format!("an integer between {min} and {max}")
                };
                ctx.error(
                    &self.child(key),
                    format!("must be {want}, got {}", describe(value)),
                );
                None
            }
        }
    }

    /// A number in `min..=max` (`None` means unbounded above).
    pub(crate) fn number(
        &mut self,
        ctx: &mut Ctx<'_>,
        key: &'static str,
        min: f64,
        max: Option<f64>,
    ) -> Option<f64> {
        let value = self.take(key)?;
        match value.as_f64() {
            Some(f) if f >= min && max.is_none_or(|m| f <= m) => Some(f),
            _ => {
                let want = match max {
                    Some(m) => format!("a number between {min} and {m}"),
                    None => format!("a number >= {min}"),
                };
                ctx.error(
                    &self.child(key),
                    format!("must be {want}, got {}", describe(value)),
                );
                None
            }
        }
    }

    pub(crate) fn one_of(
        &mut self,
        ctx: &mut Ctx<'_>,
        key: &'static str,
        allowed: &[&str],
    ) -> Option<String> {
        let text = self.string(ctx, key)?;
        check_one_of(ctx, &self.child(key), &text, allowed).then_some(text.value)
    }

    pub(crate) fn object(&mut self, ctx: &mut Ctx<'_>, key: &'static str) -> Option<Obj<'v>> {
        let value = self.take(key)?;
        object_at(ctx, self.child(key), value)
    }

    /// The elements of an array with their paths.
    pub(crate) fn array(
        &mut self,
        ctx: &mut Ctx<'_>,
        key: &'static str,
    ) -> Option<Vec<(String, &'v Value)>> {
        let path = self.child(key);
        match self.take(key)? {
            Value::Array(items) => Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (index_path(&path, i), v))
                    .collect(),
            ),
            other => {
                ctx.error(&path, format!("must be an array, got {}", describe(other)));
                None
            }
        }
    }

    /// An array of strings; bad elements are reported and left out.
    pub(crate) fn strings(
        &mut self,
        ctx: &mut Ctx<'_>,
        key: &'static str,
    ) -> Option<Vec<(String, Text)>> {
        let items = self.array(ctx, key)?;
        Some(
            items
                .into_iter()
                .filter_map(|(path, v)| string_at(ctx, &path, v).map(|t| (path, t)))
                .collect(),
        )
    }

    /// Reports every key that was not read as an unknown field.
    pub(crate) fn finish(self, ctx: &mut Ctx<'_>) {
        for key in self.map.keys() {
            if !self.seen.contains(key.as_str()) {
                ctx.error(&key_path(&self.path, key), "unknown field");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use serde_json::json;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn paths_quote_unusual_keys() {
        assert_eq!(key_path("", "a"), "a");
        assert_eq!(key_path("a", "b_c-d"), "a.b_c-d");
        assert_eq!(key_path("a", "x.y"), "a[\"x.y\"]");
        assert_eq!(index_path("a.b", 3), "a.b[3]");
    }

    #[test]
    fn getters_report_type_and_range_errors_at_full_paths() {
        let tree = json!({"n": "hot", "i": 1.5, "b": "yes", "e": "x", "ok": 2.0, "extra": 1});
        let mut ctx = Ctx::new(&no_env);
        let mut obj = object_at(&mut ctx, "cfg".into(), &tree).unwrap();
        assert_eq!(obj.number(&mut ctx, "n", 0.0, Some(5.0)), None);
        assert_eq!(obj.integer(&mut ctx, "i", 0, 500), None);
        assert_eq!(obj.bool(&mut ctx, "b"), None);
        assert_eq!(obj.one_of(&mut ctx, "e", &["a", "b"]), None);
        assert_eq!(obj.integer(&mut ctx, "ok", 1, i64::MAX), Some(2));
        assert_eq!(obj.string(&mut ctx, "missing").map(|t| t.value), None);
        obj.finish(&mut ctx);
        let msgs: Vec<String> = ctx.errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            msgs,
            vec![
                "cfg.n: must be a number between 0 and 5, got \"hot\"",
                "cfg.i: must be an integer between 0 and 500, got 1.5",
                "cfg.b: must be a boolean (true or false), got \"yes\"",
                "cfg.e: must be one of \"a\", \"b\", got \"x\"",
                "cfg.extra: unknown field",
            ]
        );
    }

    #[test]
    fn secrets_are_never_echoed_in_type_errors() {
        let tree = json!({"k": 123456789});
        let mut ctx = Ctx::new(&no_env);
        let mut obj = object_at(&mut ctx, "a".into(), &tree).unwrap();
        assert!(obj.secret(&mut ctx, "k").is_none());
        assert_eq!(
            ctx.errors[0].to_string(),
            "a.k: must be a string, got a number"
        );
    }

    #[test]
    fn vault_values_are_described_by_reference() {
        let env = |n: &str| (n == "MODE").then(|| "s3cr3t".to_string());
        let tree = json!({"m": "{vault://env/mode}"});
        let mut ctx = Ctx::new(&env);
        let mut obj = object_at(&mut ctx, "a".into(), &tree).unwrap();
        assert_eq!(obj.one_of(&mut ctx, "m", &["x"]), None);
        assert_eq!(
            ctx.errors[0].to_string(),
            "a.m: must be one of \"x\", got the value of {vault://env/mode}"
        );
    }

    #[test]
    fn long_strings_are_shortened_in_messages() {
        let long = "x".repeat(100);
        assert_eq!(quote(&long), format!("\"{}...\"", "x".repeat(60)));
    }
}
