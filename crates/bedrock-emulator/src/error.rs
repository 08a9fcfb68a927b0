//! Bedrock's JSON error model: the error codes, their HTTP statuses, and the one place that turns
//! an [`ApiError`] into a wire response.

use std::borrow::Cow;

use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_TYPE};
use http::{Response, StatusCode};
use serde::Serialize;

use crate::body::ResponseBody;

/// Header carrying the error code, e.g. `ThrottlingException:http://internal.amazon.com/...`.
pub(crate) const ERROR_TYPE_HEADER: &str = "x-amzn-errortype";
pub(crate) const APPLICATION_JSON: HeaderValue = HeaderValue::from_static("application/json");

macro_rules! error_codes {
    ($($code:ident => $status:expr),* $(,)?) => {
        /// An AWS error code the emulator can answer with. Variant names are the wire codes.
        #[allow(clippy::enum_variant_names)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) enum ErrorCode { $($code),* }

        impl ErrorCode {
            /// The code as clients see it (`x-amzn-ErrorType` before the `:`).
            pub(crate) fn name(self) -> &'static str {
                match self { $(Self::$code => stringify!($code)),* }
            }

            /// The full `x-amzn-ErrorType` value, built at compile time.
            pub(crate) fn type_header(self) -> &'static str {
                match self {
                    $(Self::$code => concat!(
                        stringify!($code),
                        ":http://internal.amazon.com/coral/com.amazon.bedrock/"
                    )),*
                }
            }

            pub(crate) fn status(self) -> StatusCode {
                match self { $(Self::$code => $status),* }
            }
        }
    };
}

error_codes! {
    ValidationException => StatusCode::BAD_REQUEST,
    AccessDeniedException => StatusCode::FORBIDDEN,
    ResourceNotFoundException => StatusCode::NOT_FOUND,
    // 400 on bedrock-runtime and the control plane (the agent runtime's 409 is never sent).
    ConflictException => StatusCode::BAD_REQUEST,
    ThrottlingException => StatusCode::TOO_MANY_REQUESTS,
    ModelTimeoutException => StatusCode::REQUEST_TIMEOUT,
    InternalServerException => StatusCode::INTERNAL_SERVER_ERROR,
    ServiceUnavailableException => StatusCode::SERVICE_UNAVAILABLE,
    UnknownOperationException => StatusCode::NOT_FOUND,
    MissingAuthenticationTokenException => StatusCode::FORBIDDEN,
    IncompleteSignatureException => StatusCode::FORBIDDEN,
    UnrecognizedClientException => StatusCode::FORBIDDEN,
    InvalidSignatureException => StatusCode::FORBIDDEN,
}

/// A client-facing error; rendered once by [`ApiError::into_response`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) code: ErrorCode,
    pub(crate) message: Cow<'static, str>,
    /// Send no body at all (models services that answer with only the error header).
    pub(crate) empty_body: bool,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    message: &'a str,
}

impl ApiError {
    pub(crate) fn new(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            code,
            message: message.into(),
            empty_body: false,
        }
    }

    pub(crate) fn validation(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorCode::ValidationException, message)
    }

    /// A `ValidationException` phrased like Bedrock's constraint checks.
    pub(crate) fn constraint(value: impl std::fmt::Display, at: &str, rule: &str) -> Self {
        Self::validation(format!(
            "1 validation error detected: Value '{value}' at '{at}' failed to satisfy constraint: {rule}"
        ))
    }

    pub(crate) fn unknown_operation() -> Self {
        Self::new(
            ErrorCode::UnknownOperationException,
            "The requested operation is not recognized by the service.",
        )
    }

    pub(crate) fn into_response(self) -> Response<ResponseBody> {
        let body = if self.empty_body {
            Bytes::new()
        } else {
            // Serialising a struct holding one &str cannot fail.
            Bytes::from(
                serde_json::to_vec(&ErrorBody {
                    message: &self.message,
                })
                .unwrap_or_default(),
            )
        };
        let mut response = Response::new(ResponseBody::full(body));
        *response.status_mut() = self.code.status();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, APPLICATION_JSON);
        headers.insert(
            ERROR_TYPE_HEADER,
            HeaderValue::from_static(self.code.type_header()),
        );
        response
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use http_body_util::BodyExt;

    #[tokio::test]
    async fn renders_status_type_header_and_message_body() {
        let response = ApiError::new(
            ErrorCode::ThrottlingException,
            "Too many requests, please wait before trying again.",
        )
        .into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            response.headers()[ERROR_TYPE_HEADER],
            "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/"
        );
        assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(
            &body[..],
            br#"{"message":"Too many requests, please wait before trying again."}"#
        );
    }

    #[tokio::test]
    async fn empty_body_errors_keep_the_type_header() {
        let mut error = ApiError::new(ErrorCode::InternalServerException, "");
        error.empty_body = true;
        let response = error.into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(response.headers()[ERROR_TYPE_HEADER]
            .to_str()
            .unwrap()
            .starts_with("InternalServerException:"));
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert!(body.is_empty());
    }

    #[test]
    fn statuses_follow_the_bedrock_model() {
        assert_eq!(ErrorCode::ModelTimeoutException.status().as_u16(), 408);
        assert_eq!(
            ErrorCode::ServiceUnavailableException.status().as_u16(),
            503
        );
        assert_eq!(ErrorCode::InvalidSignatureException.status().as_u16(), 403);
        assert_eq!(
            ErrorCode::UnknownOperationException.name(),
            "UnknownOperationException"
        );
    }
}
