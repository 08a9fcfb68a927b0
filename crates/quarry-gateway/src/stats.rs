//! Statistics: one JSON log line per AI request with Kong's `ai.proxy` fields, written to
//! stdout by a background thread so the request path never blocks on a terminal or a pipe.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};

use serde::Serialize;

use crate::auth::{ConsumerIdentity, RecordConsumer};

/// Where statistics lines go.
pub trait StatsSink: Send + Sync {
    fn emit(&self, line: String);
}

/// Lines queued for stdout before new ones are dropped (and counted) rather than buffered
/// without bound when stdout cannot keep up.
pub const STDOUT_QUEUE: usize = 65_536;

/// Writes each line to stdout from a dedicated thread, flushing when the queue drains.
pub struct StdoutSink {
    tx: mpsc::SyncSender<String>,
    dropped: AtomicU64,
}

impl StdoutSink {
    pub fn new() -> Arc<Self> {
        let (tx, rx) = mpsc::sync_channel::<String>(STDOUT_QUEUE);
        std::thread::Builder::new()
            .name("quarry-stats".into())
            .spawn(move || {
                let stdout = std::io::stdout();
                while let Ok(line) = rx.recv() {
                    let mut out = stdout.lock();
                    let _ = out.write_all(line.as_bytes());
                    let _ = out.write_all(b"\n");
                    while let Ok(line) = rx.try_recv() {
                        let _ = out.write_all(line.as_bytes());
                        let _ = out.write_all(b"\n");
                    }
                    let _ = out.flush();
                }
            })
            .ok();
        Arc::new(Self {
            tx,
            dropped: AtomicU64::new(0),
        })
    }
}

impl StatsSink for StdoutSink {
    fn emit(&self, line: String) {
        if self.tx.try_send(line).is_err() {
            let n = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
            if n.is_power_of_two() {
                tracing::warn!(
                    dropped = n,
                    "stdout is not keeping up: statistics lines dropped"
                );
            }
        }
    }
}

/// Keeps lines in memory; for tests and embedding.
#[derive(Default)]
pub struct MemorySink {
    lines: Mutex<Vec<String>>,
}

impl MemorySink {
    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

impl StatsSink for MemorySink {
    fn emit(&self, line: String) {
        if let Ok(mut lines) = self.lines.lock() {
            lines.push(line);
        }
    }
}

/// Token counts as the statistics line reports them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tokens {
    pub prompt: u64,
    pub completion: u64,
    pub total: u64,
    pub cached: u64,
}

/// Everything measured about one AI request.
#[derive(Debug, Clone, Default)]
pub struct Record {
    pub route: String,
    pub plugin_path: String,
    pub route_type: &'static str,
    pub request_model: String,
    pub response_model: String,
    pub streaming: bool,
    pub status: u16,
    pub error: Option<&'static str>,
    pub latency_ms: u64,
    pub time_to_first_token_ms: Option<u64>,
    pub tokens: Option<Tokens>,
    pub input_cost: Option<f64>,
    pub output_cost: Option<f64>,
    pub request_payload: Option<String>,
    pub response_payload: Option<String>,
    /// The authenticated (or anonymous) consumer; set by the key-auth phase.
    pub consumer: RecordConsumer,
}

impl Record {
    /// Kong's cost: `(prompt × input_cost + completion × output_cost) / 1e6`, 0 without costs.
    pub fn cost(&self) -> f64 {
        let Some(t) = self.tokens else { return 0.0 };
        (t.prompt as f64 * self.input_cost.unwrap_or(0.0)
            + t.completion as f64 * self.output_cost.unwrap_or(0.0))
            / 1e6
    }

