//! Server-sent events as OpenAI streams them: `data: <json>\n\n` per event, `data: [DONE]\n\n`
//! at the end, and errors as a data event whose JSON has an `error` key (OpenAI's Python SDK
//! raises `APIError` on such an event).

use bytes::{BufMut, BytesMut};
use serde::Serialize;

use crate::error::ErrorBody;

/// The event that ends a successful stream.
pub const DONE: &[u8] = b"data: [DONE]\n\n";

const PREFIX: &[u8] = b"data: ";
const SUFFIX: &[u8] = b"\n\n";

/// Appends `data: <json>\n\n`; `json` must already be one line of JSON.
pub fn write_data(out: &mut BytesMut, json: &[u8]) {
    out.reserve(PREFIX.len() + json.len() + SUFFIX.len());
    out.put_slice(PREFIX);
    out.put_slice(json);
    out.put_slice(SUFFIX);
}

/// Serializes `value` straight into `out` as one data event, with no intermediate buffer.
/// On failure nothing is appended.
pub fn write_json<T: Serialize + ?Sized>(
    out: &mut BytesMut,
    value: &T,
) -> Result<(), serde_json::Error> {
    let start = out.len();
    out.put_slice(PREFIX);
    // `&mut BytesMut` is itself a `BufMut`, so this writes in place.
    let result = serde_json::to_writer((&mut *out).writer(), value);
    match result {
        Ok(()) => {
            out.put_slice(SUFFIX);
            Ok(())
        }
        Err(e) => {
            out.truncate(start);
            Err(e)
        }
    }
}

/// Appends an error event: `data: {"error":{"message","type","param":null,"code"}}\n\n`.
pub fn write_error(out: &mut BytesMut, message: &str, error_type: &str, code: Option<&str>) {
    let body = ErrorBody::new(message, error_type, code, None);
    if write_json(out, &body).is_err() {
        write_data(
            out,
            br#"{"error":{"message":"internal error","type":"api_error","param":null,"code":null}}"#,
        );
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn data_events_are_framed_with_a_blank_line() {
        let mut out = BytesMut::new();
        write_data(&mut out, br#"{"a":1}"#);
        write_json(&mut out, &serde_json::json!({"b": "x\ny"})).unwrap();
        out.extend_from_slice(DONE);
        assert_eq!(
            &out[..],
            b"data: {\"a\":1}\n\ndata: {\"b\":\"x\\ny\"}\n\ndata: [DONE]\n\n"
        );
    }

    #[test]
    fn error_event_carries_an_error_key() {
        let mut out = BytesMut::new();
        write_error(
            &mut out,
            "Too many requests",
            "rate_limit_error",
            Some("throttling"),
        );
        assert_eq!(
            &out[..],
            &b"data: {\"error\":{\"message\":\"Too many requests\",\"type\":\"rate_limit_error\",\"param\":null,\"code\":\"throttling\"}}\n\n"[..]
        );
    }

    #[test]
    fn failed_serialization_appends_nothing() {
        struct Bad;
        impl Serialize for Bad {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("nope"))
            }
        }
        let mut out = BytesMut::from(&b"keep"[..]);
        assert!(write_json(&mut out, &Bad).is_err());
        assert_eq!(&out[..], b"keep");
    }
}
