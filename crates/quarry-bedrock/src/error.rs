//! Bedrock's error model: an HTTP error response (status, `x-amzn-ErrorType`, JSON or empty
//! body) or an exception frame inside a stream, normalised into one [`BedrockError`] that knows
//! whether a retry may help and how OpenAI clients should see it.

/// A normalised Bedrock error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BedrockError {
    /// HTTP status Bedrock answered (or the status the exception is modelled with in a stream).
    pub status: u16,
    /// The exception name, e.g. `ThrottlingException` (namespace and `:…` suffix removed).
    pub code: String,
    pub message: String,
}

/// Parses an HTTP error response the way AWS SDKs do: code from `x-amzn-ErrorType`, else the
/// body's `code` or `__type`; message from the body's `message`/`Message`, else the
/// `x-amzn-ErrorMessage` header.
pub fn parse_http_error(
    status: u16,
    error_type_header: Option<&str>,
    error_message_header: Option<&str>,
    body: &[u8],
) -> BedrockError {
    #[derive(serde::Deserialize, Default)]
    struct Body {
        #[serde(alias = "Message", alias = "errorMessage")]
        message: Option<String>,
        code: Option<String>,
        #[serde(rename = "__type")]
        kind: Option<String>,
    }
    let parsed: Body = serde_json::from_slice(body).unwrap_or_default();
    let code = error_type_header
        .map(str::to_owned)
        .or(parsed.code)
        .or(parsed.kind)
        .map(|c| sanitize_code(&c))
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| default_code(status).to_owned());
    let message = parsed
        .message
        .or_else(|| error_message_header.map(str::to_owned))
        .filter(|m| !m.trim().is_empty())
        .unwrap_or_else(|| {
            if body.is_empty() || serde_json::from_slice::<serde_json::Value>(body).is_ok() {
                format!("Bedrock answered HTTP {status} ({code}) without an error message")
            } else {
                let text = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
                format!("Bedrock answered HTTP {status} ({code}): {text}")
            }
        });
    BedrockError {
        status,
        code,
        message: with_hint(message),
    }
}

/// An exception frame of a stream (`throttlingException`, …) as a [`BedrockError`].
pub fn from_stream_exception(exception_type: &str, message: String) -> BedrockError {
    let code = upper_first(exception_type);
    BedrockError {
        status: stream_exception_status(&code),
        code,
        message: with_hint(message),
    }
}

/// `aws.protocols#…#ThrottlingException:http://…` → `ThrottlingException`.
fn sanitize_code(raw: &str) -> String {
    let before_colon = raw.split(':').next().unwrap_or(raw);
    let after_hash = before_colon.rsplit('#').next().unwrap_or(before_colon);
    after_hash.trim().to_owned()
}

fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn default_code(status: u16) -> &'static str {
    match status {
        400 => "ValidationException",
        403 => "AccessDeniedException",
        404 => "ResourceNotFoundException",
        408 => "ModelTimeoutException",
        424 => "ModelErrorException",
        429 => "ThrottlingException",
        503 => "ServiceUnavailableException",
        _ => "InternalServerException",
    }
}

fn stream_exception_status(code: &str) -> u16 {
    match code {
        "ValidationException" => 400,
        "ThrottlingException" => 429,
        "ModelTimeoutException" => 408,
        "ModelStreamErrorException" | "ModelErrorException" => 424,
        "ServiceUnavailableException" => 503,
        _ => 500,
    }
}

/// Bedrock's on-demand-throughput refusal is the most common first-day error; say what fixes it.
fn with_hint(message: String) -> String {
    if message.contains("on-demand throughput isn") && !message.contains("inference profile ID") {
        format!(
            "{message} (hint: use a cross-region inference profile ID such as \
             `us.<model id>` or an inference profile ARN as the model)"
        )
    } else {
        message
    }
}

