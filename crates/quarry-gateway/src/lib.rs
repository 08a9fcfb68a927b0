//! Quarry's gateway: listeners, routing, the plugin pipeline, the upstream client, statistics
//! and metrics. `quarry-bedrock` does the pure translation; this crate does the I/O.
//!
//! ```text
//! listener → route match → key-auth → ai-proxy capability handler → translate → sign
//!          → pooled client → translate response (or stream frame by frame) → statistics + metrics
//! ```

mod auth;
mod bedrock;
mod body;
mod capabilities;
mod credentials;
pub mod error;
mod fetch;
mod metrics;
mod proxy;
mod router;
mod server;
mod state;
pub mod stats;
mod upstream;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use state::{Env, Options};
pub use stats::{MemorySink, StatsSink, StdoutSink};

/// Where to listen and how long to drain on shutdown.
#[derive(Debug, Clone)]
pub struct Listen {
    pub proxy: SocketAddr,
    pub status: Option<SocketAddr>,
    pub drain_timeout: Duration,
}

/// A running gateway.
pub struct Gateway {
    addr: SocketAddr,
    status_addr: Option<SocketAddr>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Gateway {
    /// Builds the runtime state, binds the listeners and starts serving.
    pub async fn start(
        config: quarry_config::Config,
        options: Options,
        listen: Listen,
    ) -> std::io::Result<Gateway> {
        let state = Arc::new(state::State::new(config, options));
        let (stop, stop_rx) = watch::channel(false);
        let proxy = server::bind(listen.proxy).await?;
        let addr = proxy.local_addr()?;
        let mut tasks = vec![tokio::spawn(server::serve(
            proxy,
            stop_rx.clone(),
            listen.drain_timeout,
            server::proxy_handler(Arc::clone(&state)),
        ))];
        let mut status_addr = None;
        if let Some(status) = listen.status {
            let listener = server::bind(status).await?;
            status_addr = Some(listener.local_addr()?);
            tasks.push(tokio::spawn(server::serve(
                listener,
                stop_rx,
                listen.drain_timeout,
                server::status_handler(state),
            )));
        }
        tracing::info!(%addr, status = ?status_addr, "quarry is listening");
        Ok(Gateway {
            addr,
            status_addr,
            stop,
            tasks,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn status_addr(&self) -> Option<SocketAddr> {
        self.status_addr
    }

    /// Stops accepting, drains in-flight requests (up to the drain timeout) and returns.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

/// Static AWS credentials, for `Options::fallback_credentials` (the CLI needs no AWS crate).
pub fn static_credentials(
    access_key_id: &str,
    secret_access_key: &str,
) -> aws_credential_types::Credentials {
    aws_credential_types::Credentials::new(access_key_id, secret_access_key, None, None, "static")
}

/// What `quarry check` prints about a route: where its region and credentials come from.
pub struct RouteSummary {
    pub region: Option<String>,
    pub credentials_source: &'static str,
}

pub fn describe_route(
    route: &quarry_config::Route,
    env: &dyn Fn(&str) -> Option<String>,
) -> RouteSummary {
    let plugin = &route.ai_proxy;
    RouteSummary {
        region: quarry_bedrock::endpoint::resolve_region(
            plugin.model.options.bedrock.aws_region.as_deref(),
            env,
        ),
        credentials_source: credentials::resolve(&plugin.auth, env, None).source,
    }
}
