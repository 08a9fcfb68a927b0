//! Prometheus metrics with Kong's AI metric names, so Kong dashboards keep working.
//!
//! Labels are bounded: at most [`MAX_MODELS`] distinct model names are tracked, the rest are
//! counted under `other`, so a client inventing model names cannot grow memory without bound.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Mutex;

use crate::stats::Record;

pub const MAX_MODELS: usize = 256;
const LATENCY_BUCKETS_MS: [u64; 14] = [
    250, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000, 10000, 30000, 60000,
];

#[derive(Default)]
struct ModelSeries {
    requests: HashMap<(&'static str, u16), u64>, // (request_mode, status)
    prompt_tokens: u64,
    completion_tokens: u64,
    total_tokens: u64,
    cost: f64,
    latency_buckets: [u64; LATENCY_BUCKETS_MS.len()],
    latency_count: u64,
    latency_sum_ms: u64,
}

#[derive(Default)]
pub struct Metrics {
    models: Mutex<HashMap<String, ModelSeries>>,
}

impl Metrics {
    pub fn record(&self, r: &Record) {
        let Ok(mut models) = self.models.lock() else {
            return;
        };
        let key = if models.contains_key(&r.request_model) || models.len() < MAX_MODELS {
            r.request_model.clone()
        } else {
            "other".to_owned()
        };
        let s = models.entry(key).or_default();
        let mode = if r.streaming { "stream" } else { "oneshot" };
        *s.requests.entry((mode, r.status)).or_default() += 1;
        if let Some(t) = r.tokens {
            s.prompt_tokens += t.prompt;
            s.completion_tokens += t.completion;
            s.total_tokens += t.total;
        }
        s.cost += r.cost();
        if r.status < 500 || r.error.is_none() {
            for (i, b) in LATENCY_BUCKETS_MS.iter().enumerate() {
                if r.latency_ms <= *b {
                    s.latency_buckets[i] += 1;
                }
            }
            s.latency_count += 1;
            s.latency_sum_ms += r.latency_ms;
        }
    }

    /// Prometheus text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(4096);
        let Ok(models) = self.models.lock() else {
            return out;
        };
        let mut names: Vec<&String> = models.keys().collect();
        names.sort();
        let _ = writeln!(
            out,
            "# HELP kong_ai_llm_requests_total AI requests by model, mode and status"
        );
        let _ = writeln!(out, "# TYPE kong_ai_llm_requests_total counter");
        for name in &names {
            let s = &models[*name];
            let mut reqs: Vec<_> = s.requests.iter().collect();
            reqs.sort();
            for ((mode, status), n) in reqs {
                let _ = writeln!(
                    out,
                    "kong_ai_llm_requests_total{{ai_provider=\"bedrock\",ai_model=\"{}\",request_mode=\"{mode}\",status=\"{status}\"}} {n}",
                    escape(name)
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP kong_ai_llm_tokens_total Tokens by model and type"
        );
        let _ = writeln!(out, "# TYPE kong_ai_llm_tokens_total counter");
        for name in &names {
            let s = &models[*name];
            for (ty, n) in [
                ("prompt_tokens", s.prompt_tokens),
                ("completion_tokens", s.completion_tokens),
                ("total_tokens", s.total_tokens),
            ] {
                let _ = writeln!(
                    out,
                    "kong_ai_llm_tokens_total{{ai_provider=\"bedrock\",ai_model=\"{}\",token_type=\"{ty}\"}} {n}",
                    escape(name)
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP kong_ai_llm_cost_total Cost by model (input_cost/output_cost per 1M tokens)"
        );
        let _ = writeln!(out, "# TYPE kong_ai_llm_cost_total counter");
        for name in &names {
            let s = &models[*name];
            if s.cost > 0.0 {
                let _ = writeln!(
                    out,
                    "kong_ai_llm_cost_total{{ai_provider=\"bedrock\",ai_model=\"{}\"}} {}",
                    escape(name),
                    s.cost
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP kong_ai_llm_provider_latency_ms Bedrock latency in milliseconds"
        );
        let _ = writeln!(out, "# TYPE kong_ai_llm_provider_latency_ms histogram");
        for name in &names {
            let s = &models[*name];
            let labels = format!("ai_provider=\"bedrock\",ai_model=\"{}\"", escape(name));
            for (i, b) in LATENCY_BUCKETS_MS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "kong_ai_llm_provider_latency_ms_bucket{{{labels},le=\"{b}\"}} {}",
                    s.latency_buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "kong_ai_llm_provider_latency_ms_bucket{{{labels},le=\"+Inf\"}} {}",
                s.latency_count
            );
            let _ = writeln!(
                out,
                "kong_ai_llm_provider_latency_ms_sum{{{labels}}} {}",
                s.latency_sum_ms
            );
            let _ = writeln!(
                out,
                "kong_ai_llm_provider_latency_ms_count{{{labels}}} {}",
                s.latency_count
            );
        }
        out
    }
}

fn escape(label: &str) -> String {
    label
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::stats::Tokens;

    #[test]
    fn counts_requests_tokens_and_bounds_model_labels() {
        let m = Metrics::default();
        for i in 0..(MAX_MODELS + 10) {
            m.record(&Record {
                request_model: format!("model-{i}"),
                status: 200,
                latency_ms: 300,
                tokens: Some(Tokens {
                    prompt: 2,
                    completion: 3,
                    total: 5,
                    cached: 0,
                }),
                ..Default::default()
            });
        }
        let text = m.render();
        assert!(text.contains(
            "kong_ai_llm_requests_total{ai_provider=\"bedrock\",ai_model=\"model-0\",request_mode=\"oneshot\",status=\"200\"} 1"
        ));
        assert!(text.contains(
            "kong_ai_llm_requests_total{ai_provider=\"bedrock\",ai_model=\"other\",request_mode=\"oneshot\",status=\"200\"} 10"
        ));
        assert!(text.contains("token_type=\"completion_tokens\"} 3"));
        assert!(text.contains("kong_ai_llm_provider_latency_ms_bucket{ai_provider=\"bedrock\",ai_model=\"model-1\",le=\"250\"} 0"));
        assert!(text.contains("kong_ai_llm_provider_latency_ms_bucket{ai_provider=\"bedrock\",ai_model=\"model-1\",le=\"500\"} 1"));
    }
}
