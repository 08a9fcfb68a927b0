//! Model-native bodies are checked against a JSON schema on Bedrock, and its errors read
//! `Malformed input request: #/path: ..., please reformat your input and try again.`; these
//! helpers produce the same messages for the members the emulator checks.

use serde_json::{Map, Value};

use crate::error::ApiError;

pub(crate) type Object = Map<String, Value>;

/// `Malformed input request: {detail}, please reformat your input and try again.`
pub(crate) fn malformed(detail: impl std::fmt::Display) -> ApiError {
    ApiError::validation(format!(
        "Malformed input request: {detail}, please reformat your input and try again."
    ))
}

/// The schema's name for the type of `value`.
fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "Null",
        Value::Bool(_) => "Boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "Integer",
        Value::Number(_) => "Number",
        Value::String(_) => "String",
        Value::Array(_) => "JSONArray",
        Value::Object(_) => "JSONObject",
    }
}

fn wrong_type(at: &str, expected: &str, found: &Value) -> ApiError {
    malformed(format!(
        "{at}: expected type: {expected}, found: {}",
        type_name(found)
    ))
}

/// `#` for the root, else `#/a/b`.
pub(crate) fn at(parent: &str, key: &str) -> String {
    format!("{parent}/{key}")
}

/// The body as an object.
pub(crate) fn root(body: &Value) -> Result<&Object, ApiError> {
    body.as_object()
        .ok_or_else(|| wrong_type("#", "JSONObject", body))
}

/// Members of `object` not in `allowed` are refused, as Bedrock's strict schemas do.
pub(crate) fn only(object: &Object, allowed: &[&str], path: &str) -> Result<(), ApiError> {
    match object.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(key) => Err(malformed(format!(
            "{path}: extraneous key [{key}] is not permitted"
        ))),
        None => Ok(()),
    }
}

pub(crate) fn required<'v>(
    object: &'v Object,
    key: &str,
    path: &str,
) -> Result<&'v Value, ApiError> {
    object
        .get(key)
        .ok_or_else(|| malformed(format!("{path}: required key [{key}] not found")))
}

pub(crate) fn as_str<'v>(value: &'v Value, path: &str) -> Result<&'v str, ApiError> {
    value
        .as_str()
        .ok_or_else(|| wrong_type(path, "String", value))
}

pub(crate) fn as_object<'v>(value: &'v Value, path: &str) -> Result<&'v Object, ApiError> {
    value
        .as_object()
        .ok_or_else(|| wrong_type(path, "JSONObject", value))
}

pub(crate) fn as_array<'v>(value: &'v Value, path: &str) -> Result<&'v Vec<Value>, ApiError> {
    value
        .as_array()
        .ok_or_else(|| wrong_type(path, "JSONArray", value))
}

pub(crate) fn as_i64(value: &Value, path: &str) -> Result<i64, ApiError> {
    value
        .as_i64()
        .ok_or_else(|| wrong_type(path, "Integer", value))
}

pub(crate) fn as_bool(value: &Value, path: &str) -> Result<bool, ApiError> {
    value
        .as_bool()
        .ok_or_else(|| wrong_type(path, "Boolean", value))
}

/// A required string member.
pub(crate) fn req_str<'v>(object: &'v Object, key: &str, path: &str) -> Result<&'v str, ApiError> {
    as_str(required(object, key, path)?, &at(path, key))
}

/// An optional string member.
pub(crate) fn opt_str<'v>(
    object: &'v Object,
    key: &str,
    path: &str,
) -> Result<Option<&'v str>, ApiError> {
    object
        .get(key)
        .map(|v| as_str(v, &at(path, key)))
        .transpose()
}

/// An optional integer member.
pub(crate) fn opt_i64(object: &Object, key: &str, path: &str) -> Result<Option<i64>, ApiError> {
    object
        .get(key)
        .map(|v| as_i64(v, &at(path, key)))
        .transpose()
}

/// `value` must be one of `allowed`.
pub(crate) fn one_of<T: PartialEq + std::fmt::Display>(
    value: T,
    allowed: &[T],
    path: &str,
) -> Result<T, ApiError> {
    if allowed.contains(&value) {
        Ok(value)
    } else {
        Err(malformed(format!(
            "{path}: {value} is not a valid enum value"
        )))
    }
}

/// A string of at least `min` and at most `max` characters.
pub(crate) fn length(text: &str, min: usize, max: usize, path: &str) -> Result<(), ApiError> {
    let chars = text.chars().count();
    if chars < min {
        return Err(malformed(format!(
            "{path}: expected minLength: {min}, actual: {chars}"
        )));
    }
    if chars > max {
        return Err(malformed(format!(
            "{path}: expected maxLength: {max}, actual: {chars}"
        )));
    }
    Ok(())
}

/// An integer within `min..=max`.
pub(crate) fn range(value: i64, min: i64, max: i64, path: &str) -> Result<i64, ApiError> {
    if value < min {
        Err(malformed(format!(
            "{path}: {value} is not greater or equal to {min}"
        )))
    } else if value > max {
        Err(malformed(format!(
            "{path}: {value} is not less or equal to {max}"
        )))
    } else {
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use serde_json::json;

    fn message(error: ApiError) -> String {
        error.message.into_owned()
    }

    #[test]
    fn messages_follow_bedrocks_schema_errors() {
        let body = json!({"inputText": 3, "extra": true});
        let object = root(&body).unwrap();
        assert_eq!(
            message(only(object, &["inputText"], "#").unwrap_err()),
            "Malformed input request: #: extraneous key [extra] is not permitted, please reformat your input and try again."
        );
        assert_eq!(
            message(req_str(object, "inputText", "#").unwrap_err()),
            "Malformed input request: #/inputText: expected type: String, found: Integer, please reformat your input and try again."
        );
        assert_eq!(
            message(required(object, "texts", "#").unwrap_err()),
            "Malformed input request: #: required key [texts] not found, please reformat your input and try again."
        );
        assert!(
            message(one_of(100, &[256, 512], "#/dimensions").unwrap_err())
                .contains("#/dimensions: 100 is not a valid enum value")
        );
        assert!(message(length("", 1, 5, "#/inputText").unwrap_err())
            .contains("expected minLength: 1, actual: 0"));
        assert!(message(range(9, 1, 5, "#/n").unwrap_err()).contains("9 is not less or equal to 5"));
        assert!(root(&json!([])).is_err());
    }
}
