#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! End to end: async-openai's embeddings client → Quarry → the emulator's InvokeModel, checking
//! what the client got and the bodies that reached Bedrock.

mod common;

use std::collections::BTreeSet;

use async_openai::types::embeddings::{CreateEmbeddingRequestArgs, EncodingFormat};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bedrock_emulator::AuthOutcome;
use common::Harness;
use serde_json::{json, Value};

const TITAN: &str = "amazon.titan-embed-text-v2:0";
const COHERE: &str = "cohere.embed-english-v3";
const NOVA: &str = "amazon.nova-2-multimodal-embeddings-v1:0";

fn config() -> String {
    let route = |name: &str, path: &str, model_lines: &str, option_lines: &str| {
        format!(
            r#"
      - name: {name}
        paths: ["{path}"]
        plugins:
          - name: ai-proxy
            config:
              route_type: llm/v1/embeddings
              auth:
                aws_access_key_id: {akid}
                aws_secret_access_key: {secret}
              model:
                provider: bedrock
{model_lines}
                options:
                  upstream_url: "{{UPSTREAM}}"
                  cohere: {{embedding_input_type: search_document}}
{option_lines}
                  bedrock:
                    aws_region: us-east-1
                    embeddings_normalize: true
              logging:
                log_statistics: true"#,
            akid = bedrock_emulator::ACCESS_KEY_ID,
            secret = bedrock_emulator::SECRET_ACCESS_KEY,
        )
    };
    format!(
        r#"
_format_version: "3.0"
services:
  - name: bedrock
    url: http://bedrock.invalid
    read_timeout: 5000
    routes:{}{}
"#,
        route("embeddings", "/v1/embeddings", "", ""),
        route(
            "pinned",
            "/pinned/v1/embeddings",
            &format!("                name: {NOVA}"),
            "                  embeddings_dimensions: 384",
        ),
    )
}

fn norm(v: &[f32]) -> f64 {
    v.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt()
}

