//! What the InvokeModel capabilities (embeddings, images, rerank) share: reading
//! Bedrock-specific request fields a client may send top-level or inside a literal
//! `extra_body` (top-level wins, as in chat), and the error for a Bedrock answer that does not
//! have the promised shape.

use serde_json::{Map, Value};

use crate::chat::TranslateError;

/// Bedrock answered 2xx with a body that is not what its API promises (a 502 for the client).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadResponse(pub String);

/// Request fields outside OpenAI's schema: `extra` of the request, and its `extra_body`.
#[derive(Debug, Clone, Copy)]
pub struct Extras<'a> {
    top: &'a Map<String, Value>,
    body: Option<&'a Map<String, Value>>,
}

impl<'a> Extras<'a> {
    /// Fails when `extra_body` is present but not an object.
    pub fn new(extra: &'a Map<String, Value>) -> Result<Self, TranslateError> {
        let body = match extra.get("extra_body") {
            None | Some(Value::Null) => None,
            Some(Value::Object(o)) => Some(o),
            Some(_) => {
                return Err(TranslateError::at(
                    "extra_body",
                    "extra_body must be an object",
                ))
            }
        };
        Ok(Self { top: extra, body })
    }

    /// The value of `key` and the parameter path to name in errors.
    pub fn get(&self, key: &str) -> Option<(&'a Value, String)> {
        let present = |m: &'a Map<String, Value>| m.get(key).filter(|v| !v.is_null());
        if let Some(v) = present(self.top) {
            return Some((v, key.to_owned()));
        }
        self.body
            .and_then(present)
            .map(|v| (v, format!("extra_body.{key}")))
    }

    pub fn str(&self, key: &str) -> Result<Option<&'a str>, TranslateError> {
        match self.get(key) {
            None => Ok(None),
            Some((Value::String(s), _)) => Ok(Some(s)),
            Some((_, path)) => Err(TranslateError::at(path, format!("{key} must be a string"))),
        }
    }

    pub fn u64(&self, key: &str) -> Result<Option<u64>, TranslateError> {
        match self.get(key) {
            None => Ok(None),
            Some((v, path)) => v.as_u64().map(Some).ok_or_else(|| {
                TranslateError::at(path, format!("{key} must be a non-negative integer"))
            }),
        }
    }

    pub fn f64(&self, key: &str) -> Result<Option<f64>, TranslateError> {
        match self.get(key) {
            None => Ok(None),
            Some((v, path)) => v
                .as_f64()
                .map(Some)
                .ok_or_else(|| TranslateError::at(path, format!("{key} must be a number"))),
        }
    }

    pub fn bool(&self, key: &str) -> Result<Option<bool>, TranslateError> {
        match self.get(key) {
            None => Ok(None),
            Some((v, path)) => v
                .as_bool()
                .map(Some)
                .ok_or_else(|| TranslateError::at(path, format!("{key} must be true or false"))),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn top_level_beats_extra_body_and_paths_name_the_source() {
        let extra = map(json!({"seed": 1, "extra_body": {"seed": 2, "negative_prompt": "x"}}));
        let e = Extras::new(&extra).unwrap();
        assert_eq!(e.u64("seed").unwrap(), Some(1));
        assert_eq!(e.str("negative_prompt").unwrap(), Some("x"));
        assert_eq!(e.str("missing").unwrap(), None);
        let bad = map(json!({"extra_body": {"seed": "one"}}));
        let err = Extras::new(&bad).unwrap().u64("seed").unwrap_err();
        assert_eq!(err.param.as_deref(), Some("extra_body.seed"));
        let err = Extras::new(&map(json!({"extra_body": 3}))).unwrap_err();
        assert_eq!(err.param.as_deref(), Some("extra_body"));
    }
}
