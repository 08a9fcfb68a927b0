//! The streaming response body: reads ConverseStream bytes, decodes event-stream frames as
//! they complete and writes OpenAI SSE chunks, one upstream read at a time. Nothing is
//! buffered beyond a partial frame. Dropping it (client gone) drops the upstream body, which
//! closes that connection and so cancels the Bedrock call. Statistics are recorded once, when
//! the stream ends or is dropped.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::{Bytes, BytesMut};
use http_body::{Body, Frame, SizeHint};
use hyper::body::Incoming;
use quarry_bedrock::chat::StreamTranslator;
use quarry_bedrock::error::from_stream_exception;
use quarry_bedrock::eventstream::{exception_message, Frame as EsFrame, FrameDecoder};

use super::common::{elapsed_ms, finish_record};
use super::idle_read::{IdleRead, Read};
use crate::error::{GatewayError, Kind};
use crate::state::State;
use crate::stats::{Record, Tokens};

pub struct TranslatingBody {
    upstream: IdleRead,
    decoder: FrameDecoder,
    translator: StreamTranslator,
    out: BytesMut,
    state: Arc<State>,
    route: usize,
    record: Option<Record>,
    started: Instant,
    first_token_at: Option<u64>,
    ended: bool,
}

impl TranslatingBody {
    pub fn new(
        upstream: Incoming,
        translator: StreamTranslator,
        state: Arc<State>,
        route: usize,
        record: Record,
        started: Instant,
    ) -> Self {
        let timeout = state.routes[route].read_timeout;
        Self {
            upstream: IdleRead::new(upstream, timeout),
            decoder: FrameDecoder::new(),
            translator,
            out: BytesMut::with_capacity(1024),
            state,
            route,
            record: Some(record),
            started,
            first_token_at: None,
            ended: false,
        }
    }

    /// Decodes every complete frame now buffered into SSE in `self.out`.
    fn translate_buffered(&mut self) {
        loop {
            match self.decoder.next_frame() {
                Ok(None) => return,
                Ok(Some(EsFrame::Event {
                    event_type,
                    payload,
                })) => {
                    if let Err(e) = self
                        .translator
                        .on_event(&event_type, &payload, &mut self.out)
                    {
                        self.fail(GatewayError::new(
                            Kind::BadUpstreamResponse,
                            format!("Bedrock sent an unreadable {event_type} event: {e}"),
                        ));
                        return;
                    }
                    if self.first_token_at.is_none() && self.translator.first_content_seen() {
                        self.first_token_at = Some(elapsed_ms(self.started));
                    }
                }
                Ok(Some(EsFrame::Exception {
                    exception_type,
                    payload,
                })) => {
                    let e = from_stream_exception(&exception_type, exception_message(&payload));
                    self.fail(GatewayError::upstream(e));
                    return;
                }
                Ok(Some(EsFrame::Error { code, message })) => {
                    self.fail(GatewayError::upstream(from_stream_exception(
                        &code, message,
                    )));
                    return;
                }
                Err(e) => {
                    self.fail(GatewayError::new(
                        Kind::BadUpstreamResponse,
                        format!("Bedrock's event stream is corrupt: {e}"),
                    ));
                    return;
                }
            }
        }
    }

    /// Ends the stream with an SSE error event carrying the same `type` and `code` the error
    /// would have had before the stream started; the client's SDK raises it. No `[DONE]`.
    fn fail(&mut self, error: GatewayError) {
        tracing::warn!(error = %error, "stream from Bedrock ended with an error");
        let (error_type, code) = error.openai_type_and_code();
        quarry_openai::sse::write_error(&mut self.out, &error.message, error_type, Some(&code));
        self.ended = true;
        self.finish_stats(Some("upstream_stream_error"));
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
        if let Some(u) = self.translator.usage() {
            record.tokens = Some(Tokens {
                prompt: u.prompt_tokens,
                completion: u.completion_tokens,
                total: u.total_tokens,
                cached: u
                    .prompt_tokens_details
                    .as_ref()
                    .map_or(0, |d| d.cached_tokens),
            });
        }
        if route.plugin.logging.log_payloads {
            record.response_payload = Some(self.translator.text().to_owned());
        }
        finish_record(&self.state, route, record);
    }

    fn take_out(&mut self) -> Option<Bytes> {
        (!self.out.is_empty()).then(|| self.out.split().freeze())
    }
}

impl Body for TranslatingBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        loop {
            if let Some(bytes) = this.take_out() {
                return Poll::Ready(Some(Ok(Frame::data(bytes))));
            }
            if this.ended {
                return Poll::Ready(None);
            }
            match this.upstream.poll_read(cx) {
                Poll::Ready(Read::Data(data)) => {
                    this.decoder.push(&data);
                    this.translate_buffered();
                }
                Poll::Ready(Read::Failed(error)) => this.fail(error),
                Poll::Ready(Read::End) => {
                    if this.decoder.has_partial_frame() {
                        this.fail(GatewayError::new(
                            Kind::BadUpstreamResponse,
                            "Bedrock's stream was truncated: it ended in the middle of an event",
                        ));
                    } else {
                        // The translator itself reports a stream that stopped before messageStop.
                        this.translator.finish(&mut this.out);
                        this.ended = true;
                        let error = this
                            .translator
                            .finish_reason()
                            .is_none()
                            .then_some("upstream_stream_truncated");
                        this.finish_stats(error);
                    }
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.ended && self.out.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

impl Drop for TranslatingBody {
    fn drop(&mut self) {
        // The client went away before the end: record what we know.
        if self.record.is_some() {
            self.finish_stats(Some("client_disconnected"));
        }
    }
}