fn bodies(h: &Harness) -> Vec<Value> {
    h.upstream()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

#[tokio::test]
async fn titan_v2_list_of_three_comes_back_in_input_order() {
    let h = Harness::start(&config()).await;
    let inputs = ["alpha one", "beta", "gamma three words"];
    let list = h
        .openai()
        .embeddings()
        .create(
            CreateEmbeddingRequestArgs::default()
                .model(TITAN)
                .input(inputs)
                .dimensions(256u32)
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(list.object, "list");
    assert_eq!(list.model, TITAN);
    assert_eq!(list.data.len(), 3);
    for (i, item) in list.data.iter().enumerate() {
        assert_eq!(item.index as usize, i);
        assert_eq!(item.object, "embedding");
        assert_eq!(item.embedding.len(), 256);
        assert!((norm(&item.embedding) - 1.0).abs() < 1e-3, "normalised");
    }
    assert_eq!(list.usage.prompt_tokens, 6, "2 + 1 + 3 words");
    assert_eq!(list.usage.total_tokens, 6);

    // Each vector is the one its input gets alone: the fan-out kept the order.
    let alone = h
        .openai()
        .embeddings()
        .create(
            CreateEmbeddingRequestArgs::default()
                .model(TITAN)
                .input("beta")
                .dimensions(256u32)
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(alone.data[0].embedding, list.data[1].embedding);
    assert_ne!(list.data[0].embedding, list.data[1].embedding);

    let upstream = h.upstream();
    assert_eq!(upstream.len(), 4, "one InvokeModel per input");
    for call in &upstream {
        assert_eq!(
            call.raw_path,
            "/model/amazon.titan-embed-text-v2%3A0/invoke"
        );
        assert_eq!(call.operation, "InvokeModel");
        assert_eq!(call.auth, AuthOutcome::SigV4Valid);
        assert_eq!(call.header("content-type"), Some("application/json"));
    }
    let sent: BTreeSet<String> = bodies(&h)[..3].iter().map(Value::to_string).collect();
    let expected: BTreeSet<String> = inputs
        .iter()
        .map(|t| json!({"inputText": t, "dimensions": 256, "normalize": true}).to_string())
        .collect();
    assert_eq!(sent, expected);

    let lines = h.stats_lines(2).await;
    let proxy = &lines[0]["ai"]["proxy"];
    assert_eq!(proxy["meta"]["route_type"], "llm/v1/embeddings");
    assert_eq!(proxy["meta"]["request_model"], TITAN);
    assert_eq!(proxy["usage"]["prompt_tokens"], 6);
    assert_eq!(proxy["usage"]["completion_tokens"], 0);
    assert_eq!(proxy["usage"]["total_tokens"], 6);
    assert_eq!(lines[0]["status"], 200);
}

#[tokio::test]
async fn cohere_v3_list_is_one_batched_call_with_the_routes_input_type() {
    let h = Harness::start(&config()).await;
    let list = h
        .openai()
        .embeddings()
        .create(
            CreateEmbeddingRequestArgs::default()
                .model(COHERE)
                .input(["first doc", "the second document"])
                .encoding_format(EncodingFormat::Float)
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(list.data.len(), 2);
    assert!(list.data.iter().all(|d| d.embedding.len() == 1024));
    assert_eq!(list.usage.prompt_tokens, 5, "from the token-count header");
    assert_eq!(
        bodies(&h),
        [
            json!({"texts": ["first doc", "the second document"], "input_type": "search_document",
                "embedding_types": ["float"]})
        ]
    );

    // The request's own input_type wins; the second text's vector is the same alone.
    let (status, _, body) = h
        .post(
            "/v1/embeddings",
            r#"{"model":"cohere.embed-english-v3","input":["the second document"],"input_type":"search_query"}"#,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let alone: Value = serde_json::from_str(&body).unwrap();
    let alone: Vec<f32> = serde_json::from_value(alone["data"][0]["embedding"].clone()).unwrap();
    assert_eq!(alone, list.data[1].embedding);
    assert_eq!(bodies(&h)[1]["input_type"], "search_query");
}

#[tokio::test]
async fn base64_is_the_little_endian_f32_of_the_float_answer() {
    let h = Harness::start(&config()).await;
    let request = |format| {
        CreateEmbeddingRequestArgs::default()
            .model(TITAN)
            .input("hello world")
            .dimensions(512u32)
            .encoding_format(format)
            .build()
            .unwrap()
    };
    let floats = h
        .openai()
        .embeddings()
        .create(request(EncodingFormat::Float))
        .await
        .unwrap();
    let encoded = h
        .openai()
        .embeddings()
        .create_base64(request(EncodingFormat::Base64))
        .await
        .unwrap();
    assert_eq!(encoded.object, "list");
    assert_eq!(encoded.usage.prompt_tokens, 2);
    let bytes = STANDARD.decode(&encoded.data[0].embedding.0).unwrap();
    let decoded: Vec<f32> = bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    assert_eq!(decoded.len(), 512);
    assert_eq!(decoded, floats.data[0].embedding);
    // encoding_format never reaches Bedrock.
    assert!(bodies(&h)
        .iter()
        .all(|b| b.get("encoding_format").is_none()));
}

#[tokio::test]
async fn pinned_nova_route_uses_the_configured_model_and_dimensions() {
    let h = Harness::start(&config()).await;
    let (status, _, body) = h
        .post("/pinned/v1/embeddings", r#"{"input":"one two"}"#)
        .await;
    assert_eq!(status, 200, "{body}");
    let answer: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(answer["model"], NOVA);
    assert_eq!(
        answer["data"][0]["embedding"].as_array().unwrap().len(),
        384
    );
    assert_eq!(answer["usage"]["prompt_tokens"], 2);
    assert_eq!(
        bodies(&h),
        [
            json!({"schemaVersion": "nova-multimodal-embed-v1", "taskType": "SINGLE_EMBEDDING",
                "singleEmbeddingParams": {"embeddingPurpose": "GENERIC_INDEX", "embeddingDimension": 384,
                                          "text": {"truncationMode": "END", "value": "one two"}}})
        ]
    );
    let (status, _, body) = h
        .post(
            "/pinned/v1/embeddings",
            &format!(r#"{{"model":"{TITAN}","input":"x"}}"#),
        )
        .await;
    assert_eq!(status, 400);
    assert!(body.contains("cannot use own model"), "{body}");
}

#[tokio::test]
async fn unmappable_requests_are_clear_400s_and_never_reach_bedrock() {
    let h = Harness::start(&config()).await;
    let cases = [
        (
            json!({"model": TITAN, "input": [1, 2, 3]}),
            "input",
            "an array of token IDs is not supported",
        ),
        (
            json!({"model": TITAN, "input": "x", "dimensions": 300}),
            "dimensions",
            "use one of 1024, 512, 256",
        ),
        (
            json!({"model": "anthropic.claude-3-haiku-20240307-v1:0", "input": "x"}),
            "model",
            "not an embeddings model",
        ),
        (
            json!({"model": TITAN, "input": []}),
            "input",
            "must not be empty",
        ),
        (
            json!({"model": TITAN, "input": "x", "encoding_format": "int8"}),
            "encoding_format",
            "unknown variant",
        ),
    ];
    for (request, param, message) in cases {
        let (status, _, body) = h.post("/v1/embeddings", &request.to_string()).await;
        assert_eq!(status, 400, "{request}: {body}");
        let error: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(error["error"]["param"], param, "{body}");
        assert_eq!(error["error"]["type"], "invalid_request_error");
        assert!(
            error["error"]["message"]
                .as_str()
                .unwrap()
                .contains(message),
            "{body}"
        );
    }
    assert!(h.upstream().is_empty());
}

#[tokio::test]
async fn a_failed_call_of_the_fan_out_fails_the_request_with_bedrocks_status() {
    let h = Harness::start(&config()).await;
    // Titan refuses an empty inputText; the other call succeeds, the request does not.
    let (status, headers, body) = h
        .post(
            "/v1/embeddings",
            &json!({"model": TITAN, "input": ["fine", ""]}).to_string(),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        headers.get("x-quarry-upstream-error").unwrap(),
        "ValidationException"
    );
    let error: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["error"]["code"], "validation");
    let lines = h.stats_lines(1).await;
    assert_eq!(lines[0]["status"], 400);
    assert_eq!(lines[0]["error"], "upstream_error");
}
