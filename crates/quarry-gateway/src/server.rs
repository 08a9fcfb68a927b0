//! Listeners: the proxy and the status listener (`/status`, `/metrics`), HTTP/1.1 with
//! keep-alive, and graceful shutdown: stop accepting, let in-flight requests (streams too)
//! finish until a deadline, then close what is left.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{header, HeaderValue, Request, Response, StatusCode};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::body::{full, RespBody};
use crate::proxy;
use crate::state::State;

/// Serves `listener` until `shutdown` flips, then drains connections for up to `drain`.
pub async fn serve<F, Fut>(
    listener: TcpListener,
    mut shutdown: watch::Receiver<bool>,
    drain: Duration,
    handler: F,
) where
    F: Fn(Request<Incoming>) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Response<RespBody>> + Send + 'static,
{
    let graceful = GracefulShutdown::new();
    let mut connections = tokio::task::JoinSet::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .keep_alive(true)
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(30))
        .max_buf_size(crate::upstream::MAX_BUF);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.wait_for(|stop| *stop) => break,
        };
        let (stream, _peer) = match accepted {
            Ok(pair) => pair,
            Err(e) => {
                // Out of file descriptors and the like: back off instead of spinning.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let handler = handler.clone();
        let service = service_fn(move |req| {
            let handler = handler.clone();
            async move { Ok::<_, Infallible>(handler(req).await) }
        });
        let conn = builder.serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        connections.spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
        // Reap finished connection tasks so the set does not grow with every connection.
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    tokio::select! {
        _ = graceful.shutdown() => tracing::info!("all connections drained"),
        _ = tokio::time::sleep(drain) => {
            tracing::warn!(
                seconds = drain.as_secs(),
                open = connections.len(),
                "drain deadline passed; closing the remaining connections"
            );
            connections.abort_all();
        }
    }
    while connections.join_next().await.is_some() {}
}

/// The proxy listener's handler.
pub fn proxy_handler(
    state: Arc<State>,
) -> impl Fn(Request<Incoming>) -> std::pin::Pin<Box<dyn Future<Output = Response<RespBody>> + Send>>
       + Clone
       + Send
       + Sync
       + 'static {
    move |req| Box::pin(proxy::handle(Arc::clone(&state), req))
}

/// The status listener's handler: `/status` (health) and `/metrics` (Prometheus).
pub fn status_handler(
    state: Arc<State>,
) -> impl Fn(Request<Incoming>) -> std::pin::Pin<Box<dyn Future<Output = Response<RespBody>> + Send>>
       + Clone
       + Send
       + Sync
       + 'static {
    move |req: Request<Incoming>| {
        let state = Arc::clone(&state);
        Box::pin(async move {
            match req.uri().path() {
                "/status" => json(
                    StatusCode::OK,
                    format!(
                        "{{\"status\":\"ok\",\"routes\":{},\"version\":\"{}\"}}",
                        state.routes.len(),
                        env!("CARGO_PKG_VERSION")
                    ),
                ),
                "/metrics" => {
                    let mut r = Response::new(full(Bytes::from(state.metrics.render())));
                    r.headers_mut().insert(
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("text/plain; version=0.0.4"),
                    );
                    r
                }
                _ => json(
                    StatusCode::NOT_FOUND,
                    "{\"error\":{\"message\":\"not found: use /status or /metrics\",\"type\":\"invalid_request_error\",\"code\":\"not_found\",\"param\":null}}".into(),
                ),
            }
        })
    }
}

fn json(status: StatusCode, body: String) -> Response<RespBody> {
    let mut r = Response::new(full(Bytes::from(body)));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// Binds a listener, with a clear error naming the address.
pub async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    TcpListener::bind(addr)
        .await
        .map_err(|e| std::io::Error::new(e.kind(), format!("could not listen on {addr}: {e}")))
}