    /// The JSON line, shaped like Kong's `ai.proxy` log namespace.
    pub fn to_line(&self) -> String {
        let tokens = self.tokens.unwrap_or_default();
        let time_per_token =
            (tokens.completion > 0).then(|| self.latency_ms as f64 / tokens.completion as f64);
        let line = Line {
            route: &self.route,
            status: self.status,
            error: self.error,
            consumer: self.consumer.get(),
            ai: Ai {
                proxy: Proxy {
                    meta: Meta {
                        plugin_id: &self.plugin_path,
                        provider_name: "bedrock",
                        route_type: self.route_type,
                        // A call that names no model (rerank, job listings) logs null, not "".
                        request_model: Some(self.request_model.as_str()).filter(|m| !m.is_empty()),
                        response_model: Some(self.response_model.as_str())
                            .filter(|m| !m.is_empty()),
                        llm_latency: self.latency_ms,
                        request_mode: if self.streaming { "stream" } else { "oneshot" },
                    },
                    usage: Usage {
                        prompt_tokens: tokens.prompt,
                        completion_tokens: tokens.completion,
                        total_tokens: tokens.total,
                        prompt_tokens_details: Details {
                            cached_tokens: tokens.cached,
                        },
                        cost: self.cost(),
                        time_per_token,
                        time_to_first_token: self.time_to_first_token_ms,
                    },
                    payload: (self.request_payload.is_some() || self.response_payload.is_some())
                        .then_some(Payload {
                            request: self.request_payload.as_deref(),
                            response: self.response_payload.as_deref(),
                        }),
                },
            },
        };
        serde_json::to_string(&line).unwrap_or_default()
    }
}

#[derive(Serialize)]
struct Line<'a> {
    route: &'a str,
    status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'static str>,
    /// Kong's `consumer` log field; absent when the route has no key-auth.
    #[serde(skip_serializing_if = "Option::is_none")]
    consumer: Option<&'a ConsumerIdentity>,
    ai: Ai<'a>,
}

#[derive(Serialize)]
struct Ai<'a> {
    proxy: Proxy<'a>,
}

#[derive(Serialize)]
struct Proxy<'a> {
    meta: Meta<'a>,
    usage: Usage,
    #[serde(skip_serializing_if = "Option::is_none")]
    payload: Option<Payload<'a>>,
}

#[derive(Serialize)]
struct Meta<'a> {
    plugin_id: &'a str,
    provider_name: &'static str,
    route_type: &'static str,
    request_model: Option<&'a str>,
    response_model: Option<&'a str>,
    llm_latency: u64,
    request_mode: &'static str,
}

#[derive(Serialize)]
struct Usage {
    prompt_tokens: u64,
    completion_tokens: u64,
    total_tokens: u64,
    prompt_tokens_details: Details,
    cost: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    time_per_token: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    time_to_first_token: Option<u64>,
}

#[derive(Serialize)]
struct Details {
    cached_tokens: u64,
}

#[derive(Serialize)]
struct Payload<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    request: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response: Option<&'a str>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn line_has_kong_fields_and_cost_per_million() {
        let r = Record {
            route: "chat".into(),
            plugin_path: "services[0].plugins[0]".into(),
            route_type: "llm/v1/chat",
            request_model: "m".into(),
            response_model: "m".into(),
            status: 200,
            latency_ms: 100,
            tokens: Some(Tokens {
                prompt: 1000,
                completion: 50,
                total: 1050,
                cached: 10,
            }),
            input_cost: Some(3.0),
            output_cost: Some(15.0),
            ..Default::default()
        };
        let v: serde_json::Value = serde_json::from_str(&r.to_line()).unwrap();
        let usage = &v["ai"]["proxy"]["usage"];
        assert_eq!(usage["prompt_tokens"], 1000);
        assert_eq!(usage["completion_tokens"], 50);
        assert_eq!(usage["total_tokens"], 1050);
        assert_eq!(usage["prompt_tokens_details"]["cached_tokens"], 10);
        assert!((usage["cost"].as_f64().unwrap() - 0.00375).abs() < 1e-12);
        assert_eq!(usage["time_per_token"], 2.0);
        assert_eq!(v["ai"]["proxy"]["meta"]["provider_name"], "bedrock");
        assert_eq!(v["ai"]["proxy"]["meta"]["request_mode"], "oneshot");
        assert!(v["ai"]["proxy"].get("payload").is_none());
    }
}
