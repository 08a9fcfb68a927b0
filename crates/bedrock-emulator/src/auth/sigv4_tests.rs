#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Verification against the botocore-generated vectors of bedrock-wire.md §5.1.

use super::*;
use http::{HeaderName, HeaderValue};

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const HOST: &str = "bedrock-runtime.us-east-1.amazonaws.com";
const DATE: &str = "20250115T120000Z";

struct Vector {
    method: &'static str,
    path: &'static str,
    headers: Vec<(&'static str, &'static str)>,
    signed: &'static str,
    signature: &'static str,
    body: &'static [u8],
}

fn vector_a() -> Vector {
    Vector {
        method: "POST",
        path: "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse",
        headers: vec![("content-type", "application/json")],
        signed: "content-type;host;x-amz-date",
        signature: "16f62455c1fd645002e290a8b00cdf96fe6309b26c8cb57e283edb75575d5e56",
        body: br#"{"messages": [{"role": "user", "content": [{"text": "hi"}]}]}"#,
    }
}

fn vector_b() -> Vector {
    Vector {
        method: "POST",
        path: "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-3-haiku-20240307-v1%3A0/invoke",
        headers: vec![
            ("x-amzn-bedrock-trace", "ENABLED"),
            ("x-amzn-bedrock-guardrailidentifier", "gr1"),
            ("x-amzn-bedrock-guardrailversion", "1"),
            ("x-amzn-bedrock-performanceconfig-latency", "optimized"),
            ("content-type", "application/json"),
            ("accept", "application/json"),
            ("x-amz-security-token", "FQoGZXIvYXdzEXAMPLETOKEN"),
        ],
        signed: "accept;content-type;host;x-amz-date;x-amz-security-token;x-amzn-bedrock-guardrailidentifier;x-amzn-bedrock-guardrailversion;x-amzn-bedrock-performanceconfig-latency;x-amzn-bedrock-trace",
        signature: "10a84566404fc9f55ced351f5a104275b91487986ce2944321aa138514103743",
        body: br#"{"inputText":"hi"}"#,
    }
}

fn vector_c() -> Vector {
    Vector {
        method: "GET",
        path: "/async-invoke/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aasync-invoke%2Fabcdefghijkl",
        headers: vec![],
        signed: "host;x-amz-date",
        signature: "19712134a85e08545586a96f46abcbef2d0d72b0f05a04ebb8e543b042049248",
        body: b"",
    }
}

fn vector_d() -> Vector {
    Vector {
        method: "GET",
        path: "/async-invoke?statusEquals=Completed&maxResults=5&submitTimeAfter=2025-01-01T00%3A00%3A00Z",
        headers: vec![],
        signed: "host;x-amz-date",
        signature: "38b95e42f7b480c3692e669751f99e89398fc676b41c79b212257578cb8d3a27",
        body: b"",
    }
}

