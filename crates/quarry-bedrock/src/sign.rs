//! SigV4 signing for Bedrock calls, via `aws-sigv4`.
//!
//! The caller passes the URL exactly as it goes on the wire (each path label encoded once);
//! `aws-sigv4`'s defaults for non-S3 services encode it again for the canonical request and
//! normalise the path, which is what Bedrock verifies. Only the headers the caller passes are
//! signed: the gateway passes the ones it sets, plus — on native routes — the client's
//! `content-type`, `accept` and `x-amzn-bedrock-*` headers, which Bedrock reads.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;

/// The signing name of bedrock-runtime, bedrock and bedrock-agent-runtime alike.
pub const BEDROCK_SERVICE: &str = "bedrock";

/// Headers to add to the request so that it carries a valid signature.
#[derive(Clone, PartialEq, Eq)]
pub struct SignatureHeaders {
    pub authorization: String,
    pub x_amz_date: String,
    pub security_token: Option<String>,
}

impl std::fmt::Debug for SignatureHeaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignatureHeaders")
            .field("x_amz_date", &self.x_amz_date)
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "***"),
            )
            .finish_non_exhaustive()
    }
}

/// Signing failed; the message never contains key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("could not sign the upstream request: {0}")]
pub struct SignError(String);

/// What to sign: method, wire URL, the headers Quarry sets (besides `host`, which comes from
/// the URL) and the exact body bytes.
pub struct ToSign<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub headers: &'a [(&'a str, &'a str)],
    pub body: &'a [u8],
}

/// Signs a request for `service` in `region` at `time`.
pub fn sign_v4(
    request: &ToSign<'_>,
    credentials: &Credentials,
    region: &str,
    service: &str,
    time: SystemTime,
) -> Result<SignatureHeaders, SignError> {
    signed_headers(
        SignableRequest::new(
            request.method,
            request.url,
            request.headers.iter().copied(),
            SignableBody::Bytes(request.body),
        ),
        credentials,
        region,
        service,
        time,
        SigningSettings::default(),
    )
}

/// Signs one request with `settings` and returns the headers to add.
fn signed_headers(
    signable: Result<SignableRequest<'_>, aws_sigv4::http_request::SigningError>,
    credentials: &Credentials,
    region: &str,
    service: &str,
    time: SystemTime,
    settings: SigningSettings,
) -> Result<SignatureHeaders, SignError> {
    let identity: Identity = credentials.clone().into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(time)
        .settings(settings)
        .build()
        .map_err(|e| SignError(e.to_string()))?
        .into();
    let signable = signable.map_err(|e| SignError(e.to_string()))?;
    let (instructions, _signature) = sign(signable, &params)
        .map_err(|e| SignError(e.to_string()))?
        .into_parts();
    let mut out = SignatureHeaders {
        authorization: String::new(),
        x_amz_date: String::new(),
        security_token: None,
    };
    for (name, value) in instructions.headers() {
        match name {
            "authorization" => out.authorization = value.to_owned(),
            "x-amz-date" => out.x_amz_date = value.to_owned(),
            "x-amz-security-token" => out.security_token = Some(value.to_owned()),
            _ => {}
        }
    }
    if out.authorization.is_empty() {
        return Err(SignError(
            "the signer produced no Authorization header".into(),
        ));
    }
    Ok(out)
}

/// The signing name of S3.
pub const S3_SERVICE: &str = "s3";

