//! Reading an upstream stream body with the service's `read_timeout` between two reads, shared
//! by the translating (OpenAI) and relaying (native) stream bodies.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::Body;
use hyper::body::Incoming;
use tokio::time::Sleep;

use crate::error::{GatewayError, Kind};

/// What one poll of the upstream body produced.
pub(crate) enum Read {
    Data(Bytes),
    End,
    /// The connection broke, or Bedrock went silent for longer than the read timeout.
    Failed(GatewayError),
}

pub(crate) struct IdleRead {
    body: Incoming,
    idle: Pin<Box<Sleep>>,
    timeout: Duration,
}

impl IdleRead {
    pub(crate) fn new(body: Incoming, timeout: Duration) -> Self {
        Self {
            body,
            idle: Box::pin(tokio::time::sleep(timeout)),
            timeout,
        }
    }

    pub(crate) fn poll_read(&mut self, cx: &mut Context<'_>) -> Poll<Read> {
        loop {
            match Pin::new(&mut self.body).poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => {
                    self.idle
                        .as_mut()
                        .reset(tokio::time::Instant::now() + self.timeout);
                    if let Ok(data) = frame.into_data() {
                        return Poll::Ready(Read::Data(data));
                    }
                }
                Poll::Ready(Some(Err(e))) => {
                    return Poll::Ready(Read::Failed(GatewayError::new(
                        Kind::Unreachable,
                        format!("the connection to Bedrock broke during the stream: {e}"),
                    )))
                }
                Poll::Ready(None) => return Poll::Ready(Read::End),
                Poll::Pending => {
                    if self.idle.as_mut().poll(cx).is_ready() {
                        return Poll::Ready(Read::Failed(GatewayError::new(
                            Kind::Timeout,
                            format!(
                                "Bedrock sent nothing for {} ms (the service's read_timeout)",
                                self.timeout.as_millis()
                            ),
                        )));
                    }
                    return Poll::Pending;
                }
            }
        }
    }
}
