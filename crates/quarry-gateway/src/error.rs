//! The gateway's one error type and the one place that turns it into what the client sees.
//!
//! Deep code returns a small typed [`GatewayError`] (kind, source, retryable); [`GatewayError::
//! into_response`] is the only function that picks a status and writes the OpenAI envelope.

use bytes::Bytes;
use http::{header, HeaderValue, Response, StatusCode};
use quarry_bedrock::error::BedrockError;

use crate::body::{full, RespBody};

/// Who is at fault; drives logs and metrics, never shown as a secret-bearing detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Client,
    Upstream,
    Internal,
}

/// What went wrong, at the granularity a client or an operator acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// The request is malformed or asks for something the route refuses (400).
    BadRequest { param: Option<String> },
    /// The body is larger than `max_request_body_size` (413).
    PayloadTooLarge,
    /// No route matched (404).
    NoRoute,
    /// The route does not accept this HTTP method (405).
    MethodNotAllowed,
    /// The route type or format is valid Kong config that Quarry does not serve yet (501).
    NotImplemented,
    /// Bedrock answered with an error; status and code preserved.
    Upstream(BedrockError),
    /// Bedrock could not be reached (502).
    Unreachable,
    /// Bedrock did not answer in time (504).
    Timeout,
    /// Bedrock answered 200 with something that is not what its API promises (502).
    BadUpstreamResponse,
    /// The route cannot call Bedrock as configured, e.g. no credentials (502).
    UpstreamConfig,
    /// A bug or resource failure inside Quarry (500).
    Internal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayError {
    pub kind: Kind,
    pub message: String,
}

impl GatewayError {
    pub fn bad_request(message: impl Into<String>, param: Option<String>) -> Self {
        Self {
            kind: Kind::BadRequest { param },
            message: message.into(),
        }
    }

    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    pub fn upstream(e: BedrockError) -> Self {
        let message = e.message.clone();
        Self {
            kind: Kind::Upstream(e),
            message,
        }
    }

    pub fn source(&self) -> Source {
        match self.kind {
            Kind::BadRequest { .. }
            | Kind::PayloadTooLarge
            | Kind::NoRoute
            | Kind::MethodNotAllowed => Source::Client,
            Kind::NotImplemented | Kind::Internal | Kind::UpstreamConfig => Source::Internal,
            Kind::Upstream(_) | Kind::Unreachable | Kind::Timeout | Kind::BadUpstreamResponse => {
                Source::Upstream
            }
        }
    }

    /// Whether another attempt (later, or on another target) may succeed.
    pub fn retryable(&self) -> bool {
        match &self.kind {
            Kind::Upstream(e) => e.retryable(),
            Kind::Unreachable | Kind::Timeout => true,
            _ => false,
        }
    }

    pub fn status(&self) -> StatusCode {
        match &self.kind {
            Kind::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Kind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Kind::NoRoute => StatusCode::NOT_FOUND,
            Kind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Kind::NotImplemented => StatusCode::NOT_IMPLEMENTED,
            Kind::Upstream(e) => StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_GATEWAY),
            Kind::Unreachable | Kind::BadUpstreamResponse | Kind::UpstreamConfig => {
                StatusCode::BAD_GATEWAY
            }
            Kind::Timeout => StatusCode::GATEWAY_TIMEOUT,
            Kind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// OpenAI's `type` and `code` for this error.
    pub fn openai_type_and_code(&self) -> (&'static str, String) {
        match &self.kind {
            Kind::BadRequest { .. } => ("invalid_request_error", "invalid_request".into()),
            Kind::PayloadTooLarge => ("invalid_request_error", "request_too_large".into()),
            Kind::NoRoute => ("invalid_request_error", "no_route".into()),
            Kind::MethodNotAllowed => ("invalid_request_error", "method_not_allowed".into()),
            Kind::NotImplemented => ("invalid_request_error", "not_implemented".into()),
            Kind::Upstream(e) => (e.openai_type(), e.openai_code()),
            Kind::Unreachable => ("api_error", "upstream_unreachable".into()),
            Kind::Timeout => ("timeout_error", "upstream_timeout".into()),
            Kind::BadUpstreamResponse => ("api_error", "bad_upstream_response".into()),
            Kind::UpstreamConfig => ("api_error", "upstream_not_configured".into()),
            Kind::Internal => ("api_error", "internal_error".into()),
        }
    }

    /// A low-cardinality label for metrics and logs.
    pub fn label(&self) -> &'static str {
        match &self.kind {
            Kind::BadRequest { .. } => "bad_request",
            Kind::PayloadTooLarge => "payload_too_large",
            Kind::NoRoute => "no_route",
            Kind::MethodNotAllowed => "method_not_allowed",
            Kind::NotImplemented => "not_implemented",
            Kind::Upstream(_) => "upstream_error",
            Kind::Unreachable => "upstream_unreachable",
            Kind::Timeout => "upstream_timeout",
            Kind::BadUpstreamResponse => "bad_upstream_response",
            Kind::UpstreamConfig => "upstream_not_configured",
            Kind::Internal => "internal",
        }
    }

    pub fn param(&self) -> Option<&str> {
        match &self.kind {
            Kind::BadRequest { param } => param.as_deref(),
            _ => None,
        }
    }

    /// The OpenAI error envelope as JSON bytes.
    pub fn body_json(&self) -> Vec<u8> {
        let (error_type, code) = self.openai_type_and_code();
        quarry_openai::error::error_json(&self.message, error_type, Some(&code), self.param())
    }

    /// The response the client sees.
    pub fn into_response(self) -> Response<RespBody> {
        let mut response = Response::new(full(Bytes::from(self.body_json())));
        *response.status_mut() = self.status();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Kind::Upstream(e) = &self.kind {
            if let Ok(v) = HeaderValue::from_str(&e.code) {
                response.headers_mut().insert("x-quarry-upstream-error", v);
            }
        }
        response
    }
}

impl GatewayError {
    /// The exception name (`x-amzn-ErrorType`) and status of this error in Bedrock's own
    /// shape, for routes with `llm_format: bedrock`. AWS SDKs read the code from the header and
    /// raise the matching modelled exception where the operation declares one; Bedrock's own
    /// names are used wherever one fits.
    pub fn bedrock_code_and_status(&self) -> (String, StatusCode) {
        let code = match &self.kind {
            Kind::BadRequest { .. } | Kind::PayloadTooLarge | Kind::MethodNotAllowed => {
                "ValidationException"
            }
            // What AWS answers for a path that names no operation.
            Kind::NoRoute | Kind::NotImplemented => "UnknownOperationException",
            Kind::Upstream(e) => return (e.code.clone(), self.status()),
            Kind::Unreachable => "ServiceUnavailableException",
            Kind::Timeout => "ModelTimeoutException",
            Kind::BadUpstreamResponse | Kind::UpstreamConfig | Kind::Internal => {
                "InternalServerException"
            }
        };
        (code.to_owned(), self.status())
    }

    /// The response in Bedrock's error shape: status, `x-amzn-ErrorType: <Code>` and
    /// `{"message": ...}`.
    pub fn into_bedrock_response(self) -> Response<RespBody> {
        let (code, status) = self.bedrock_code_and_status();
        let body =
            serde_json::to_vec(&serde_json::json!({ "message": self.message })).unwrap_or_default();
        let mut response = Response::new(full(Bytes::from(body)));
        *response.status_mut() = status;
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Ok(v) = HeaderValue::from_str(&code) {
            headers.insert("x-amzn-errortype", v);
        }
        response
    }
}

impl std::fmt::Display for GatewayError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.label(), self.message)
    }
}
