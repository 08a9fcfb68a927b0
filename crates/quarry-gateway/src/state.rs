//! Runtime state built once from the validated config: routes with their resolved endpoint,
//! region, credentials and translation defaults, the upstream clients, and the sinks.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use aws_credential_types::Credentials;
use quarry_bedrock::chat::ChatDefaults;
use quarry_bedrock::endpoint::{self, Service};
use quarry_config::{AiProxy, Config, Route};

use crate::auth::Auth;
use crate::credentials::{self, RouteCredentials};
use crate::fetch::ImageFetcher;
use crate::metrics::Metrics;
use crate::router::Router;
use crate::stats::StatsSink;
use crate::upstream::{build_client, UpstreamClient};

/// Environment lookup, injectable so tests and `--emulator` can point endpoints elsewhere.
pub type Env = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// How the gateway is wired to the outside world, beside the config file.
#[derive(Clone)]
pub struct Options {
    pub env: Env,
    /// When set, every AWS endpoint is this URL (the `--emulator` switch).
    pub endpoint_override: Option<String>,
    /// Credentials used when a route has none and the environment has none.
    pub fallback_credentials: Option<Credentials>,
    pub stats: Arc<dyn StatsSink>,
}

/// Everything a route needs per request, precomputed.
pub struct RouteRuntime {
    pub plugin: AiProxy,
    pub name: String,
    pub region: Option<String>,
    /// Runtime base URL without trailing slash, e.g. `https://bedrock-runtime.us-east-1.amazonaws.com`.
    pub runtime_url: Option<String>,
    pub credentials: RouteCredentials,
    pub read_timeout: Duration,
    pub client: usize,
    pub chat_defaults: ChatDefaults,
    /// The runtime endpoint is not AWS's default for the region (`upstream_url`,
    /// `AWS_ENDPOINT_URL*`, `--emulator`): an ARN's region then changes neither the host nor
    /// the signing region, which must match what that endpoint verifies.
    pub custom_endpoint: bool,
    /// bedrock-agent-runtime base URL (native Rerank, RetrieveAndGenerate), resolved like
    /// `runtime_url` except that `upstream_url` is a runtime-only option.
    pub agent_runtime_url: Option<String>,
    /// Control-plane (`bedrock`) base URL (native model invocation jobs), resolved likewise.
    pub control_url: Option<String>,
    /// `custom_endpoint` for the agent runtime and the control plane.
    pub custom_agent_runtime_endpoint: bool,
    pub custom_control_endpoint: bool,
    /// Path-style S3 base URL (`--emulator`, else `AWS_ENDPOINT_URL_S3`); `None`: AWS's
    /// virtual-hosted `https://{bucket}.s3.{region}.amazonaws.com`.
    pub s3_url: Option<String>,
}

impl RouteRuntime {
    /// The base URL of `service` and whether it is a custom endpoint (see `custom_endpoint`).
    pub fn endpoint(&self, service: Service) -> (Option<&str>, bool) {
        match service {
            Service::Runtime => (self.runtime_url.as_deref(), self.custom_endpoint),
            Service::AgentRuntime => (
                self.agent_runtime_url.as_deref(),
                self.custom_agent_runtime_endpoint,
            ),
            Service::ControlPlane => (self.control_url.as_deref(), self.custom_control_endpoint),
        }
    }
}

pub struct State {
    pub router: Router,
    pub routes: Vec<RouteRuntime>,
    pub clients: Vec<UpstreamClient>,
    pub stats: Arc<dyn StatsSink>,
    pub metrics: Metrics,
    /// Consumers by key digest and each route's key-auth phase.
    pub auth: Auth,
    /// Present when some route fetches image URLs (`config.quarry.fetch_image_urls`).
    pub fetcher: Option<ImageFetcher>,
}

const DEFAULT_TIMEOUT_MS: u64 = 60_000;

