#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Plugin options as a user configures them: defaults, forced latency, passthrough fields,
//! payload logging, statistics off, and the status listener.

mod common;

use common::{chat_config, Harness};
use serde_json::json;

const MODEL: &str = "amazon.nova-pro-v1:0";

fn with_options(options: &str) -> String {
    chat_config("").replacen(
        "                options:\n",
        &format!("                options:\n{options}"),
        1,
    )
}

#[tokio::test]
async fn model_options_fill_what_the_client_left_out_and_the_client_wins() {
    let config = chat_config("").replacen(
        "                  bedrock:\n                    aws_region: us-east-1\n",
        "                  max_tokens: 77\n                  temperature: 0.3\n                  top_p: 0.9\n                  top_k: 40\n                  bedrock:\n                    aws_region: us-east-1\n                    performance_config_latency: optimized\n",
        1,
    );
    let h = Harness::start(&config).await;
    h.post(
        "/v1/chat/completions",
        &json!({"model": MODEL, "messages": [{"role": "user", "content": "x"}]}).to_string(),
    )
    .await;
    let sent = h.last_upstream_json();
    assert_eq!(
        sent["inferenceConfig"],
        json!({"maxTokens": 77, "temperature": 0.3, "topP": 0.9})
    );
    // Nova reads top_k from its own inferenceConfig inside additionalModelRequestFields.
    assert_eq!(
        sent["additionalModelRequestFields"],
        json!({"inferenceConfig": {"topK": 40}})
    );
    assert_eq!(sent["performanceConfig"], json!({"latency": "optimized"}));

    h.post(
        "/v1/chat/completions",
        &json!({"model": MODEL, "max_tokens": 5, "temperature": 1.0, "top_p": 0.5, "top_k": 3,
                "performanceConfig": {"latency": "standard"},
                "messages": [{"role": "user", "content": "x"}]})
        .to_string(),
    )
    .await;
    let sent = h.last_upstream_json();
    assert_eq!(
        sent["inferenceConfig"],
        json!({"maxTokens": 5, "temperature": 1.0, "topP": 0.5})
    );
    assert_eq!(
        sent["additionalModelRequestFields"],
        json!({"inferenceConfig": {"topK": 3}})
    );
    assert_eq!(
        sent["performanceConfig"],
        json!({"latency": "optimized"}),
        "the config forces latency"
    );
}

#[tokio::test]
async fn bedrock_fields_in_the_body_or_extra_body_pass_through() {
    let h = Harness::start(&chat_config("")).await;
    let guardrail =
        json!({"guardrailIdentifier": "gr-123", "guardrailVersion": "1", "trace": "enabled"});
    let (status, _, body) = h
        .post(
            "/v1/chat/completions",
            &json!({"model": MODEL,
                    "messages": [{"role": "system", "content": "You are a scientist."},
                                 {"role": "user", "content": "What is the Boltzmann equation?"}],
                    "guardrailConfig": guardrail,
                    "extra_body": {"requestMetadata": {"team": "physics"},
                                   "additionalModelRequestFields": {"reasoning": {"effort": "low"}}},
                    "some_future_openai_field": true})
            .to_string(),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let sent = h.last_upstream_json();
    assert_eq!(sent["guardrailConfig"], guardrail);
    assert_eq!(sent["requestMetadata"], json!({"team": "physics"}));
    assert_eq!(
        sent["additionalModelRequestFields"],
        json!({"reasoning": {"effort": "low"}})
    );
    assert!(sent.get("some_future_openai_field").is_none());
    assert!(sent.get("extra_body").is_none());
}

#[tokio::test]
async fn payload_logging_adds_both_bodies() {
    let config = chat_config("").replacen(
        "                log_statistics: true\n",
        "                log_statistics: true\n                log_payloads: true\n",
        1,
    );
    let h = Harness::start(&config).await;
    let request =
        json!({"model": MODEL, "messages": [{"role": "user", "content": "log me"}]}).to_string();
    h.post("/v1/chat/completions", &request).await;
    let lines = h.stats_lines(1).await;
    let payload = &lines[0]["ai"]["proxy"]["payload"];
    assert_eq!(payload["request"], request);
    assert!(payload["response"]
        .as_str()
        .unwrap()
        .contains("You said: log me"));

    let stream = json!({"model": MODEL, "stream": true, "messages": [{"role": "user", "content": "log me"}]}).to_string();
    h.post("/v1/chat/completions", &stream).await;
    let lines = h.stats_lines(2).await;
    assert_eq!(
        lines[1]["ai"]["proxy"]["payload"]["response"],
        "Hello from the Bedrock emulator. You said: log me"
    );
}

#[tokio::test]
async fn no_statistics_line_without_log_statistics_and_metrics_still_count() {
    let config = chat_config("").replace("log_statistics: true", "log_statistics: false");
    let h = Harness::start(&config).await;
    h.post(
        "/v1/chat/completions",
        &json!({"model": MODEL, "messages": [{"role": "user", "content": "x"}]}).to_string(),
    )
    .await;
    h.post(
        "/v1/chat/completions",
        &json!({"model": "quarry.fault-throttle", "messages": [{"role": "user", "content": "x"}]})
            .to_string(),
    )
    .await;
    assert!(h.stats.lines().is_empty());

    let status_url = format!("http://{}", h.gateway.status_addr().unwrap());
    let status: serde_json::Value = reqwest::get(format!("{status_url}/status"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status["status"], "ok");
    let metrics = reqwest::get(format!("{status_url}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains(&format!(
        "kong_ai_llm_requests_total{{ai_provider=\"bedrock\",ai_model=\"{MODEL}\",request_mode=\"oneshot\",status=\"200\"}} 1"
    )), "{metrics}");
    assert!(metrics.contains(
        "kong_ai_llm_requests_total{ai_provider=\"bedrock\",ai_model=\"quarry.fault-throttle\",request_mode=\"oneshot\",status=\"429\"} 1"
    ), "{metrics}");
    assert!(metrics.contains(&format!(
        "kong_ai_llm_tokens_total{{ai_provider=\"bedrock\",ai_model=\"{MODEL}\",token_type=\"completion_tokens\"}} 8"
    )), "{metrics}");
}

#[tokio::test]
async fn cost_uses_input_and_output_cost_per_million_tokens() {
    let h = Harness::start(&with_options(
        "                  input_cost: 3.0\n                  output_cost: 15.0\n",
    ))
    .await;
    h.post(
        "/v1/chat/completions",
        &json!({"model": MODEL, "messages": [{"role": "user", "content": "one two"}]}).to_string(),
    )
    .await;
    let lines = h.stats_lines(1).await;
    let usage = &lines[0]["ai"]["proxy"]["usage"];
    assert_eq!(usage["prompt_tokens"], 2);
    assert_eq!(usage["completion_tokens"], 9);
    let expected = (2.0 * 3.0 + 9.0 * 15.0) / 1e6;
    assert!(
        (usage["cost"].as_f64().unwrap() - expected).abs() < 1e-12,
        "{usage}"
    );
}
