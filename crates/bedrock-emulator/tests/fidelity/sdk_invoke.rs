//! InvokeModel through the official SDK, one test per model family, plus the token headers
//! and the errors a client sees.

use aws_sdk_bedrockruntime::error::ProvideErrorMetadata;
use aws_sdk_bedrockruntime::primitives::Blob;
use aws_sdk_bedrockruntime::Client;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bedrock_emulator::FAULT_THROTTLE;
use serde_json::{json, Value};

use crate::common::{client, emulator, HAIKU};

async fn invoke(client: &Client, model: &str, body: Value) -> (Value, String) {
    let output = client
        .invoke_model()
        .model_id(model)
        .content_type("application/json")
        .accept("application/json")
        .body(Blob::new(serde_json::to_vec(&body).unwrap()))
        .send()
        .await
        .unwrap();
    let parsed = serde_json::from_slice(output.body().as_ref()).unwrap();
    (parsed, output.content_type().to_owned())
}

async fn invoke_error(client: &Client, model: &str, body: Value) -> (String, String) {
    let error = client
        .invoke_model()
        .model_id(model)
        .body(Blob::new(serde_json::to_vec(&body).unwrap()))
        .send()
        .await
        .unwrap_err();
    let service = error.into_service_error();
    (
        service.code().unwrap_or_default().to_owned(),
        service.message().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn anthropic_messages_match_converse() {
    let emu = emulator().await;
    let client = client(&emu);
    let (message, content_type) = invoke(
        &client,
        HAIKU,
        json!({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 200,
               "system": "be nice",
               "messages": [{"role": "user", "content": [{"type": "text", "text": "hello native"}]}]}),
    )
    .await;
    assert_eq!(content_type, "application/json");
    assert_eq!(message["type"], "message");
    assert_eq!(message["role"], "assistant");
    assert_eq!(message["model"], "claude-3-haiku-20240307");
    assert_eq!(
        message["content"],
        json!([{"type": "text", "text": "Hello from the Bedrock emulator. You said: hello native"}])
    );
    assert_eq!(message["stop_reason"], "end_turn");
    assert_eq!(
        message["usage"],
        json!({"input_tokens": 4, "output_tokens": 9})
    );

    let converse = client
        .converse()
        .model_id(HAIKU)
        .system(aws_sdk_bedrockruntime::types::SystemContentBlock::Text(
            "be nice".into(),
        ))
        .messages(crate::common::user("hello native"))
        .send()
        .await
        .unwrap();
    let usage = converse.usage().unwrap();
    assert_eq!(usage.input_tokens(), 4);
    assert_eq!(usage.output_tokens(), 9);

    let recorded = emu.requests();
    assert_eq!(recorded[0].operation, "InvokeModel");
    assert_eq!(recorded[0].model_id.as_deref(), Some(HAIKU));
}

#[tokio::test]
async fn token_and_latency_headers_are_sent() {
    let emu = emulator().await;
    let raw = crate::wire::call(
        &emu,
        &format!("/model/{}/invoke", HAIKU.replace(':', "%3A")),
        r#"{"anthropic_version":"bedrock-2023-05-31","max_tokens":5,"messages":[{"role":"user","content":"a b c"}]}"#,
        crate::wire::Auth::SigV4,
    )
    .await;
    assert_eq!(raw.status.as_u16(), 200);
    assert_eq!(raw.header("x-amzn-bedrock-input-token-count"), Some("3"));
    assert_eq!(raw.header("x-amzn-bedrock-output-token-count"), Some("5"));
    assert!(raw
        .header("x-amzn-bedrock-invocation-latency")
        .unwrap()
        .parse::<u64>()
        .is_ok());
    assert_eq!(raw.json()["stop_reason"], "max_tokens");
}

#[tokio::test]
async fn titan_v2_embeddings() {
    let emu = emulator().await;
    let client = client(&emu);
    let body = json!({"inputText": "the quick brown fox", "dimensions": 512, "embeddingTypes": ["float", "binary"]});
    let (out, _) = invoke(&client, "amazon.titan-embed-text-v2:0", body.clone()).await;
    let embedding = out["embedding"].as_array().unwrap();
    assert_eq!(embedding.len(), 512);
    let norm: f64 = embedding.iter().map(|v| v.as_f64().unwrap().powi(2)).sum();
    assert!((norm - 1.0).abs() < 1e-3, "normalised by default");
    assert_eq!(out["inputTextTokenCount"], 4);
    assert_eq!(out["embeddingsByType"]["float"], out["embedding"]);
    assert_eq!(
        out["embeddingsByType"]["binary"].as_array().unwrap().len(),
        512
    );
    let (again, _) = invoke(&client, "amazon.titan-embed-text-v2:0", body).await;
    assert_eq!(again["embedding"], out["embedding"], "deterministic");

    let (default, _) = invoke(
        &client,
        "amazon.titan-embed-text-v2:0",
        json!({"inputText": "x"}),
    )
    .await;
    assert_eq!(default["embedding"].as_array().unwrap().len(), 1024);
    let (v1, _) = invoke(
        &client,
        "amazon.titan-embed-text-v1",
        json!({"inputText": "x"}),
    )
    .await;
    assert_eq!(v1["embedding"].as_array().unwrap().len(), 1536);

    let (code, message) = invoke_error(
        &client,
        "amazon.titan-embed-text-v2:0",
        json!({"inputText": "x", "dimensions": 300}),
    )
    .await;
    assert_eq!(code, "ValidationException");
    assert!(
        message.contains("#/dimensions: 300 is not a valid enum value"),
        "{message}"
    );
}

#[tokio::test]
async fn cohere_v3_embeddings() {
    let emu = emulator().await;
    let client = client(&emu);
    let (out, _) = invoke(
        &client,
        "cohere.embed-english-v3",
        json!({"texts": ["first doc", "second"], "input_type": "search_document"}),
    )
    .await;
    assert_eq!(out["response_type"], "embeddings_floats");
    assert_eq!(out["texts"], json!(["first doc", "second"]));
    let embeddings = out["embeddings"].as_array().unwrap();
    assert_eq!(embeddings.len(), 2);
    assert_eq!(embeddings[0].as_array().unwrap().len(), 1024);
    assert_ne!(embeddings[0], embeddings[1]);

    let (by_type, _) = invoke(
        &client,
        "cohere.embed-english-v3",
        json!({"texts": ["first doc"], "input_type": "search_query", "embedding_types": ["float", "int8"]}),
    )
    .await;
    assert_eq!(by_type["response_type"], "embeddings_by_type");
    assert_eq!(
        by_type["embeddings"]["int8"][0].as_array().unwrap().len(),
        1024
    );

    let (code, message) =
        invoke_error(&client, "cohere.embed-english-v3", json!({"texts": ["x"]})).await;
    assert_eq!(code, "ValidationException");
    assert!(message.contains("required key [input_type] not found"));
}

#[tokio::test]
async fn nova_canvas_images() {
    let emu = emulator().await;
    let client = client(&emu);
    let (out, _) = invoke(
        &client,
        "amazon.nova-canvas-v1:0",
        json!({"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a lighthouse"},
               "imageGenerationConfig": {"numberOfImages": 2, "width": 1024, "height": 1024, "seed": 12}}),
    )
    .await;
    let images = out["images"].as_array().unwrap();
    assert_eq!(images.len(), 2);
    for image in images {
        let png = STANDARD.decode(image.as_str().unwrap()).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    }

    let (code, message) = invoke_error(
        &client,
        "amazon.nova-canvas-v1:0",
        json!({"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "something blocked"}}),
    )
    .await;
    assert_eq!(code, "ValidationException");
    assert!(message.contains("blocked by our content filters"));
}

#[tokio::test]
async fn stability_images_and_filters() {
    let emu = emulator().await;
    let client = client(&emu);
    let model = "stability.sd3-5-large-v1:0";
    let (out, _) = invoke(
        &client,
        model,
        json!({"prompt": "a red fox", "seed": 7, "aspect_ratio": "16:9"}),
    )
    .await;
    assert_eq!(out["seeds"], json!([7]));
    assert_eq!(out["finish_reasons"], json!([null]));
    let png = STANDARD.decode(out["images"][0].as_str().unwrap()).unwrap();
    assert_eq!(&png[..4], b"\x89PNG");

    let (filtered, _) = invoke(
        &client,
        model,
        json!({"prompt": "a blocked fox", "seed": 7}),
    )
    .await;
    assert_eq!(filtered["finish_reasons"], json!(["Filter reason: prompt"]));
    assert_eq!(filtered["images"], json!([]));
}

#[tokio::test]
async fn rerank_models_and_unsupported_families() {
    let emu = emulator().await;
    let client = client(&emu);
    let (out, _) = invoke(
        &client,
        "cohere.rerank-v3-5:0",
        json!({"query": "rust async", "documents": ["python", "async rust runtime", "rust"], "top_n": 2, "api_version": 2}),
    )
    .await;
    assert_eq!(
        out,
        json!({"results": [{"index": 1, "relevance_score": 1.0}, {"index": 2, "relevance_score": 0.5}]})
    );

    let (code, _) = invoke_error(
        &client,
        "meta.llama3-8b-instruct-v1:0",
        json!({"prompt": "x"}),
    )
    .await;
    assert_eq!(code, "ValidationException");
    let (code, _) = invoke_error(&client, FAULT_THROTTLE, json!({})).await;
    assert_eq!(code, "ThrottlingException");
}
