//! The `quarry` command line: `serve`, `check` and `emulator`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand};

mod check;

#[derive(Parser)]
#[command(
    name = "quarry",
    version,
    about = "Amazon Bedrock behind the OpenAI API, configured with Kong's declarative format"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the gateway.
    Serve {
        /// Kong declarative config file (YAML or JSON).
        #[arg(long, short)]
        config: PathBuf,
        /// Proxy listen address.
        #[arg(long, default_value = "0.0.0.0:8000")]
        listen: SocketAddr,
        /// Status listener (`/status`, `/metrics`).
        #[arg(long)]
        status_listen: Option<SocketAddr>,
        /// Start the built-in Bedrock emulator and point every AWS endpoint at it.
        #[arg(long)]
        emulator: bool,
        /// Worker threads (default: one per core).
        #[arg(long)]
        workers: Option<usize>,
        /// Seconds to let in-flight requests finish after SIGINT/SIGTERM.
        #[arg(long, default_value_t = 30)]
        drain_timeout: u64,
    },
    /// Validate a config file and print every error with its path.
    Check {
        #[arg(long, short)]
        config: PathBuf,
    },
    /// Run the built-in Bedrock emulator alone.
    Emulator {
        #[arg(long, default_value = "127.0.0.1:4010")]
        listen: SocketAddr,
        /// Worker threads (default: one per core).
        #[arg(long)]
        workers: Option<usize>,
        /// Do not verify SigV4 signatures (for load tests that call the emulator directly).
        #[arg(long)]
        accept_unsigned: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    match cli.command {
        Command::Check { config } => check::run(&config),
        Command::Serve {
            config,
            listen,
            status_listen,
            emulator,
            workers,
            drain_timeout,
        } => run_async(
            workers,
            serve(config, listen, status_listen, emulator, drain_timeout),
        ),
        Command::Emulator {
            listen,
            workers,
            accept_unsigned,
        } => run_async(workers, run_emulator(listen, !accept_unsigned)),
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

fn run_async<F: std::future::Future<Output = ExitCode>>(workers: Option<usize>, f: F) -> ExitCode {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder.enable_all();
    if let Some(n) = workers {
        builder.worker_threads(n.max(1));
    }
    match builder.build() {
        Ok(rt) => rt.block_on(f),
        Err(e) => {
            eprintln!("quarry: could not start the runtime: {e}");
            ExitCode::FAILURE
        }
    }
}

fn load(config: &Path) -> Option<quarry_config::Config> {
    match quarry_config::load_file(config) {
        Ok(c) => Some(c),
        Err(errors) => {
            eprintln!("{}: {} error(s):", config.display(), errors.len());
            for e in &errors {
                eprintln!("  {e}");
            }
            None
        }
    }
}

async fn serve(
    config_path: PathBuf,
    listen: SocketAddr,
    status_listen: Option<SocketAddr>,
    with_emulator: bool,
    drain_timeout: u64,
) -> ExitCode {
    let Some(config) = load(&config_path) else {
        return ExitCode::FAILURE;
    };
    for w in &config.warnings {
        tracing::warn!("{w}");
    }
    let env: quarry_gateway::Env = Arc::new(|k: &str| std::env::var(k).ok());
    let mut options = quarry_gateway::Options {
        env: Arc::clone(&env),
        endpoint_override: None,
        fallback_credentials: None,
        stats: quarry_gateway::StdoutSink::new(),
    };
    let mut emulator = None;
    if with_emulator {
        let mut emu_config = bedrock_emulator::EmulatorConfig {
            record_requests: false,
            ..Default::default()
        };
        // Whatever keys the routes will sign with, the in-process emulator accepts.
        emu_config
            .credentials
            .extend(check::static_keys(&config, env.as_ref()));
        match bedrock_emulator::Emulator::start(emu_config).await {
            Ok(emu) => {
                tracing::warn!(
                    url = %emu.url(),
                    "--emulator: every AWS endpoint points at the built-in Bedrock emulator; ANSWERS ARE SIMULATED, no request reaches AWS"
                );
                options.endpoint_override = Some(emu.url());
                options.fallback_credentials = Some(quarry_gateway::static_credentials(
                    bedrock_emulator::ACCESS_KEY_ID,
                    bedrock_emulator::SECRET_ACCESS_KEY,
                ));
                emulator = Some(emu);
            }
            Err(e) => {
                eprintln!("quarry: could not start the emulator: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let listen = quarry_gateway::Listen {
        proxy: listen,
        status: status_listen,
        drain_timeout: Duration::from_secs(drain_timeout),
    };
    let gateway = match quarry_gateway::Gateway::start(config, options, listen).await {
        Ok(g) => g,
        Err(e) => {
            eprintln!("quarry: {e}");
            return ExitCode::FAILURE;
        }
    };
    shutdown_signal().await;
    tracing::info!(
        "shutting down: no new connections, draining in-flight requests (signal again to exit now)"
    );
    tokio::select! {
        _ = gateway.shutdown() => {}
        _ = shutdown_signal() => {
            tracing::warn!("second signal: exiting without waiting for in-flight requests");
            return ExitCode::FAILURE;
        }
    }
    if let Some(emu) = emulator {
        emu.shutdown().await;
    }
    ExitCode::SUCCESS
}

async fn run_emulator(listen: SocketAddr, verify_signatures: bool) -> ExitCode {
    let config = bedrock_emulator::EmulatorConfig {
        listen,
        verify_signatures,
        record_requests: false,
        ..Default::default()
    };
    match bedrock_emulator::run(config, shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("quarry emulator: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {},
                    _ = term.recv() => {},
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