fn headers_of(v: &Vector, akid: &str, signature: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("host", HeaderValue::from_static(HOST));
    headers.insert("x-amz-date", HeaderValue::from_static(DATE));
    for (name, value) in &v.headers {
        headers.append(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    let authorization = format!(
        "AWS4-HMAC-SHA256 Credential={akid}/20250115/us-east-1/bedrock/aws4_request, SignedHeaders={}, Signature={signature}",
        v.signed
    );
    headers.insert(
        "authorization",
        HeaderValue::from_str(&authorization).unwrap(),
    );
    headers.insert("user-agent", HeaderValue::from_static("not-signed/1.0"));
    headers
}

fn check(v: &Vector, headers: &HeaderMap, secret: &str) -> Result<(), ApiError> {
    let request = RequestView {
        method: v.method,
        path_and_query: v.path,
        headers,
        authority: None,
        body: v.body,
    };
    let value = headers["authorization"].to_str().unwrap();
    let parsed = parse_authorization(value)?;
    let identity = Identity::from(Credentials::new(AKID, secret, None, None, "test"));
    verify(
        &parsed,
        secret,
        &identity,
        &request,
        "bedrock",
        &verification_settings(),
    )
}

#[test]
fn vector_a_converse_verifies() {
    let v = vector_a();
    assert_eq!(v.body.len(), 61);
    assert_eq!(
        check(&v, &headers_of(&v, AKID, v.signature), SECRET),
        Ok(())
    );
}

#[test]
fn vector_b_session_token_and_arn_verifies() {
    let v = vector_b();
    assert_eq!(
        check(&v, &headers_of(&v, AKID, v.signature), SECRET),
        Ok(())
    );
}

#[test]
fn vector_c_encoded_arn_without_body_verifies() {
    let v = vector_c();
    assert_eq!(
        check(&v, &headers_of(&v, AKID, v.signature), SECRET),
        Ok(())
    );
}

#[test]
fn vector_d_query_string_verifies() {
    let v = vector_d();
    assert_eq!(
        check(&v, &headers_of(&v, AKID, v.signature), SECRET),
        Ok(())
    );
}

#[test]
fn a_wrong_secret_is_an_invalid_signature() {
    let v = vector_a();
    let error = check(&v, &headers_of(&v, AKID, v.signature), "not-the-secret").unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidSignatureException);
    assert_eq!(error.message, SIGNATURE_MISMATCH);
}

#[test]
fn a_changed_body_or_path_breaks_the_signature() {
    let mut v = vector_a();
    v.body = br#"{"messages": [{"role": "user", "content": [{"text": "HI"}]}]}"#;
    assert_eq!(
        check(&v, &headers_of(&v, AKID, v.signature), SECRET)
            .unwrap_err()
            .code,
        ErrorCode::InvalidSignatureException
    );
    let mut v = vector_a();
    // Same model ID, but the colon sent unencoded: the canonical path differs.
    v.path = "/model/anthropic.claude-3-haiku-20240307-v1:0/converse";
    assert_eq!(
        check(&v, &headers_of(&v, AKID, v.signature), SECRET)
            .unwrap_err()
            .code,
        ErrorCode::InvalidSignatureException
    );
}

#[test]
fn a_changed_signed_header_breaks_the_signature() {
    let v = vector_a();
    let mut headers = headers_of(&v, AKID, v.signature);
    headers.insert("content-type", HeaderValue::from_static("text/plain"));
    assert_eq!(
        check(&v, &headers, SECRET).unwrap_err().code,
        ErrorCode::InvalidSignatureException
    );
}

#[test]
fn an_unsigned_security_token_is_refused() {
    let v = vector_a();
    let mut headers = headers_of(&v, AKID, v.signature);
    headers.insert("x-amz-security-token", HeaderValue::from_static("tok"));
    assert_eq!(
        check(&v, &headers, SECRET).unwrap_err().code,
        ErrorCode::InvalidSignatureException
    );
}

#[test]
fn the_scope_must_name_the_bedrock_service_and_the_request_date() {
    let v = vector_a();
    let mut headers = headers_of(&v, AKID, v.signature);
    let wrong_service = headers["authorization"]
        .to_str()
        .unwrap()
        .replace("/bedrock/", "/s3/");
    headers.insert(
        "authorization",
        HeaderValue::from_str(&wrong_service).unwrap(),
    );
    let error = check(&v, &headers, SECRET).unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidSignatureException);
    assert!(error.message.contains("'bedrock'"), "{}", error.message);

    let mut headers = headers_of(&v, AKID, v.signature);
    headers.insert("x-amz-date", HeaderValue::from_static("20250116T120000Z"));
    let error = check(&v, &headers, SECRET).unwrap_err();
    assert!(
        error.message.starts_with("Date in Credential scope"),
        "{}",
        error.message
    );
}

#[test]
fn missing_date_or_parameters_are_incomplete() {
    let v = vector_a();
    let mut headers = headers_of(&v, AKID, v.signature);
    headers.remove("x-amz-date");
    assert_eq!(
        check(&v, &headers, SECRET).unwrap_err().code,
        ErrorCode::IncompleteSignatureException
    );
    let error = parse_authorization(
        "AWS4-HMAC-SHA256 Credential=A/20250115/us-east-1/bedrock/aws4_request",
    )
    .unwrap_err();
    assert_eq!(error.code, ErrorCode::IncompleteSignatureException);
    assert!(error.message.contains("'SignedHeaders'") && error.message.contains("'Signature'"));
    assert!(parse_authorization(
        "AWS4-HMAC-SHA256 Credential=A/2025/bedrock, SignedHeaders=host, Signature=00"
    )
    .is_err());
}

#[test]
fn amz_dates_parse_to_the_right_instant() {
    let t = parse_amz_date("20250115T120000Z").unwrap();
    assert_eq!(
        t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs(),
        1_736_942_400
    );
    let leap = parse_amz_date("20240229T000000Z").unwrap();
    assert_eq!(
        leap.duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
        1_709_164_800
    );
    for bad in [
        "2025-01-15T12:00:00Z",
        "20251315T120000Z",
        "20250115T120000",
        "2025011ST120000Z",
        "",
    ] {
        assert_eq!(parse_amz_date(bad), None, "{bad}");
    }
}
