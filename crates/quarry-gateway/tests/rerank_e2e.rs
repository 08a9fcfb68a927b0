#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! End to end: a Cohere/Jina-style rerank request (reqwest) on an `llm/v1/embeddings` route →
//! Quarry → the emulator's agent-runtime `Rerank`, checking the client's answer and the body
//! that reached Bedrock.

mod common;

use bedrock_emulator::AuthOutcome;
use common::Harness;
use serde_json::{json, Value};

fn config() -> String {
    format!(
        r#"
_format_version: "3.0"
services:
  - name: bedrock
    url: http://bedrock.invalid
    read_timeout: 5000
    routes:
      - name: embeddings
        paths: ["/v1/embeddings", "/v1/rerank"]
        plugins:
          - name: ai-proxy
            config:
              route_type: llm/v1/embeddings
              auth:
                aws_access_key_id: {akid}
                aws_secret_access_key: {secret}
              model:
                provider: bedrock
              logging:
                log_statistics: true
"#,
        akid = bedrock_emulator::ACCESS_KEY_ID,
        secret = bedrock_emulator::SECRET_ACCESS_KEY,
    )
}

/// The agent runtime has no `upstream_url`: the SDK's endpoint variable points it (and the
/// runtime) at the emulator, and the region comes from the environment.
async fn harness() -> Harness {
    Harness::start_full(
        &config(),
        Default::default(),
        &[
            ("AWS_ENDPOINT_URL", "{UPSTREAM}"),
            ("AWS_REGION", "eu-west-1"),
        ],
    )
    .await
}

#[tokio::test]
async fn rerank_maps_to_agent_runtime_rerank_and_back() {
    let h = harness().await;
    let (status, _, body) = h
        .post(
            "/v1/rerank",
            &json!({
                "model": "cohere.rerank-v3-5:0",
                "query": "red apple pie",
                "documents": ["green pear", "Apple pie!", {"text": "red apple pie", "id": "d3"}, "a pie"],
                "top_n": 3,
                "return_documents": true
            })
            .to_string(),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let answer: Value = serde_json::from_str(&body).unwrap();
    assert!(answer["id"].as_str().unwrap().starts_with("rerank-"));
    let results = answer["results"].as_array().unwrap();
    let order: Vec<u64> = results
        .iter()
        .map(|r| r["index"].as_u64().unwrap())
        .collect();
    assert_eq!(order, [2, 1, 3], "best first, top_n of them");
    assert_eq!(results[0]["relevance_score"], 1.0);
    let second = results[1]["relevance_score"].as_f64().unwrap();
    assert!((second - 2.0 / 3.0).abs() < 1e-9, "{second}");
    assert_eq!(
        results[0]["document"],
        json!({"text": "red apple pie", "id": "d3"})
    );
    assert_eq!(results[1]["document"], json!({"text": "Apple pie!"}));

    let upstream = h.upstream();
    assert_eq!(upstream.len(), 1);
    assert_eq!(upstream[0].raw_path, "/rerank");
    assert_eq!(upstream[0].operation, "Rerank");
    assert_eq!(upstream[0].auth, AuthOutcome::SigV4Valid);
    let sent: Value = serde_json::from_slice(&upstream[0].body).unwrap();
    assert_eq!(
        sent,
        json!({
            "queries": [{"type": "TEXT", "textQuery": {"text": "red apple pie"}}],
            "sources": [
                {"type": "INLINE", "inlineDocumentSource": {"type": "TEXT", "textDocument": {"text": "green pear"}}},
                {"type": "INLINE", "inlineDocumentSource": {"type": "TEXT", "textDocument": {"text": "Apple pie!"}}},
                {"type": "INLINE", "inlineDocumentSource": {"type": "TEXT", "textDocument": {"text": "red apple pie"}}},
                {"type": "INLINE", "inlineDocumentSource": {"type": "TEXT", "textDocument": {"text": "a pie"}}}
            ],
            "rerankingConfiguration": {
                "type": "BEDROCK_RERANKING_MODEL",
                "bedrockRerankingConfiguration": {
                    "numberOfResults": 3,
                    "modelConfiguration": {"modelArn": "arn:aws:bedrock:eu-west-1::foundation-model/cohere.rerank-v3-5:0"}
                }
            }
        })
    );

    let lines = h.stats_lines(1).await;
    assert_eq!(lines[0]["status"], 200);
    assert_eq!(
        lines[0]["ai"]["proxy"]["meta"]["request_model"],
        "cohere.rerank-v3-5:0"
    );
}

#[tokio::test]
async fn documents_are_left_out_by_default_and_json_documents_pass_through() {
    let h = harness().await;
    let (status, _, body) = h
        .post(
            "/v1/rerank",
            &json!({"model": "amazon.rerank-v1:0", "query": "apple",
                    "documents": [{"title": "Pears"}, {"title": "Apple"}]})
            .to_string(),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let answer: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(answer["results"][0]["index"], 1);
    assert!(answer["results"][0].get("document").is_none());
    let sent: Value = serde_json::from_slice(&h.upstream()[0].body).unwrap();
    assert_eq!(
        sent["sources"][1]["inlineDocumentSource"],
        json!({"type": "JSON", "jsonDocument": {"title": "Apple"}})
    );
    assert!(
        sent["rerankingConfiguration"]["bedrockRerankingConfiguration"]
            .get("numberOfResults")
            .is_none()
    );
}

#[tokio::test]
async fn bedrock_errors_keep_their_status_and_bad_requests_never_leave() {
    let h = harness().await;
    // Not a reranking model: Bedrock's ValidationException comes back as a 400.
    let (status, headers, body) = h
        .post(
            "/v1/rerank",
            r#"{"model":"amazon.titan-embed-text-v2:0","query":"q","documents":["a"]}"#,
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        headers.get("x-quarry-upstream-error").unwrap(),
        "ValidationException"
    );
    let error: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["error"]["code"], "validation");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("arn:aws:bedrock:eu-west-1::foundation-model/amazon.titan-embed-text-v2:0"),
        "{body}"
    );
    let calls = h.upstream().len();

    for (request, param) in [
        (
            json!({"model": "cohere.rerank-v3-5:0", "query": "q", "documents": []}),
            "documents",
        ),
        (
            json!({"model": "cohere.rerank-v3-5:0", "query": "q", "documents": ["a"], "top_n": 0}),
            "top_n",
        ),
        (
            json!({"model": "cohere.rerank-v3-5:0", "documents": ["a"]}),
            "",
        ),
    ] {
        let (status, _, body) = h.post("/v1/rerank", &request.to_string()).await;
        assert_eq!(status, 400, "{body}");
        let error: Value = serde_json::from_str(&body).unwrap();
        if !param.is_empty() {
            assert_eq!(error["error"]["param"], param, "{body}");
        }
    }
    assert_eq!(h.upstream().len(), calls, "refused before Bedrock");
}

#[tokio::test]
async fn the_same_route_still_serves_embeddings() {
    let h = harness().await;
    let (status, _, body) = h
        .post(
            "/v1/embeddings",
            r#"{"model":"amazon.titan-embed-text-v1","input":"hello"}"#,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let answer: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        answer["data"][0]["embedding"].as_array().unwrap().len(),
        1536
    );
}
