//! Who may call the emulator: SigV4 against the configured credentials, or a Bedrock API key
//! sent as `Authorization: Bearer`.

mod sigv4;

use std::collections::HashMap;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::SigningSettings;
use aws_smithy_runtime_api::client::identity::Identity;
use http::header::AUTHORIZATION;
use http::HeaderMap;

use crate::config::EmulatorConfig;
use crate::error::{ApiError, ErrorCode};
use crate::recording::AuthOutcome;

/// The parts of a request that authentication looks at.
pub(crate) struct RequestView<'a> {
    pub(crate) method: &'a str,
    /// Path and query as on the wire.
    pub(crate) path_and_query: &'a str,
    pub(crate) headers: &'a HeaderMap,
    /// The URI authority, used when there is no `Host` header (HTTP/2).
    pub(crate) authority: Option<&'a str>,
    pub(crate) body: &'a [u8],
}

struct Secret {
    secret: String,
    /// Pre-built so the common case (no session token) allocates nothing here.
    identity: Identity,
}

pub(crate) struct Authenticator {
    secrets: HashMap<String, Secret>,
    bearer_tokens: Vec<String>,
    verify: bool,
    settings: SigningSettings,
    /// S3's canonicalisation: single-encoded path, no normalisation.
    s3_settings: SigningSettings,
}

const INVALID_TOKEN: &str = "The security token included in the request is invalid.";

fn case_insensitive_strip<'a>(value: &'a str, prefix: &str) -> Option<&'a str> {
    let head = value.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &value[prefix.len()..])
}

impl Authenticator {
    pub(crate) fn new(config: &EmulatorConfig) -> Self {
        let secrets = config
            .credentials
            .iter()
            .map(|(akid, secret)| {
                let identity = Identity::from(Credentials::new(
                    akid.clone(),
                    secret.clone(),
                    None,
                    None,
                    "bedrock-emulator",
                ));
                (
                    akid.clone(),
                    Secret {
                        secret: secret.clone(),
                        identity,
                    },
                )
            })
            .collect();
        Self {
            secrets,
            bearer_tokens: config.bearer_tokens.clone(),
            verify: config.verify_signatures,
            settings: sigv4::verification_settings(),
            s3_settings: sigv4::s3_verification_settings(),
        }
    }

    /// Decide whether `request`, signed for `service`, may proceed. Without `allow_bearer`
    /// (the agent runtime) a `Bearer` header is just an unsupported authorization type.
    pub(crate) fn authenticate(
        &self,
        request: &RequestView<'_>,
        service: &str,
        allow_bearer: bool,
    ) -> Result<AuthOutcome, ApiError> {
        let Some(value) = request.headers.get(AUTHORIZATION) else {
            return if self.verify {
                Err(ApiError::new(
                    ErrorCode::MissingAuthenticationTokenException,
                    "Missing Authentication Token",
                ))
            } else {
                Ok(AuthOutcome::NotChecked)
            };
        };
        let value = match value.to_str() {
            Ok(value) => value,
            Err(_) if !self.verify => return Ok(AuthOutcome::NotChecked),
            Err(_) => {
                return Err(ApiError::new(
                    ErrorCode::IncompleteSignatureException,
                    "The Authorization header is not valid ASCII.",
                ))
            }
        };
        if let Some(token) = case_insensitive_strip(value, "Bearer ").filter(|_| allow_bearer) {
            let token = token.trim();
            if self.bearer_tokens.iter().any(|t| t == token) {
                return Ok(AuthOutcome::Bearer);
            }
            return if self.verify {
                Err(ApiError::new(
                    ErrorCode::UnrecognizedClientException,
                    INVALID_TOKEN,
                ))
            } else {
                Ok(AuthOutcome::NotChecked)
            };
        }
        if !self.verify {
            return Ok(AuthOutcome::NotChecked);
        }
        let parsed = sigv4::parse_authorization(value)?;
        let Some(secret) = self.secrets.get(parsed.access_key_id) else {
            return Err(ApiError::new(
                ErrorCode::UnrecognizedClientException,
                INVALID_TOKEN,
            ));
        };
        sigv4::verify(
            &parsed,
            &secret.secret,
            &secret.identity,
            request,
            service,
            if service == crate::s3::S3_SIGNING_NAME {
                &self.s3_settings
            } else {
                &self.settings
            },
        )?;
        Ok(AuthOutcome::SigV4Valid)
    }
}