impl BedrockError {
    /// Whether the same call may succeed if retried (throttling, transient server trouble).
    pub fn retryable(&self) -> bool {
        matches!(
            self.code.as_str(),
            "ThrottlingException"
                | "ServiceUnavailableException"
                | "InternalServerException"
                | "ModelNotReadyException"
                | "ModelTimeoutException"
                | "InternalFailure"
        ) || matches!(self.status, 429 | 500 | 502 | 503 | 504)
    }

    /// The OpenAI error `type` for this exception.
    pub fn openai_type(&self) -> &'static str {
        match self.code.as_str() {
            "ValidationException" | "ServiceQuotaExceededException" | "ConflictException" => {
                "invalid_request_error"
            }
            "AccessDeniedException"
            | "UnrecognizedClientException"
            | "InvalidSignatureException"
            | "MissingAuthenticationTokenException"
            | "ExpiredTokenException" => "authentication_error",
            "ResourceNotFoundException" => "not_found_error",
            "ThrottlingException" => "rate_limit_error",
            "ModelTimeoutException" => "timeout_error",
            _ if self.status < 500 && self.status != 424 => "invalid_request_error",
            _ => "api_error",
        }
    }

    /// The OpenAI error `code`: the exception name in snake case without `Exception`
    /// (`ThrottlingException` → `throttling`).
    pub fn openai_code(&self) -> String {
        let base = self.code.strip_suffix("Exception").unwrap_or(&self.code);
        let mut out = String::with_capacity(base.len() + 4);
        for (i, ch) in base.chars().enumerate() {
            if ch.is_ascii_uppercase() {
                if i > 0 {
                    out.push('_');
                }
                out.push(ch.to_ascii_lowercase());
            } else {
                out.push(ch);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn code_comes_from_the_header_without_its_namespace() {
        let e = parse_http_error(
            429,
            Some("ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/"),
            None,
            br#"{"message":"Too many requests, please wait before trying again."}"#,
        );
        assert_eq!(e.code, "ThrottlingException");
        assert_eq!(
            e.message,
            "Too many requests, please wait before trying again."
        );
        assert!(e.retryable());
        assert_eq!(e.openai_type(), "rate_limit_error");
        assert_eq!(e.openai_code(), "throttling");
    }

    #[test]
    fn code_falls_back_to_body_type_then_status() {
        let e = parse_http_error(
            400,
            None,
            None,
            br#"{"__type":"com.amazon.coral.validate#ValidationException","Message":"bad"}"#,
        );
        assert_eq!(e.code, "ValidationException");
        assert_eq!(e.message, "bad");
        assert!(!e.retryable());
        let e = parse_http_error(503, None, None, b"");
        assert_eq!(e.code, "ServiceUnavailableException");
        assert!(e.message.contains("HTTP 503"));
    }

    #[test]
    fn empty_body_with_header_message() {
        let e = parse_http_error(500, Some("InternalServerException"), Some("boom"), b"{}");
        assert_eq!(e.code, "InternalServerException");
        assert_eq!(e.message, "boom");
        assert_eq!(e.openai_type(), "api_error");
        assert_eq!(e.openai_code(), "internal_server");
    }

    #[test]
    fn non_json_bodies_are_quoted_briefly() {
        let e = parse_http_error(502, None, None, b"<html>bad gateway</html>");
        assert!(
            e.message.contains("<html>bad gateway</html>"),
            "{}",
            e.message
        );
    }

    #[test]
    fn stream_exceptions_get_their_modelled_status() {
        let e = from_stream_exception("modelStreamErrorException", "upstream died".into());
        assert_eq!(e.code, "ModelStreamErrorException");
        assert_eq!(e.status, 424);
        assert_eq!(e.openai_code(), "model_stream_error");
        assert_eq!(
            from_stream_exception("throttlingException", String::new()).status,
            429
        );
    }

    #[test]
    fn on_demand_throughput_gets_a_hint() {
        let e = parse_http_error(
            400,
            Some("ValidationException"),
            None,
            br#"{"message":"Invocation of model ID anthropic.claude-sonnet-4 with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model."}"#,
        );
        assert!(e
            .message
            .contains("hint: use a cross-region inference profile ID"));
    }
}
