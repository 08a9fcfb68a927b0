//! OpenAI's error envelope: `{"error":{"message","type","param","code"}}`. `param` and `code`
//! are always present (as `null` when unknown), as OpenAI sends them.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody<'a> {
    pub error: ErrorDetail<'a>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail<'a> {
    pub message: Cow<'a, str>,
    #[serde(rename = "type")]
    pub error_type: Cow<'a, str>,
    #[serde(default)]
    pub param: Option<Cow<'a, str>>,
    #[serde(default)]
    pub code: Option<Cow<'a, str>>,
}

impl<'a> ErrorBody<'a> {
    pub fn new(
        message: &'a str,
        error_type: &'a str,
        code: Option<&'a str>,
        param: Option<&'a str>,
    ) -> Self {
        Self {
            error: ErrorDetail {
                message: Cow::Borrowed(message),
                error_type: Cow::Borrowed(error_type),
                param: param.map(Cow::Borrowed),
                code: code.map(Cow::Borrowed),
            },
        }
    }
}

/// The error envelope as JSON bytes, ready to be a response body.
pub fn error_json(
    message: &str,
    error_type: &str,
    code: Option<&str>,
    param: Option<&str>,
) -> Vec<u8> {
    let body = ErrorBody::new(message, error_type, code, param);
    // Serializing strings into a Vec cannot fail; the fallback only keeps the signature total.
    serde_json::to_vec(&body).unwrap_or_else(|_| {
        br#"{"error":{"message":"internal error","type":"api_error","param":null,"code":null}}"#
            .to_vec()
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn envelope_has_openai_field_names_and_explicit_nulls() {
        let body = error_json("bad \"n\"", "invalid_request_error", None, Some("n"));
        assert_eq!(
            std::str::from_utf8(&body).unwrap(),
            r#"{"error":{"message":"bad \"n\"","type":"invalid_request_error","param":"n","code":null}}"#
        );
        let body = error_json("slow down", "rate_limit_error", Some("throttling"), None);
        let parsed: ErrorBody = serde_json::from_slice(&body).unwrap();
        assert_eq!(parsed.error.code.as_deref(), Some("throttling"));
        assert_eq!(parsed.error.param, None);
        assert_eq!(parsed.error.error_type, "rate_limit_error");
    }
}
