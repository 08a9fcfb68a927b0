//! SigV4 verification: parse the `Authorization` header, then let `aws-sigv4` recompute the
//! signature over exactly the headers the client signed and compare.
//!
//! The canonical request follows the non-S3 rules (the on-the-wire path is encoded a second
//! time, dot segments are normalised), which is what `aws-sigv4`'s defaults do when fed the raw
//! path. The request time comes from `x-amz-date`; the clock is never consulted.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use http::HeaderMap;

use super::RequestView;
use crate::error::{ApiError, ErrorCode};

pub(crate) const ALGORITHM: &str = "AWS4-HMAC-SHA256";

const SIGNATURE_MISMATCH: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

/// The parts of `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AuthorizationHeader<'a> {
    pub(crate) access_key_id: &'a str,
    pub(crate) date: &'a str,
    pub(crate) region: &'a str,
    pub(crate) service: &'a str,
    pub(crate) terminator: &'a str,
    /// `;`-separated lower-case names.
    pub(crate) signed_headers: &'a str,
    pub(crate) signature: &'a str,
}

impl AuthorizationHeader<'_> {
    pub(crate) fn signed_header_names(&self) -> impl Iterator<Item = &str> {
        self.signed_headers
            .split(';')
            .filter(|name| !name.is_empty())
    }
}

fn incomplete(message: impl Into<std::borrow::Cow<'static, str>>) -> ApiError {
    ApiError::new(ErrorCode::IncompleteSignatureException, message)
}

pub(crate) fn mismatch() -> ApiError {
    ApiError::new(ErrorCode::InvalidSignatureException, SIGNATURE_MISMATCH)
}

/// Parse the value of an `Authorization` header that starts with [`ALGORITHM`].
pub(crate) fn parse_authorization(value: &str) -> Result<AuthorizationHeader<'_>, ApiError> {
    let rest = value
        .strip_prefix(ALGORITHM)
        .filter(|rest| rest.starts_with(' '))
        .ok_or_else(|| incomplete("Unsupported Authorization Type"))?;
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let part = part.trim();
        if let Some(v) = part.strip_prefix("Credential=") {
            credential = Some(v);
        } else if let Some(v) = part.strip_prefix("SignedHeaders=") {
            signed_headers = Some(v);
        } else if let Some(v) = part.strip_prefix("Signature=") {
            signature = Some(v);
        }
    }
    let missing = [
        ("Credential", credential.is_none()),
        ("SignedHeaders", signed_headers.is_none()),
        ("Signature", signature.is_none()),
    ]
    .iter()
    .filter(|(_, missing)| *missing)
    .map(|(name, _)| format!("Authorization header requires '{name}' parameter."))
    .collect::<Vec<_>>();
    let (Some(credential), Some(signed_headers), Some(signature)) =
        (credential, signed_headers, signature)
    else {
        return Err(incomplete(missing.join(" ")));
    };
    let mut scope = credential.split('/');
    let (Some(access_key_id), Some(date), Some(region), Some(service), Some(terminator), None) = (
        scope.next(),
        scope.next(),
        scope.next(),
        scope.next(),
        scope.next(),
        scope.next(),
    ) else {
        return Err(incomplete(
            "Credential should be scoped to a valid region, service and date.",
        ));
    };
    if access_key_id.is_empty() {
        return Err(incomplete(
            "Authorization header requires a non-empty access key.",
        ));
    }
    Ok(AuthorizationHeader {
        access_key_id,
        date,
        region,
        service,
        terminator,
        signed_headers,
        signature,
    })
}

/// Parse an ISO-8601 basic timestamp (`20250115T120000Z`).
pub(crate) fn parse_amz_date(value: &str) -> Option<SystemTime> {
    let b = value.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = value.get(range)?;
        digits
            .bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| digits.parse().ok())
            .flatten()
    };
    let (year, month, day) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (hour, minute, second) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second;
    let secs = u64::try_from(secs).ok()?;
    SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Recompute the signature of `request` with `secret` and compare it with the one sent.
