//! Incremental decoding of `application/vnd.amazon.eventstream` bodies.
//!
//! Bytes arrive in whatever pieces the network hands us; [`FrameDecoder`] buffers them, checks
//! both CRCs (via `aws-smithy-eventstream`) and yields one [`Frame`] per complete message, so
//! the gateway can translate each event the moment it is whole. A frame cut by the end of the
//! body is visible through [`FrameDecoder::has_partial_frame`].

use aws_smithy_eventstream::frame::{DecodedFrame, MessageFrameDecoder};
use aws_smithy_types::event_stream::{HeaderValue, Message};
use bytes::{Buf, Bytes, BytesMut};

/// Largest frame accepted (botocore's limit is 24 MiB of payload plus 128 KiB of headers).
pub const MAX_FRAME_LEN: u32 = 24 * 1024 * 1024 + 128 * 1024 + 16;
const PRELUDE_LEN: usize = 12;
const MIN_FRAME_LEN: u32 = 16;

/// One decoded event-stream message, classified by its `:message-type` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// `:message-type: event`; `event_type` is the `:event-type` header, `payload` its JSON.
    Event { event_type: String, payload: Bytes },
    /// `:message-type: exception`; `exception_type` is the camelCase union member name.
    Exception {
        exception_type: String,
        payload: Bytes,
    },
    /// `:message-type: error` (unmodeled): code and message come from headers.
    Error { code: String, message: String },
}

/// Why a stream could not be decoded. Always an upstream fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("event-stream frame length {0} is out of range")]
    BadLength(u32),
    #[error("event-stream frame is corrupt: {0}")]
    Corrupt(String),
    #[error("event-stream frame has no {0} header")]
    MissingHeader(&'static str),
    #[error("event-stream frame has unknown message type {0:?}")]
    UnknownMessageType(String),
}

/// Buffers network reads and yields complete, CRC-checked frames.
#[derive(Debug, Default)]
pub struct FrameDecoder {
    inner: MessageFrameDecoder,
    buf: BytesMut,
    /// The decoder has consumed a prelude and waits for the rest of that frame.
    mid_frame: bool,
}

impl FrameDecoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends bytes read from the network.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The next complete frame, `Ok(None)` when more bytes are needed.
    pub fn next_frame(&mut self) -> Result<Option<Frame>, FrameError> {
        if !self.mid_frame {
            if self.buf.len() < PRELUDE_LEN {
                return Ok(None);
            }
            let total = u32::from_be_bytes([self.buf[0], self.buf[1], self.buf[2], self.buf[3]]);
            if !(MIN_FRAME_LEN..=MAX_FRAME_LEN).contains(&total) {
                return Err(FrameError::BadLength(total));
            }
        }
        // The inner decoder takes the prelude out of the buffer as soon as 12 bytes are there.
        let prelude_taken = self.mid_frame || self.buf.len() >= PRELUDE_LEN;
        match self.inner.decode_frame(&mut self.buf) {
            Ok(DecodedFrame::Incomplete) => {
                self.mid_frame = prelude_taken;
                Ok(None)
            }
            Ok(DecodedFrame::Complete(message)) => {
                self.mid_frame = false;
                classify(message).map(Some)
            }
            Err(err) => {
                self.mid_frame = false;
                Err(FrameError::Corrupt(err.to_string()))
            }
        }
    }

    /// True when the buffer still holds the start of a frame: the body ended mid-frame.
    pub fn has_partial_frame(&self) -> bool {
        self.mid_frame || self.buf.has_remaining()
    }
}

fn header_str<'a>(message: &'a Message, name: &str) -> Option<&'a str> {
    message
        .headers()
        .iter()
        .find(|h| h.name().as_str() == name)
        .and_then(|h| match h.value() {
            HeaderValue::String(s) => Some(s.as_str()),
            _ => None,
        })
}

fn classify(message: Message) -> Result<Frame, FrameError> {
    let message_type = header_str(&message, ":message-type").unwrap_or("event");
    match message_type {
        "event" => {
            let event_type = header_str(&message, ":event-type")
                .ok_or(FrameError::MissingHeader(":event-type"))?
                .to_owned();
            Ok(Frame::Event {
                event_type,
                payload: message.payload().clone(),
            })
        }
        "exception" => {
            let exception_type = header_str(&message, ":exception-type")
                .ok_or(FrameError::MissingHeader(":exception-type"))?
                .to_owned();
            Ok(Frame::Exception {
                exception_type,
                payload: message.payload().clone(),
            })
        }
        "error" => Ok(Frame::Error {
            code: header_str(&message, ":error-code")
                .unwrap_or("UnknownError")
                .to_owned(),
            message: header_str(&message, ":error-message")
                .unwrap_or("")
                .to_owned(),
        }),
        other => Err(FrameError::UnknownMessageType(other.to_owned())),
    }
}

/// The human-readable message of an exception frame's JSON payload.
pub fn exception_message(payload: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    struct Body {
        #[serde(alias = "Message")]
        message: Option<String>,
    }
    serde_json::from_slice::<Body>(payload)
        .ok()
        .and_then(|b| b.message)
        .unwrap_or_else(|| String::from_utf8_lossy(payload).into_owned())
}

#[cfg(test)]
mod tests;
