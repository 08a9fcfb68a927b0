//! AWS event-stream frames as Bedrock sends them: events, modeled exceptions, unmodeled errors.
//!
//! Encoding goes through `aws-smithy-eventstream` so the framing and CRCs come from the same
//! code the official SDK decodes with.

use aws_smithy_eventstream::frame::write_message_to;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use bytes::Bytes;
use serde::Serialize;

/// Bedrock's padding alphabet; a prefix of it goes into each event's `p` field.
const PADDING: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

fn string(value: &'static str) -> HeaderValue {
    HeaderValue::String(value.into())
}

fn encode(message: &Message) -> Bytes {
    let mut buffer = Vec::with_capacity(message.payload().len() + 128);
    match write_message_to(message, &mut buffer) {
        Ok(()) => Bytes::from(buffer),
        // Only oversized headers fail, and every header here is a short constant.
        Err(error) => {
            tracing::error!(%error, "event-stream frame could not be encoded");
            Bytes::new()
        }
    }
}

/// JSON of `payload` with a `"p"` padding member appended, as real Bedrock events carry.
///
/// The length is derived from the payload size, so output stays deterministic.
pub(crate) fn padded_json(payload: &impl Serialize) -> Vec<u8> {
    let mut json = serde_json::to_vec(payload).unwrap_or_default();
    if json.last() != Some(&b'}') {
        return json;
    }
    json.pop();
    if json.len() > 1 {
        json.push(b',');
    }
    let len = 1 + json.len() % PADDING.len();
    json.extend_from_slice(br#""p":""#);
    json.extend_from_slice(&PADDING.as_bytes()[..len]);
    json.extend_from_slice(b"\"}");
    json
}

/// An event frame (`:message-type: event`) whose payload is already JSON.
pub(crate) fn event_raw(event_type: &'static str, payload: impl Into<Bytes>) -> Bytes {
    encode(
        &Message::new(payload)
            .add_header(Header::new(":event-type", string(event_type)))
            .add_header(Header::new(":content-type", string("application/json")))
            .add_header(Header::new(":message-type", string("event"))),
    )
}

/// An event frame with `p` padding added to the JSON payload.
pub(crate) fn event(event_type: &'static str, payload: &impl Serialize) -> Bytes {
    event_raw(event_type, padded_json(payload))
}

/// A modeled exception frame; `exception_type` is the camelCase union member name.
pub(crate) fn exception(exception_type: &'static str, payload: &impl Serialize) -> Bytes {
    encode(
        &Message::new(serde_json::to_vec(payload).unwrap_or_default())
            .add_header(Header::new(":exception-type", string(exception_type)))
            .add_header(Header::new(":content-type", string("application/json")))
            .add_header(Header::new(":message-type", string("exception"))),
    )
}

/// An unmodeled error frame: codes in headers, empty payload.
pub(crate) fn error(code: &'static str, message: &'static str) -> Bytes {
    encode(
        &Message::new(Bytes::new())
            .add_header(Header::new(":message-type", string("error")))
            .add_header(Header::new(":error-code", string(code)))
            .add_header(Header::new(":error-message", string(message))),
    )
}

/// The same frame with its trailing message CRC flipped.
pub(crate) fn corrupt_crc(frame: &Bytes) -> Bytes {
    let mut bytes = frame.to_vec();
    if let Some(last) = bytes.last_mut() {
        *last ^= 0xFF;
    }
    Bytes::from(bytes)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use aws_smithy_eventstream::frame::read_message_from;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    // Vectors from bedrock-wire.md §3.3, cross-checked with botocore.
    #[test]
    fn message_start_matches_the_reference_vector() {
        let frame = event_raw(
            "messageStart",
            Bytes::from_static(br#"{"role":"assistant"}"#),
        );
        assert_eq!(
            hex(&frame),
            "000000760000005296d5fade0b3a6576656e742d7479706507000c6d65737361676553746172740d3a636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e0d3a6d6573736167652d747970650700056576656e747b22726f6c65223a22617373697374616e74227d6fa8c599"
        );
    }

    #[test]
    fn throttling_exception_matches_the_reference_vector() {
        #[derive(Serialize)]
        struct Body {
            message: &'static str,
        }
        let frame = exception(
            "throttlingException",
            &Body {
                message: "Too many requests, please wait before trying again.",
            },
        );
        assert_eq!(
            hex(&frame),
            "000000b2000000613590d5d30f3a657863657074696f6e2d747970650700137468726f74746c696e67457863657074696f6e0d3a636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e0d3a6d6573736167652d74797065070009657863657074696f6e7b226d657373616765223a22546f6f206d616e792072657175657374732c20706c656173652077616974206265666f726520747279696e6720616761696e2e227de8ffb26a"
        );
    }

    #[test]
    fn error_frame_matches_the_reference_vector() {
        let frame = error("InternalFailure", "An internal error occurred");
        assert_eq!(
            hex(&frame),
            "0000007000000060d1425efe0d3a6d6573736167652d747970650700056572726f720b3a6572726f722d636f646507000f496e7465726e616c4661696c7572650e3a6572726f722d6d65737361676507001a416e20696e7465726e616c206572726f72206f636375727265643db20b91"
        );
    }

    #[test]
    fn padding_is_a_prefix_of_the_alphabet_and_keeps_the_json_valid() {
        let json = padded_json(&serde_json::json!({"role": "assistant"}));
        let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(value["role"], "assistant");
        let p = value["p"].as_str().unwrap();
        assert!(!p.is_empty() && PADDING.starts_with(p));

        let empty = padded_json(&serde_json::json!({}));
        let value: serde_json::Value = serde_json::from_slice(&empty).unwrap();
        assert!(value["p"].is_string());
    }

    #[test]
    fn corrupted_frames_fail_the_crc_check() {
        let frame = event("messageStart", &serde_json::json!({"role": "assistant"}));
        assert!(read_message_from(frame.clone()).is_ok());
        assert!(read_message_from(corrupt_crc(&frame)).is_err());
    }
}
