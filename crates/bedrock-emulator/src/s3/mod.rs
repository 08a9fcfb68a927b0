//! A minimal S3 front on the emulator's object store: path-style `GET` (GetObject) and `HEAD`
//! (HeadObject) on `/{bucket}/{key}`, so clients can download what async invocations wrote.
//!
//! A request is S3's when it carries `x-amz-content-sha256` (S3 requires it, Bedrock clients
//! never send it) or its SigV4 scope names the `s3` service. It is verified by S3's rules:
//! scope service `s3`, the wire path as the canonical path (single encoding, no
//! normalisation), and the signed `x-amz-content-sha256` value as the payload hash. Errors
//! are S3's XML documents (`NoSuchKey`, `SignatureDoesNotMatch`, ...).

use std::time::SystemTime;

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, ETAG, LAST_MODIFIED};
use http::request::Parts;
use http::{HeaderMap, HeaderValue, Method, Response, StatusCode};
use percent_encoding::percent_decode_str;

use crate::auth::{Authenticator, RequestView};
use crate::body::ResponseBody;
use crate::error::{ApiError, ErrorCode};
use crate::s3store::S3Store;

/// The SigV4 signing name S3 requests carry.
pub(crate) const S3_SIGNING_NAME: &str = "s3";

/// Whether `headers` belong to an S3 request rather than a Bedrock one.
pub(crate) fn is_s3_request(headers: &HeaderMap) -> bool {
    headers.contains_key("x-amz-content-sha256")
        || crate::auth::signing_service(headers).as_deref() == Some(S3_SIGNING_NAME)
}

/// Serves one S3 request.
pub(crate) fn handle(
    auth: &Authenticator,
    store: &S3Store,
    parts: &Parts,
    body: &Bytes,
) -> Response<ResponseBody> {
    let path_and_query = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
    let view = RequestView {
        method: parts.method.as_str(),
        path_and_query,
        headers: &parts.headers,
        authority: parts.uri.authority().map(|a| a.as_str()),
        body,
    };
    if let Err(error) = auth.authenticate(&view, S3_SIGNING_NAME, false) {
        return auth_error(&error, parts.uri.path());
    }
    let head = parts.method == Method::HEAD;
    if parts.method != Method::GET && !head {
        return xml_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "The specified method is not allowed against this resource.",
            parts.uri.path(),
            head,
        );
    }
    let raw = parts.uri.path().trim_start_matches('/');
    let (bucket, key) = raw.split_once('/').unwrap_or((raw, ""));
    let bucket = percent_decode_str(bucket).decode_utf8_lossy();
    let key = percent_decode_str(key).decode_utf8_lossy();
    if bucket.is_empty() || key.is_empty() {
        return xml_error(
            StatusCode::BAD_REQUEST,
            "InvalidRequest",
            "The emulator serves GetObject and HeadObject on path-style /{bucket}/{key} only.",
            parts.uri.path(),
            head,
        );
    }
    let Some(object) = store.get(&bucket, &key) else {
        return xml_error(
            StatusCode::NOT_FOUND,
            "NoSuchKey",
            "The specified key does not exist.",
            &key,
            head,
        );
    };
    let length = object.body.len();
    let mut response = Response::new(ResponseBody::full(if head {
        Bytes::new()
    } else {
        object.body.clone()
    }));
    let headers = response.headers_mut();
    let content_type = object
        .content_type
        .as_deref()
        .unwrap_or("application/octet-stream");
    if let Ok(v) = HeaderValue::from_str(content_type) {
        headers.insert(CONTENT_TYPE, v);
    }
    headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
    if let Ok(v) = HeaderValue::from_str(&format!("\"{:016x}\"", fnv1a(&object.body))) {
        headers.insert(ETAG, v);
    }
    headers.insert(
        LAST_MODIFIED,
        HeaderValue::from_str(&http_date(object.last_modified))
            .unwrap_or_else(|_| HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT")),
    );
    headers.insert("accept-ranges", HeaderValue::from_static("bytes"));
    response
}

/// S3's names for the authentication failures the authenticator reports.
fn auth_error(error: &ApiError, resource: &str) -> Response<ResponseBody> {
    let code = match error.code {
        ErrorCode::UnrecognizedClientException => "InvalidAccessKeyId",
        ErrorCode::InvalidSignatureException => "SignatureDoesNotMatch",
        ErrorCode::IncompleteSignatureException => "AuthorizationHeaderMalformed",
        _ => "AccessDenied",
    };
    xml_error(StatusCode::FORBIDDEN, code, &error.message, resource, false)
}

/// `<Error><Code>…</Code><Message>…</Message><Resource>…</Resource><RequestId>…</RequestId></Error>`;
/// HEAD answers carry no body, as S3's do.
fn xml_error(
    status: StatusCode,
    code: &str,
    message: &str,
    resource: &str,
    head: bool,
) -> Response<ResponseBody> {
    let body = if head {
        Bytes::new()
    } else {
        Bytes::from(format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{}</Message><Resource>{}</Resource><RequestId>emulator</RequestId></Error>",
            xml_escape(message),
            xml_escape(resource)
        ))
    };
    let mut response = Response::new(ResponseBody::full(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/xml"));
    response
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// RFC 7231 date, e.g. `Wed, 15 Jan 2025 12:00:00 GMT`.
fn http_date(time: SystemTime) -> String {
    let secs = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (y, m, d) = civil(i64::try_from(days).unwrap_or(0));
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {d:02} {} {y} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[(days % 7) as usize],
        MONTHS[(m - 1) as usize],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Year, month, day of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn http_dates() {
        assert_eq!(
            http_date(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_736_942_400)),
            "Wed, 15 Jan 2025 12:00:00 GMT"
        );
    }

    #[test]
    fn s3_requests_are_told_apart_by_their_payload_header() {
        let mut headers = HeaderMap::new();
        assert!(!is_s3_request(&headers));
        headers.insert(
            "x-amz-content-sha256",
            HeaderValue::from_static("UNSIGNED-PAYLOAD"),
        );
        assert!(is_s3_request(&headers));
    }
}