/// `x-amz-content-sha256` for a GET: the signature does not cover a body.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// Signs an S3 request (GetObject, HeadObject) by S3's rules: the wire path is used as the
/// canonical path as is (single encoding, no normalisation) and `x-amz-content-sha256:
/// UNSIGNED-PAYLOAD` is signed. The caller sends that header too.
pub fn sign_s3(
    method: &str,
    url: &str,
    credentials: &Credentials,
    region: &str,
    time: SystemTime,
) -> Result<SignatureHeaders, SignError> {
    use aws_sigv4::http_request::{PercentEncodingMode, UriPathNormalizationMode};
    let mut settings = SigningSettings::default();
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    let headers = [("x-amz-content-sha256", UNSIGNED_PAYLOAD)];
    signed_headers(
        SignableRequest::new(
            method,
            url,
            headers.iter().copied(),
            SignableBody::UnsignedPayload,
        ),
        credentials,
        region,
        S3_SERVICE,
        time,
        settings,
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    //! The botocore-generated vectors of bedrock-wire.md §5.1.
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    const AKID: &str = "AKIDEXAMPLE";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    fn at_2025_01_15_noon() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_736_942_400)
    }

    fn signature_of(h: &SignatureHeaders) -> &str {
        h.authorization.rsplit("Signature=").next().unwrap()
    }

    fn signed_headers_of(h: &SignatureHeaders) -> &str {
        let rest = h.authorization.split("SignedHeaders=").nth(1).unwrap();
        rest.split(',').next().unwrap()
    }

    #[test]
    fn vector_a_converse() {
        let creds = Credentials::new(AKID, SECRET, None, None, "test");
        let body = br#"{"messages": [{"role": "user", "content": [{"text": "hi"}]}]}"#;
        let h = sign_v4(
            &ToSign {
                method: "POST",
                url: "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse",
                headers: &[("content-type", "application/json")],
                body,
            },
            &creds,
            "us-east-1",
            BEDROCK_SERVICE,
            at_2025_01_15_noon(),
        )
        .unwrap();
        assert_eq!(h.x_amz_date, "20250115T120000Z");
        assert_eq!(signed_headers_of(&h), "content-type;host;x-amz-date");
        assert!(h.authorization.starts_with(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250115/us-east-1/bedrock/aws4_request"
        ));
        assert_eq!(
            signature_of(&h),
            "16f62455c1fd645002e290a8b00cdf96fe6309b26c8cb57e283edb75575d5e56"
        );
        assert_eq!(h.security_token, None);
    }

    #[test]
    fn vector_b_invoke_on_a_profile_arn_with_a_session_token() {
        let creds = Credentials::new(
            AKID,
            SECRET,
            Some("FQoGZXIvYXdzEXAMPLETOKEN".into()),
            None,
            "test",
        );
        let h = sign_v4(
            &ToSign {
                method: "POST",
                url: "https://bedrock-runtime.us-east-1.amazonaws.com/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-3-haiku-20240307-v1%3A0/invoke",
                headers: &[
                    ("accept", "application/json"),
                    ("content-type", "application/json"),
                    ("x-amzn-bedrock-trace", "ENABLED"),
                    ("x-amzn-bedrock-guardrailidentifier", "gr1"),
                    ("x-amzn-bedrock-guardrailversion", "1"),
                    ("x-amzn-bedrock-performanceconfig-latency", "optimized"),
                ],
                body: br#"{"inputText":"hi"}"#,
            },
            &creds,
            "us-east-1",
            BEDROCK_SERVICE,
            at_2025_01_15_noon(),
        )
        .unwrap();
        assert_eq!(
            signed_headers_of(&h),
            "accept;content-type;host;x-amz-date;x-amz-security-token;x-amzn-bedrock-guardrailidentifier;x-amzn-bedrock-guardrailversion;x-amzn-bedrock-performanceconfig-latency;x-amzn-bedrock-trace"
        );
        assert_eq!(
            signature_of(&h),
            "10a84566404fc9f55ced351f5a104275b91487986ce2944321aa138514103743"
        );
        assert_eq!(
            h.security_token.as_deref(),
            Some("FQoGZXIvYXdzEXAMPLETOKEN")
        );
    }

    #[test]
    fn vector_c_get_async_invoke_arn_label() {
        let creds = Credentials::new(AKID, SECRET, None, None, "test");
        let h = sign_v4(
            &ToSign {
                method: "GET",
                url: "https://bedrock-runtime.us-east-1.amazonaws.com/async-invoke/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aasync-invoke%2Fabcdefghijkl",
                headers: &[],
                body: b"",
            },
            &creds,
            "us-east-1",
            BEDROCK_SERVICE,
            at_2025_01_15_noon(),
        )
        .unwrap();
        assert_eq!(
            signature_of(&h),
            "19712134a85e08545586a96f46abcbef2d0d72b0f05a04ebb8e543b042049248"
        );
    }

    #[test]
    fn vector_d_query_string_is_canonicalised() {
        let creds = Credentials::new(AKID, SECRET, None, None, "test");
        let h = sign_v4(
            &ToSign {
                method: "GET",
                url: "https://bedrock-runtime.us-east-1.amazonaws.com/async-invoke?statusEquals=Completed&maxResults=5&submitTimeAfter=2025-01-01T00%3A00%3A00Z",
                headers: &[],
                body: b"",
            },
            &creds,
            "us-east-1",
            BEDROCK_SERVICE,
            at_2025_01_15_noon(),
        )
        .unwrap();
        assert_eq!(
            signature_of(&h),
            "38b95e42f7b480c3692e669751f99e89398fc676b41c79b212257578cb8d3a27"
        );
    }

    #[test]
    fn s3_signing_keeps_the_path_single_encoded_and_signs_the_payload_header() {
        let creds = Credentials::new(AKID, SECRET, None, None, "test");
        let url = "https://b.s3.us-east-1.amazonaws.com/out/records%201.mp4";
        let h = sign_s3("GET", url, &creds, "us-east-1", at_2025_01_15_noon()).unwrap();
        assert_eq!(
            signed_headers_of(&h),
            "host;x-amz-content-sha256;x-amz-date"
        );
        assert!(h
            .authorization
            .contains("Credential=AKIDEXAMPLE/20250115/us-east-1/s3/aws4_request"));
        // The canonical path is the wire path: the same request signed with Bedrock's
        // double-encoding rules gives another signature.
        let bedrock = sign_v4(
            &ToSign {
                method: "GET",
                url,
                headers: &[("x-amz-content-sha256", UNSIGNED_PAYLOAD)],
                body: b"",
            },
            &creds,
            "us-east-1",
            S3_SERVICE,
            at_2025_01_15_noon(),
        )
        .unwrap();
        assert_ne!(signature_of(&h), signature_of(&bedrock));
    }

    #[test]
    fn debug_output_hides_the_signature_and_token() {
        let creds = Credentials::new(AKID, SECRET, Some("SESSIONTOKEN".into()), None, "t");
        let h = sign_v4(
            &ToSign {
                method: "POST",
                url: "https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse",
                headers: &[],
                body: b"{}",
            },
            &creds,
            "us-east-1",
            BEDROCK_SERVICE,
            at_2025_01_15_noon(),
        )
        .unwrap();
        let dbg = format!("{h:?}");
        assert!(!dbg.contains("SESSIONTOKEN"));
        assert!(!dbg.contains("Signature="));
    }
}
