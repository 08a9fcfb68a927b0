//! The relayed event-stream body: Bedrock's bytes go to the client exactly as they arrive —
//! never re-encoded, so the client's CRC checks see Bedrock's own frames — while a copy is
//! decoded on the side for statistics only.
//!
//! The service's `read_timeout` bounds the gap between two upstream reads, as on the chat
//! path. When Quarry must end a stream itself (that timeout, a broken upstream connection) and
//! the client has received only whole frames, it appends one `internalServerException` frame
//! so the SDK raises a modelled error; in the middle of a frame it can only stop, and the
//! client sees a truncated stream. Dropping the body (client gone) drops the upstream body,
//! which closes that connection and so cancels the Bedrock call. Statistics are written once,
//! when the stream ends or is dropped.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use hyper::body::Incoming;
use quarry_bedrock::eventstream::FrameDecoder;

use super::errors::exception_frame;
use super::paths::Operation;
use super::stats::StreamUsage;
use crate::capabilities::common::{elapsed_ms, finish_record};
use crate::capabilities::idle_read::{IdleRead, Read};
use crate::error::GatewayError;
use crate::state::State;
use crate::stats::Record;

pub struct RelayBody {
    upstream: IdleRead,
    /// `None` once a frame failed to decode: the bytes still go through (the client's own
    /// decoder reports the corruption), statistics stop.
    decoder: Option<FrameDecoder>,
    operation: Operation,
    usage: StreamUsage,
    state: Arc<State>,
    route: usize,
    record: Option<Record>,
    started: Instant,
    first_token_at: Option<u64>,
    /// A last frame Quarry adds (an exception) before ending.
    tail: Option<Bytes>,
    ended: bool,
}

impl RelayBody {
    pub fn new(
        upstream: Incoming,
        operation: Operation,
        state: Arc<State>,
        route: usize,
        record: Record,
        started: Instant,
    ) -> Self {
        let timeout = state.routes[route].read_timeout;
        Self {
            upstream: IdleRead::new(upstream, timeout),
            decoder: Some(FrameDecoder::new()),
            operation,
            usage: StreamUsage::default(),
            state,
            route,
            record: Some(record),
            started,
            first_token_at: None,
            tail: None,
            ended: false,
        }
    }

    /// Feeds a copy of `data` to the side decoder and notes what its frames say.
    fn observe(&mut self, data: &[u8]) {
        let Some(decoder) = self.decoder.as_mut() else {
            return;
        };
        decoder.push(data);
        loop {
            match decoder.next_frame() {
                Ok(Some(frame)) => self.usage.on_frame(self.operation, &frame),
                Ok(None) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "Bedrock's event stream is corrupt; relaying it as it is");
                    self.decoder = None;
                    break;
                }
            }
        }
        if self.first_token_at.is_none() && self.usage.first_content_seen {
            self.first_token_at = Some(elapsed_ms(self.started));
        }
    }

    /// The client has received only whole frames, so one more frame can follow.
    fn at_frame_boundary(&self) -> bool {
        self.decoder
            .as_ref()
            .is_some_and(|d| !d.has_partial_frame())
    }

    /// Ends the stream because of `error`, with an exception frame when one fits.
    fn fail(&mut self, error: GatewayError) {
        tracing::warn!(error = %error, "relayed Bedrock stream ended early");
        if self.at_frame_boundary() {
            self.tail = Some(exception_frame(&error)).filter(|f| !f.is_empty());
        }
        self.ended = true;
        self.finish_stats(Some(error.label()));
    }

    fn finish_stats(&mut self, error: Option<&'static str>) {
        let Some(mut record) = self.record.take() else {
            return;
        };
        let route = &self.state.routes[self.route];
        record.status = 200;
        record.error = error;
        record.latency_ms = elapsed_ms(self.started);
        record.time_to_first_token_ms = self.first_token_at;
        record.tokens = self.usage.tokens;
        finish_record(&self.state, route, record);
    }

    /// The upstream body ended cleanly.
    fn end(&mut self) {
        self.ended = true;
        let error = if self.decoder.is_none() {
            Some("upstream_stream_corrupt")
        } else if !self.at_frame_boundary() {
            Some("upstream_stream_truncated")
        } else if self.usage.exception {
            Some("upstream_stream_error")
        } else {
            None
        };
        self.finish_stats(error);
    }
}

impl Body for RelayBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        loop {
            if let Some(tail) = this.tail.take() {
                return Poll::Ready(Some(Ok(Frame::data(tail))));
            }
            if this.ended {
                return Poll::Ready(None);
            }
            match this.upstream.poll_read(cx) {
                // Empty reads carry nothing for the client.
                Poll::Ready(Read::Data(data)) if data.is_empty() => {}
                Poll::Ready(Read::Data(data)) => {
                    this.observe(&data);
                    return Poll::Ready(Some(Ok(Frame::data(data))));
                }
                Poll::Ready(Read::Failed(error)) => this.fail(error),
                Poll::Ready(Read::End) => this.end(),
                Poll::Pending => return Poll::Pending,
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.ended && self.tail.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

impl Drop for RelayBody {
    fn drop(&mut self) {
        // The client went away before the end: record what we know.
        if self.record.is_some() {
            self.finish_stats(Some("client_disconnected"));
        }
    }
}
