#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]
//! Test harness: the Bedrock emulator and Quarry on ephemeral ports, wired together.

pub mod aws;

use std::sync::Arc;
use std::time::Duration;

use bedrock_emulator::{Emulator, EmulatorConfig, RecordedRequest};
use quarry_gateway::{Gateway, Listen, MemorySink, Options};

pub struct Harness {
    pub emulator: Emulator,
    pub gateway: Gateway,
    pub stats: Arc<MemorySink>,
}

/// A route config for tests: `{UPSTREAM}` becomes the emulator's URL.
pub fn chat_config(extra_plugin_config: &str) -> String {
    format!(
        r#"
_format_version: "3.0"
services:
  - name: bedrock
    url: http://bedrock.invalid
    read_timeout: 5000
    routes:
      - name: chat
        paths: ["/v1/chat/completions"]
        plugins:
          - name: ai-proxy
            config:
              route_type: llm/v1/chat
              auth:
                aws_access_key_id: {akid}
                aws_secret_access_key: {secret}
              model:
                provider: bedrock
                options:
                  upstream_url: "{{UPSTREAM}}"
                  bedrock:
                    aws_region: us-east-1
              logging:
                log_statistics: true
{extra_plugin_config}
      - name: completions
        paths: ["/v1/completions"]
        plugins:
          - name: ai-proxy
            config:
              route_type: llm/v1/completions
              auth:
                aws_access_key_id: {akid}
                aws_secret_access_key: {secret}
              model:
                provider: bedrock
                options:
                  upstream_url: "{{UPSTREAM}}"
                  bedrock:
                    aws_region: us-east-1
              logging:
                log_statistics: true
"#,
        akid = bedrock_emulator::ACCESS_KEY_ID,
        secret = bedrock_emulator::SECRET_ACCESS_KEY,
    )
}

impl Harness {
    pub async fn start(config_yaml: &str) -> Harness {
        Self::start_with(config_yaml, EmulatorConfig::default()).await
    }

    pub async fn start_with(config_yaml: &str, emulator_config: EmulatorConfig) -> Harness {
        Self::start_full(config_yaml, emulator_config, &[]).await
    }

    /// `env` is the gateway's whole environment; `{UPSTREAM}` in a value becomes the
    /// emulator's URL there too.
    pub async fn start_full(
        config_yaml: &str,
        emulator_config: EmulatorConfig,
        env: &[(&str, &str)],
    ) -> Harness {
        let emulator = Emulator::start(emulator_config).await.unwrap();
        let env: std::collections::HashMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.replace("{UPSTREAM}", &emulator.url())))
            .collect();
        let yaml = config_yaml.replace("{UPSTREAM}", &emulator.url());
        let config = quarry_config::parse(&yaml, &|_| None)
            .unwrap_or_else(|errors| panic!("test config is invalid: {errors:?}"));
        let stats = Arc::new(MemorySink::default());
        let options = Options {
            env: Arc::new(move |k| env.get(k).cloned()),
            endpoint_override: None,
            fallback_credentials: None,
            stats: stats.clone(),
        };
        let gateway = Gateway::start(
            config,
            options,
            Listen {
                proxy: "127.0.0.1:0".parse().unwrap(),
                status: Some("127.0.0.1:0".parse().unwrap()),
                drain_timeout: Duration::from_secs(5),
            },
        )
        .await
        .unwrap();
        Harness {
            emulator,
            gateway,
            stats,
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.gateway.addr())
    }

    pub fn openai(&self) -> async_openai::Client<async_openai::config::OpenAIConfig> {
        async_openai::Client::with_config(
            async_openai::config::OpenAIConfig::new()
                .with_api_base(format!("{}/v1", self.base_url()))
                .with_api_key("not-used"),
        )
    }

    /// POSTs raw JSON to a path and returns (status, headers, body).
    pub async fn post(&self, path: &str, body: &str) -> (u16, reqwest::header::HeaderMap, String) {
        let response = reqwest::Client::new()
            .post(format!("{}{path}", self.base_url()))
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        (status, headers, response.text().await.unwrap())
    }

    /// Requests that reached the emulator.
    pub fn upstream(&self) -> Vec<RecordedRequest> {
        self.emulator.requests()
    }

    pub fn last_upstream_json(&self) -> serde_json::Value {
        let reqs = self.upstream();
        let last = reqs.last().expect("a request reached the emulator");
        serde_json::from_slice(&last.body).unwrap()
    }

    /// Statistics lines, parsed; waits briefly for stream bodies to finish recording.
    pub async fn stats_lines(&self, at_least: usize) -> Vec<serde_json::Value> {
        for _ in 0..200 {
            let lines = self.stats.lines();
            if lines.len() >= at_least {
                return lines
                    .iter()
                    .map(|l| serde_json::from_str(l).unwrap())
                    .collect();
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!(
            "expected {at_least} statistics lines, got {:?}",
            self.stats.lines()
        );
    }
}

/// Parses an SSE body into its `data:` payloads.
pub fn sse_data(body: &str) -> Vec<String> {
    body.split("\n\n")
        .filter_map(|event| event.strip_prefix("data: "))
        .map(str::to_owned)
        .collect()
}