impl State {
    pub fn new(config: Config, options: Options) -> Self {
        let mut clients = Vec::new();
        let mut client_by_timeout: HashMap<u64, usize> = HashMap::new();
        let routes: Vec<RouteRuntime> = config
            .routes
            .iter()
            .map(|route| {
                let connect_ms = route
                    .service
                    .as_ref()
                    .map_or(DEFAULT_TIMEOUT_MS, |s| s.connect_timeout_ms);
                let client = *client_by_timeout.entry(connect_ms).or_insert_with(|| {
                    clients.push(build_client(Duration::from_millis(connect_ms)));
                    clients.len() - 1
                });
                runtime_for(route, &options, client)
            })
            .collect();
        for r in &routes {
            tracing::info!(
                route = %r.name,
                route_type = r.plugin.route_type.as_str(),
                region = r.region.as_deref().unwrap_or("(none)"),
                endpoint = r.runtime_url.as_deref().unwrap_or("(none)"),
                credentials = r.credentials.source,
                "route ready"
            );
            if r.credentials.credentials.is_none() {
                tracing::warn!(route = %r.name, "no AWS credentials for this route: set auth.aws_access_key_id/aws_secret_access_key or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; its calls will fail with 502");
            }
            if r.region.is_none() {
                tracing::warn!(route = %r.name, "no AWS region for this route: set config.model.options.bedrock.aws_region or AWS_REGION; its calls will fail with 502");
            }
        }
        let fetcher = routes
            .iter()
            .any(|r| r.plugin.quarry.fetch_image_urls)
            .then(ImageFetcher::new);
        let auth = Auth::new(&config.consumers, &config.routes);
        Self {
            router: Router::new(config.routes),
            routes,
            clients,
            stats: options.stats,
            metrics: Metrics::default(),
            auth,
            fetcher,
        }
    }
}

fn runtime_for(route: &Route, options: &Options, client: usize) -> RouteRuntime {
    let env = options.env.as_ref();
    let plugin = route.ai_proxy.clone();
    let opts = &plugin.model.options;
    let region = endpoint::resolve_region(opts.bedrock.aws_region.as_deref(), env);
    let runtime_url = match (&options.endpoint_override, &region) {
        (Some(url), _) => Some(url.trim_end_matches('/').to_owned()),
        (None, Some(region)) => Some(endpoint::base_url(
            Service::Runtime,
            region,
            opts.upstream_url.as_deref(),
            env,
        )),
        (None, None) => opts
            .upstream_url
            .as_deref()
            .map(|u| u.trim_end_matches('/').to_owned()),
    };
    let custom_endpoint = options.endpoint_override.is_some()
        || opts.upstream_url.is_some()
        || ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "AWS_ENDPOINT_URL"]
            .iter()
            .any(|k| env(k).is_some_and(|v| !v.trim().is_empty()));
    // The agent runtime and the control plane: `--emulator`, else the AWS SDK's variables,
    // else AWS's endpoint for the region (`upstream_url` names the runtime only).
    let other_url = |service: Service| match (&options.endpoint_override, &region) {
        (Some(url), _) => Some(url.trim_end_matches('/').to_owned()),
        (None, Some(region)) => Some(endpoint::base_url(service, region, None, env)),
        (None, None) => None,
    };
    let env_set = |keys: &[&str]| {
        options.endpoint_override.is_some()
            || keys
                .iter()
                .any(|k| env(k).is_some_and(|v| !v.trim().is_empty()))
    };
    let agent_runtime_url = other_url(Service::AgentRuntime);
    let control_url = other_url(Service::ControlPlane);
    let custom_agent_runtime_endpoint =
        env_set(&["AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME", "AWS_ENDPOINT_URL"]);
    let custom_control_endpoint = env_set(&["AWS_ENDPOINT_URL_BEDROCK", "AWS_ENDPOINT_URL"]);
    let credentials =
        credentials::resolve(&plugin.auth, env, options.fallback_credentials.as_ref());
    let read_timeout = Duration::from_millis(
        route
            .service
            .as_ref()
            .map_or(DEFAULT_TIMEOUT_MS, |s| s.read_timeout_ms),
    );
    let chat_defaults = ChatDefaults {
        max_tokens: opts.max_tokens,
        temperature: opts.temperature,
        top_p: opts.top_p,
        top_k: opts.top_k,
        performance_config_latency: opts.bedrock.performance_config_latency.clone(),
    };
    let s3_url = options
        .endpoint_override
        .clone()
        .or_else(|| env("AWS_ENDPOINT_URL_S3").filter(|v| !v.trim().is_empty()))
        .map(|u| u.trim().trim_end_matches('/').to_owned());
    RouteRuntime {
        s3_url,
        name: route.name.clone(),
        plugin,
        region,
        runtime_url,
        credentials,
        read_timeout,
        client,
        chat_defaults,
        custom_endpoint,
        agent_runtime_url,
        control_url,
        custom_agent_runtime_endpoint,
        custom_control_endpoint,
    }
}
