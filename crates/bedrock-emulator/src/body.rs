//! Response bodies: a single buffer, or a paced sequence of event-stream frames where each frame
//! is its own body chunk (hyper flushes it as one HTTP/1.1 chunk or HTTP/2 DATA frame).
//!
//! Frames are pre-rendered, so a stream costs no task and no channel; a timer is armed only
//! when the stream is paced (the `quarry.fault-slow-<ms>` models).

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use tokio::time::Sleep;

/// The body type of every emulator response.
pub(crate) struct ResponseBody {
    kind: Kind,
}

enum Kind {
    Full(Option<Bytes>),
    Frames(Frames),
}

struct Frames {
    frames: std::vec::IntoIter<Bytes>,
    /// Counts this stream as completed or aborted when it is dropped.
    counters: Option<Arc<StreamCounters>>,
    /// How many frames were already sent; the first goes out without delay.
    sent: usize,
    pacing: Pacing,
    sleep: Option<Pin<Box<Sleep>>>,
}

/// Delays spread over the gaps between frames so they add up to a total.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Pacing {
    per_gap: Duration,
    /// What does not divide evenly is added to the first gap.
    first_extra: Duration,
}

impl Pacing {
    /// Spread `total` over the `frames - 1` gaps of a stream.
    pub(crate) fn spread(total: Duration, frames: usize) -> Self {
        let gaps = frames.saturating_sub(1);
        let Ok(gaps32) = u32::try_from(gaps) else {
            return Self::default();
        };
        if gaps32 == 0 || total.is_zero() {
            return Self::default();
        }
        let per_gap = total / gaps32;
        Self {
            per_gap,
            first_extra: total.saturating_sub(per_gap * gaps32),
        }
    }

    /// Delay before frame `index` (0-based).
    fn before(&self, index: usize) -> Duration {
        match index {
            0 => Duration::ZERO,
            1 => self.per_gap + self.first_extra,
            _ => self.per_gap,
        }
    }
}

impl ResponseBody {
    pub(crate) fn full(bytes: impl Into<Bytes>) -> Self {
        let bytes = bytes.into();
        Self {
            kind: Kind::Full((!bytes.is_empty()).then_some(bytes)),
        }
    }

    pub(crate) fn frames(frames: Vec<Bytes>, pacing: Pacing) -> Self {
        Self {
            kind: Kind::Frames(Frames {
                frames: frames.into_iter(),
                counters: None,
                sent: 0,
                pacing,
                sleep: None,
            }),
        }
    }
}

/// How streams ended, so tests can see that a gateway cancelled an upstream call.
#[derive(Debug, Default)]
pub(crate) struct StreamCounters {
    started: AtomicU64,
    completed: AtomicU64,
    aborted: AtomicU64,
    /// The bytes of the latest stream, kept when requests are recorded, so a test can check
    /// that a proxy relayed them unchanged.
    capture: bool,
    last: std::sync::Mutex<Bytes>,
}

impl StreamCounters {
    pub(crate) fn new(capture: bool) -> Self {
        Self {
            capture,
            ..Self::default()
        }
    }

    pub(crate) fn last_stream(&self) -> Bytes {
        self.last.lock().map(|b| b.clone()).unwrap_or_default()
    }
}

/// Streams the emulator started, finished sending, and saw dropped before their last frame
/// (the client went away).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StreamStats {
    pub started: u64,
    pub completed: u64,
    pub aborted: u64,
}

impl StreamCounters {
    pub(crate) fn snapshot(&self) -> StreamStats {
        StreamStats {
            started: self.started.load(Ordering::Relaxed),
            completed: self.completed.load(Ordering::Relaxed),
            aborted: self.aborted.load(Ordering::Relaxed),
        }
    }
}

impl ResponseBody {
    /// Counts this response in `counters` if it is a stream.
    pub(crate) fn track(mut self, counters: &Arc<StreamCounters>) -> Self {
        if let Kind::Frames(frames) = &mut self.kind {
            counters.started.fetch_add(1, Ordering::Relaxed);
            if counters.capture {
                let all: Vec<u8> = frames.frames.as_slice().concat();
                if let Ok(mut last) = counters.last.lock() {
                    *last = Bytes::from(all);
                }
            }
            frames.counters = Some(Arc::clone(counters));
        }
        self
    }
}

impl Drop for Frames {
    fn drop(&mut self) {
        if let Some(counters) = &self.counters {
            let counter = if self.frames.len() == 0 {
                &counters.completed
            } else {
                &counters.aborted
            };
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }
}

impl Body for ResponseBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match &mut self.get_mut().kind {
            Kind::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Kind::Frames(frames) => frames.poll_next(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Full(bytes) => bytes.is_none(),
            Kind::Frames(frames) => frames.frames.len() == 0,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Full(bytes) => SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            Kind::Frames(_) => SizeHint::default(),
        }
    }
}

impl Frames {
    fn poll_next(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.frames.len() == 0 {
            return Poll::Ready(None);
        }
        let delay = self.pacing.before(self.sent);
        if !delay.is_zero() {
            let sleep = self
                .sleep
                .get_or_insert_with(|| Box::pin(tokio::time::sleep(delay)));
            if sleep.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            self.sleep = None;
        }
        self.sent += 1;
        Poll::Ready(self.frames.next().map(|frame| Ok(Frame::data(frame))))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use http_body_util::BodyExt;

    #[test]
    fn pacing_adds_up_to_the_total() {
        let pacing = Pacing::spread(Duration::from_millis(1000), 4);
        let total: Duration = (0..4).map(|i| pacing.before(i)).sum();
        assert_eq!(total, Duration::from_millis(1000));
        assert_eq!(pacing.before(0), Duration::ZERO);
        assert_eq!(
            Pacing::spread(Duration::from_millis(5), 1),
            Pacing::default()
        );
    }

    #[tokio::test]
    async fn frames_come_out_one_chunk_each_in_order() {
        let frames = vec![Bytes::from_static(b"one"), Bytes::from_static(b"two")];
        let mut body = ResponseBody::frames(frames, Pacing::spread(Duration::from_millis(2), 2));
        let mut chunks = Vec::new();
        while let Some(frame) = body.frame().await {
            chunks.push(frame.unwrap().into_data().unwrap());
        }
        assert_eq!(
            chunks,
            vec![Bytes::from_static(b"one"), Bytes::from_static(b"two")]
        );
        assert!(body.is_end_stream());
    }

    #[tokio::test]
    async fn full_body_reports_its_exact_length() {
        let body = ResponseBody::full(Bytes::from_static(b"{}"));
        assert_eq!(body.size_hint().exact(), Some(2));
        assert_eq!(
            body.collect().await.unwrap().to_bytes(),
            Bytes::from_static(b"{}")
        );
    }
}