///
/// `cached` is the pre-built identity for `secret` without a session token; `service` is the
/// signing name the scope must carry.
pub(crate) fn verify(
    parsed: &AuthorizationHeader<'_>,
    secret: &str,
    cached: &Identity,
    request: &RequestView<'_>,
    service: &str,
    settings: &SigningSettings,
) -> Result<(), ApiError> {
    let amz_date = header_str(request.headers, "x-amz-date").ok_or_else(|| {
        incomplete(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
        )
    })?;
    let time = parse_amz_date(amz_date).ok_or_else(|| {
        incomplete(format!(
            "Date must be in ISO-8601 'basic format'. Got '{amz_date}'. See http://en.wikipedia.org/wiki/ISO_8601"
        ))
    })?;
    if amz_date.get(..8) != Some(parsed.date) {
        return Err(ApiError::new(
            ErrorCode::InvalidSignatureException,
            format!(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{}', from '{amz_date}'.",
                parsed.date,
                &amz_date[..8],
            ),
        ));
    }
    if parsed.service != service {
        return Err(ApiError::new(
            ErrorCode::InvalidSignatureException,
            format!("Credential should be scoped to correct service: '{service}'. "),
        ));
    }
    if parsed.terminator != "aws4_request" {
        return Err(ApiError::new(
            ErrorCode::InvalidSignatureException,
            format!(
                "Credential should be scoped with a valid terminator: 'aws4_request', not '{}'.",
                parsed.terminator
            ),
        ));
    }

    let session_token = match request.headers.get("x-amz-security-token") {
        None => None,
        Some(token) => {
            let signed = parsed
                .signed_header_names()
                .any(|name| name == "x-amz-security-token");
            match token.to_str() {
                Ok(token) if signed => Some(token),
                _ => return Err(mismatch()),
            }
        }
    };
    let host = header_str(request.headers, "host").or(request.authority);

    // aws-sigv4 adds host (unless given), x-amz-date and the token itself.
    let mut headers: Vec<(&str, &str)> = Vec::with_capacity(8);
    for name in parsed.signed_header_names() {
        match name {
            "x-amz-date" | "x-amz-security-token" => {}
            "host" => headers.push(("host", host.ok_or_else(mismatch)?)),
            _ => {
                for value in request.headers.get_all(name) {
                    headers.push((name, value.to_str().map_err(|_| mismatch())?));
                }
            }
        }
    }

    let owned_identity;
    let identity = match session_token {
        None => cached,
        Some(token) => {
            owned_identity = Identity::from(Credentials::new(
                parsed.access_key_id,
                secret.to_owned(),
                Some(token.to_owned()),
                None,
                "bedrock-emulator",
            ));
            &owned_identity
        }
    };
    let uri = format!(
        "http://{}{}",
        host.unwrap_or("localhost"),
        request.path_and_query
    );
    // S3 signs the payload hash it is sent (`UNSIGNED-PAYLOAD` or a digest); it must be signed.
    let payload = if service == crate::s3::S3_SIGNING_NAME {
        let signed = parsed
            .signed_header_names()
            .any(|name| name == "x-amz-content-sha256");
        match header_str(request.headers, "x-amz-content-sha256") {
            Some(hash) if signed => SignableBody::Precomputed(hash.to_owned()),
            _ => {
                return Err(incomplete(
                    "S3 requests must send and sign x-amz-content-sha256.",
                ))
            }
        }
    } else {
        SignableBody::Bytes(request.body)
    };
    let signable = SignableRequest::new(request.method, uri, headers.into_iter(), payload)
        .map_err(|_| mismatch())?;
    let params = v4::SigningParams::builder()
        .identity(identity)
        .region(parsed.region)
        .name(parsed.service)
        .time(time)
        .settings(settings.clone())
        .build()
        .map_err(|_| mismatch())?
        .into();
    let output = sign(signable, &params).map_err(|_| mismatch())?;
    if constant_time_eq(output.signature().as_bytes(), parsed.signature.as_bytes()) {
        Ok(())
    } else {
        Err(mismatch())
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Signing settings that sign exactly the headers passed in (no default exclusions).
pub(crate) fn verification_settings() -> SigningSettings {
    let mut settings = SigningSettings::default();
    settings.excluded_headers = None;
    settings
}

/// S3's rules: the wire path is the canonical path (single encoding, no normalisation).
pub(crate) fn s3_verification_settings() -> SigningSettings {
    let mut settings = verification_settings();
    settings.percent_encoding_mode = aws_sigv4::http_request::PercentEncodingMode::Single;
    settings.uri_path_normalization_mode =
        aws_sigv4::http_request::UriPathNormalizationMode::Disabled;
    settings
}

#[cfg(test)]
#[path = "sigv4_tests.rs"]
mod tests;
