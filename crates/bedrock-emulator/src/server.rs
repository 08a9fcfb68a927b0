//! The listener: accept loop, HTTP/1.1 and HTTP/2 connections, graceful shutdown, and the
//! [`Emulator`] handle tests hold.

use std::convert::Infallible;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::EmulatorConfig;
use crate::recording::RecordedRequest;
use crate::service::{self, State};

/// How long shutdown waits for open connections (e.g. a slow stream) before dropping them.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// A running emulator. Dropping it stops the server too; [`Emulator::shutdown`] also waits.
pub struct Emulator {
    addr: SocketAddr,
    state: Arc<State>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("addr", &self.addr)
            .finish()
    }
}

impl Emulator {
    /// Bind `config.listen` and serve in a background task.
    pub async fn start(config: EmulatorConfig) -> std::io::Result<Emulator> {
        let listener = TcpListener::bind(config.listen).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State::new(&config));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, state.clone(), async move {
            // A dropped sender means the handle is gone: stop as well.
            let _ = stopped.await;
        }));
        tracing::debug!(%addr, "Bedrock emulator started");
        Ok(Emulator {
            addr,
            state,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The bound address (with the real port when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Base URL for an SDK's `endpoint_url`, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        let mut addr = self.addr;
        // A wildcard bind is reachable through loopback; the wildcard itself is not a host.
        match addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => addr.set_ip(IpAddr::V4(Ipv4Addr::LOCALHOST)),
            IpAddr::V6(ip) if ip.is_unspecified() => addr.set_ip(IpAddr::V6(Ipv6Addr::LOCALHOST)),
            _ => {}
        }
        format!("http://{addr}")
    }

    /// The recorded requests, oldest first (empty when recording is off).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state
            .recorder
            .as_ref()
            .map(|r| r.snapshot())
            .unwrap_or_default()
    }

    /// The exact bytes of the latest event stream sent (empty unless requests are recorded).
    pub fn last_stream_bytes(&self) -> bytes::Bytes {
        self.state.streams.last_stream()
    }

    /// How the emulator's streams ended so far.
    pub fn stream_stats(&self) -> crate::StreamStats {
        self.state.streams.snapshot()
    }

    /// The body of the in-memory S3 object at `uri` (`s3://bucket/key`), e.g. the video an
    /// async invocation wrote to `{s3Uri}/{invocationId}/output.mp4`.
    pub fn s3_object(&self, uri: &str) -> Option<bytes::Bytes> {
        self.state.stores.s3.get_uri(uri)
    }

    /// Store `body` at `uri` (`s3://bucket/key`), e.g. a batch job's JSONL input; false when
    /// `uri` names no key.
    pub fn put_s3_object(&self, uri: &str, body: impl Into<bytes::Bytes>) -> bool {
        self.state
            .stores
            .s3
            .put_uri(uri, body.into(), None, std::time::SystemTime::now())
    }

    /// Remove the object at `uri`; true when it existed.
    pub fn delete_s3_object(&self, uri: &str) -> bool {
        self.state.stores.s3.delete_uri(uri)
    }

    /// The URIs of the stored objects under the URI prefix `uri`, in key order.
    pub fn s3_objects(&self, uri: &str) -> Vec<String> {
        self.state.stores.s3.list_uri(uri)
    }

    pub fn clear_requests(&self) {
        if let Some(recorder) = &self.state.recorder {
            recorder.clear();
        }
    }

    /// Stop accepting, let open connections finish (bounded), and wait for the server task.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            if let Err(error) = task.await {
                tracing::warn!(%error, "Bedrock emulator task ended abnormally");
            }
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Serve until `shutdown` completes; for `quarry emulator --listen ADDR`.
pub async fn run(
    config: EmulatorConfig,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let listener = TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "Bedrock emulator listening (answers are simulated)");
    serve(listener, Arc::new(State::new(&config)), shutdown).await;
    tracing::info!(%addr, "Bedrock emulator stopped");
    Ok(())
}

async fn serve(listener: TcpListener, state: Arc<State>, shutdown: impl Future<Output = ()>) {
    // No HTTP/1 header-read timer: it would also close idle keep-alive connections, racing
    // the pools of clients under test.
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder.http2().timer(TokioTimer::new());
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(error) => {
                    // Typically EMFILE under load: back off instead of spinning.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "could not set TCP_NODELAY");
        }
        let state = state.clone();
        let service = service_fn(move |request| {
            let state = state.clone();
            async move { Ok::<_, Infallible>(service::handle(state, request).await) }
        });
        let connection = builder
            .serve_connection(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%peer, %error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(DRAIN_TIMEOUT) => {
            tracing::warn!("Bedrock emulator shut down with connections still open");
        }
    }
}