/// The region of a SigV4 `Authorization` header's credential scope.
pub(crate) fn signing_region(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let parsed = sigv4::parse_authorization(value).ok()?;
    Some(parsed.region.to_owned())
}

/// The service of a SigV4 `Authorization` header's credential scope.
pub(crate) fn signing_service(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let parsed = sigv4::parse_authorization(value).ok()?;
    Some(parsed.service.to_owned())
}

/// Access key ID and signed header names of a SigV4 `Authorization` header, for the recorder.
pub(crate) fn sigv4_summary(headers: &HeaderMap) -> (Option<String>, Vec<String>) {
    let parsed = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| sigv4::parse_authorization(v).ok());
    match parsed {
        Some(parsed) => (
            Some(parsed.access_key_id.to_owned()),
            parsed.signed_header_names().map(str::to_owned).collect(),
        ),
        None => (None, Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use http::HeaderValue;

    fn view<'a>(headers: &'a HeaderMap) -> RequestView<'a> {
        RequestView {
            method: "POST",
            path_and_query: "/model/m/converse",
            headers,
            authority: None,
            body: b"{}",
        }
    }

    fn authenticator(verify: bool) -> Authenticator {
        Authenticator::new(&EmulatorConfig {
            bearer_tokens: vec!["ABSKtoken".into()],
            verify_signatures: verify,
            ..EmulatorConfig::default()
        })
    }

    fn code(result: Result<AuthOutcome, ApiError>) -> &'static str {
        result.unwrap_err().code.name()
    }

    #[test]
    fn missing_authorization_is_refused_only_when_verifying() {
        let headers = HeaderMap::new();
        assert_eq!(
            code(authenticator(true).authenticate(&view(&headers), "bedrock", true)),
            "MissingAuthenticationTokenException"
        );
        assert_eq!(
            authenticator(false).authenticate(&view(&headers), "bedrock", true),
            Ok(AuthOutcome::NotChecked)
        );
    }

    #[test]
    fn bearer_tokens_are_matched_exactly() {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer ABSKtoken"));
        assert_eq!(
            authenticator(true).authenticate(&view(&headers), "bedrock", true),
            Ok(AuthOutcome::Bearer)
        );
        headers.insert(AUTHORIZATION, HeaderValue::from_static("bearer ABSKother"));
        assert_eq!(
            code(authenticator(true).authenticate(&view(&headers), "bedrock", true)),
            "UnrecognizedClientException"
        );
    }

    #[test]
    fn bearer_tokens_are_refused_where_only_sigv4_is_allowed() {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer ABSKtoken"));
        let error = authenticator(true)
            .authenticate(&view(&headers), "bedrock", false)
            .unwrap_err();
        assert_eq!(error.code.name(), "IncompleteSignatureException");
        assert_eq!(
            authenticator(false).authenticate(&view(&headers), "bedrock", false),
            Ok(AuthOutcome::NotChecked)
        );
    }

    #[test]
    fn the_signing_region_comes_from_the_scope() {
        let mut headers = HeaderMap::new();
        assert_eq!(signing_region(&headers), None);
        headers.insert(AUTHORIZATION, HeaderValue::from_static(
            "AWS4-HMAC-SHA256 Credential=AKID/20250115/eu-west-3/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
        ));
        assert_eq!(signing_region(&headers).as_deref(), Some("eu-west-3"));
    }

    #[test]
    fn unknown_access_keys_are_unrecognized() {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_static(
            "AWS4-HMAC-SHA256 Credential=AKIDUNKNOWN/20250115/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
        ));
        let error = authenticator(true)
            .authenticate(&view(&headers), "bedrock", true)
            .unwrap_err();
        assert_eq!(error.code.name(), "UnrecognizedClientException");
        assert_eq!(error.message, INVALID_TOKEN);
    }

    #[test]
    fn other_schemes_are_incomplete_signatures() {
        let mut headers = HeaderMap::new();
        headers.insert(
            AUTHORIZATION,
            HeaderValue::from_static("Basic dXNlcjpwYXNz"),
        );
        assert_eq!(
            code(authenticator(true).authenticate(&view(&headers), "bedrock", true)),
            "IncompleteSignatureException"
        );
    }

    #[test]
    fn summary_extracts_the_key_and_signed_headers() {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_static(
            "AWS4-HMAC-SHA256 Credential=AKID/20250115/us-east-1/bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=ab",
        ));
        let (akid, signed) = sigv4_summary(&headers);
        assert_eq!(akid.as_deref(), Some("AKID"));
        assert_eq!(signed, ["content-type", "host", "x-amz-date"]);
    }
}
