#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};

use super::*;

fn req(v: Value) -> RerankRequest {
    serde_json::from_value(v).unwrap()
}

#[test]
fn model_arn_from_region_unless_already_an_arn() {
    assert_eq!(
        model_arn("cohere.rerank-v3-5:0", "us-west-2"),
        "arn:aws:bedrock:us-west-2::foundation-model/cohere.rerank-v3-5:0"
    );
    let arn = "arn:aws:bedrock:eu-central-1::foundation-model/amazon.rerank-v1:0";
    assert_eq!(model_arn(arn, "us-west-2"), arn);
}

#[test]
fn golden_rerank_body() {
    let r = req(json!({
        "model": "amazon.rerank-v1:0", "query": "red apple",
        "documents": ["a pear", {"text": "an apple", "id": 7}, {"title": "Apples", "year": 2020}],
        "top_n": 10, "extra_body": {"additionalModelRequestFields": {"k": 1}}
    }));
    let arn = "arn:aws:bedrock:us-east-1::foundation-model/amazon.rerank-v1:0";
    let body: Value = serde_json::from_slice(&rerank_request(&r, arn).unwrap()).unwrap();
    assert_eq!(
        body,
        json!({
            "queries": [{"type": "TEXT", "textQuery": {"text": "red apple"}}],
            "sources": [
                {"type": "INLINE", "inlineDocumentSource": {"type": "TEXT", "textDocument": {"text": "a pear"}}},
                {"type": "INLINE", "inlineDocumentSource": {"type": "TEXT", "textDocument": {"text": "an apple"}}},
                {"type": "INLINE", "inlineDocumentSource": {"type": "JSON", "jsonDocument": {"title": "Apples", "year": 2020}}}
            ],
            "rerankingConfiguration": {
                "type": "BEDROCK_RERANKING_MODEL",
                "bedrockRerankingConfiguration": {
                    "numberOfResults": 3,
                    "modelConfiguration": {"modelArn": arn, "additionalModelRequestFields": {"k": 1}}
                }
            }
        })
    );
}

#[test]
fn bad_requests_name_the_field() {
    let arn = "arn";
    for (v, param) in [
        (json!({"query": " ", "documents": ["a"]}), "query"),
        (json!({"query": "q", "documents": []}), "documents"),
        (
            json!({"query": "q", "documents": ["a"], "top_n": 0}),
            "top_n",
        ),
        (
            json!({"query": "q", "documents": ["a"], "additionalModelRequestFields": 3}),
            "additionalModelRequestFields",
        ),
    ] {
        let e = rerank_request(&req(v.clone()), arn).unwrap_err();
        assert_eq!(e.param.as_deref(), Some(param), "{v}");
    }
    let many: Vec<String> = (0..1001).map(|i| i.to_string()).collect();
    let e = rerank_request(&req(json!({"query": "q", "documents": many})), arn).unwrap_err();
    assert!(e.message.contains("1 to 1000"), "{}", e.message);
}

#[test]
fn golden_response_with_and_without_documents() {
    let answer = br#"{"results":[{"index":1,"relevanceScore":0.9,"document":{"type":"TEXT","textDocument":{"text":"an apple"}}},{"index":2,"relevanceScore":0.25},{"index":0,"relevanceScore":0.0}]}"#;
    let mut r =
        req(json!({"query": "q", "documents": ["a pear", "an apple", {"title": "Apples"}]}));
    let out: Value =
        serde_json::from_slice(&rerank_response(answer, &r, "rerank-1".into()).unwrap()).unwrap();
    assert_eq!(
        out,
        json!({"id": "rerank-1", "results": [
            {"index": 1, "relevance_score": 0.9},
            {"index": 2, "relevance_score": 0.25},
            {"index": 0, "relevance_score": 0.0}
        ]})
    );
    r.return_documents = Some(true);
    let out: Value =
        serde_json::from_slice(&rerank_response(answer, &r, "rerank-1".into()).unwrap()).unwrap();
    assert_eq!(out["results"][0]["document"], json!({"text": "an apple"}));
    assert_eq!(out["results"][1]["document"], json!({"title": "Apples"}));

    let err = rerank_response(
        br#"{"results":[{"index":9,"relevanceScore":1}]}"#,
        &r,
        "x".into(),
    )
    .unwrap_err();
    assert!(err.0.contains("document 9 of 3"), "{err}");
    assert!(rerank_response(b"{}", &r, "x".into()).is_err());
}
