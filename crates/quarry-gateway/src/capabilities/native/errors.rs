//! Errors Quarry itself raises on native routes, in Bedrock's shape.
//!
//! Before the answer starts: [`GatewayError::into_bedrock_response`] (status,
//! `x-amzn-ErrorType`, `{"message"}`). Inside a relayed event stream: one exception frame,
//! CRCs and all, so an AWS SDK raises a modelled exception instead of a checksum error.

use aws_smithy_eventstream::frame::write_message_to;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use bytes::Bytes;

use crate::error::GatewayError;

/// `internalServerException`: the one exception every Bedrock stream union models
/// (ConverseStream, InvokeModelWithResponseStream, RetrieveAndGenerateStream).
pub const STREAM_EXCEPTION: &str = "internalServerException";

/// An event-stream exception frame carrying `error`'s message.
pub fn exception_frame(error: &GatewayError) -> Bytes {
    let payload =
        serde_json::to_vec(&serde_json::json!({ "message": error.message })).unwrap_or_default();
    let message = Message::new(payload)
        .add_header(Header::new(
            ":message-type",
            HeaderValue::String("exception".into()),
        ))
        .add_header(Header::new(
            ":exception-type",
            HeaderValue::String(STREAM_EXCEPTION.into()),
        ))
        .add_header(Header::new(
            ":content-type",
            HeaderValue::String("application/json".into()),
        ));
    let mut out = Vec::new();
    // Encoding fails only for oversized headers or payloads, which these never are.
    match write_message_to(&message, &mut out) {
        Ok(()) => Bytes::from(out),
        Err(_) => Bytes::new(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::error::Kind;
    use http_body_util::BodyExt;
    use quarry_bedrock::eventstream::{Frame, FrameDecoder};

    #[test]
    fn the_exception_frame_decodes_with_valid_crcs() {
        let error = GatewayError::new(Kind::Timeout, "Bedrock sent nothing for 5 ms");
        let mut decoder = FrameDecoder::new();
        decoder.push(&exception_frame(&error));
        match decoder.next_frame().unwrap() {
            Some(Frame::Exception {
                exception_type,
                payload,
            }) => {
                assert_eq!(exception_type, "internalServerException");
                let v: serde_json::Value = serde_json::from_slice(&payload).unwrap();
                assert_eq!(v["message"], "Bedrock sent nothing for 5 ms");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(!decoder.has_partial_frame());
    }

    async fn bedrock_shape(error: GatewayError) -> (u16, String, serde_json::Value) {
        let response = error.into_bedrock_response();
        let status = response.status().as_u16();
        let code = response.headers()["x-amzn-errortype"]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(response.headers()["content-type"], "application/json");
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, code, serde_json::from_slice(&body).unwrap())
    }

    #[tokio::test]
    async fn quarry_errors_use_bedrock_exception_names() {
        let cases = [
            (
                GatewayError::bad_request("bad model", None),
                400,
                "ValidationException",
            ),
            (
                GatewayError::new(Kind::PayloadTooLarge, "too big"),
                413,
                "ValidationException",
            ),
            (
                GatewayError::new(Kind::MethodNotAllowed, "GET"),
                405,
                "ValidationException",
            ),
            (
                GatewayError::new(Kind::NoRoute, "no op"),
                404,
                "UnknownOperationException",
            ),
            (
                GatewayError::new(Kind::Unreachable, "down"),
                502,
                "ServiceUnavailableException",
            ),
            (
                GatewayError::new(Kind::Timeout, "slow"),
                504,
                "ModelTimeoutException",
            ),
            (
                GatewayError::new(Kind::UpstreamConfig, "no creds"),
                502,
                "InternalServerException",
            ),
            (
                GatewayError::upstream(quarry_bedrock::error::parse_http_error(
                    429,
                    Some(
                        "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/",
                    ),
                    None,
                    br#"{"message":"slow down"}"#,
                )),
                429,
                "ThrottlingException",
            ),
        ];
        for (error, status, code) in cases {
            let message = error.message.clone();
            let (s, c, body) = bedrock_shape(error).await;
            assert_eq!((s, c.as_str()), (status, code));
            assert_eq!(body["message"], message.as_str());
        }
    }
}
