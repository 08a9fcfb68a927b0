#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Golden request/response pairs per family, fan-out order, dimensions and base64.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use quarry_openai::embeddings::{EmbeddingRequest, EncodingFormat};
use serde_json::{json, Value};

use super::*;

fn request(v: Value) -> EmbeddingRequest {
    serde_json::from_value(v).unwrap()
}

fn bodies(plan: &EmbeddingPlan) -> Vec<Value> {
    plan.bodies
        .iter()
        .map(|b| serde_json::from_slice(b).unwrap())
        .collect()
}

fn plan(v: Value, model: &str) -> EmbeddingPlan {
    plan_embeddings(&request(v), &EmbeddingDefaults::default(), model).unwrap()
}

fn refused(v: Value, defaults: &EmbeddingDefaults, model: &str) -> (String, String) {
    let e = plan_embeddings(&request(v), defaults, model).unwrap_err();
    (e.param.unwrap_or_default(), e.message)
}

#[test]
fn titan_v2_fans_out_one_body_per_input_in_order() {
    let p = plan(
        json!({"input": ["first", "second", "third"], "dimensions": 256}),
        "us.amazon.titan-embed-text-v2:0",
    );
    assert_eq!(p.family, EmbeddingFamily::TitanV2);
    assert_eq!(p.inputs, 3);
    assert_eq!(p.encoding, EncodingFormat::Float);
    assert_eq!(
        bodies(&p),
        [
            json!({"inputText": "first", "dimensions": 256, "normalize": false}),
            json!({"inputText": "second", "dimensions": 256, "normalize": false}),
            json!({"inputText": "third", "dimensions": 256, "normalize": false}),
        ]
    );
}

#[test]
fn titan_v2_normalize_from_route_then_request() {
    let defaults = EmbeddingDefaults {
        normalize: true,
        dimensions: Some(512),
        ..Default::default()
    };
    let p = plan_embeddings(
        &request(json!({"input": "x"})),
        &defaults,
        "amazon.titan-embed-text-v2:0",
    )
    .unwrap();
    assert_eq!(
        bodies(&p),
        [json!({"inputText": "x", "dimensions": 512, "normalize": true})]
    );
    let p = plan_embeddings(
        &request(json!({"input": "x", "extra_body": {"normalize": false}, "dimensions": 1024})),
        &defaults,
        "amazon.titan-embed-text-v2:0",
    )
    .unwrap();
    assert_eq!(
        bodies(&p),
        [json!({"inputText": "x", "dimensions": 1024, "normalize": false})]
    );
}

#[test]
fn titan_v1_sends_only_the_text() {
    let p = plan(
        json!({"input": "hello", "dimensions": 1536, "encoding_format": "base64", "user": "u"}),
        "amazon.titan-embed-text-v1",
    );
    assert_eq!(bodies(&p), [json!({"inputText": "hello"})]);
    assert_eq!(p.encoding, EncodingFormat::Base64);
}

#[test]
fn cohere_batches_96_with_input_type_and_embedding_types_array() {
    let texts: Vec<String> = (0..200).map(|i| format!("t{i}")).collect();
    let p = plan(
        json!({"input": texts, "encoding_format": "float"}),
        "cohere.embed-english-v3",
    );
    let b = bodies(&p);
    assert_eq!(b.len(), 3);
    assert_eq!(b[0]["texts"].as_array().unwrap().len(), 96);
    assert_eq!(b[1]["texts"][0], "t96");
    assert_eq!(b[2]["texts"].as_array().unwrap().len(), 8);
    assert_eq!(b[2]["texts"][7], "t199");
    assert_eq!(
        b[0].as_object().unwrap().keys().collect::<Vec<_>>(),
        ["embedding_types", "input_type", "texts"]
    );
    assert_eq!(b[0]["input_type"], "classification");
    assert_eq!(b[0]["embedding_types"], json!(["float"]));
}

#[test]
fn cohere_input_type_request_beats_route_beats_default() {
    let route = EmbeddingDefaults {
        cohere_input_type: Some("search_document".into()),
        ..Default::default()
    };
    let model = "eu.cohere.embed-v4:0";
    let from_route = plan_embeddings(&request(json!({"input": "a"})), &route, model).unwrap();
    assert_eq!(bodies(&from_route)[0]["input_type"], "search_document");
    let from_request = plan_embeddings(
        &request(
            json!({"input": "a", "input_type": "search_query", "dimensions": 512,
                        "extra_body": {"truncate": "RIGHT"}}),
        ),
        &route,
        model,
    )
    .unwrap();
    assert_eq!(
        bodies(&from_request)[0],
        json!({"texts": ["a"], "input_type": "search_query", "truncate": "RIGHT",
               "embedding_types": ["float"], "output_dimension": 512})
    );
}

#[test]
fn nova_text_embedding_body() {
    let p = plan(
        json!({"input": ["a b"], "dimensions": 384}),
        "amazon.nova-2-multimodal-embeddings-v1:0",
    );
    assert_eq!(
        bodies(&p),
        [json!({
            "schemaVersion": "nova-multimodal-embed-v1",
            "taskType": "SINGLE_EMBEDDING",
            "singleEmbeddingParams": {
                "embeddingPurpose": "GENERIC_INDEX",
                "embeddingDimension": 384,
                "text": {"truncationMode": "END", "value": "a b"}
            }
        })]
    );
}

#[test]
fn dimensions_outside_the_model_are_refused_with_the_allowed_values() {
    let none = EmbeddingDefaults::default();
    let cases = [
        (
            "amazon.titan-embed-text-v2:0",
            300,
            "use one of 1024, 512, 256",
        ),
        (
            "amazon.titan-embed-text-v1",
            256,
            "always returns 1536 dimensions",
        ),
        (
            "cohere.embed-english-v3",
            512,
            "always returns 1024 dimensions",
        ),
        ("cohere.embed-v4:0", 3072, "1536, 1024, 512, 256"),
        (
            "amazon.nova-2-multimodal-embeddings-v1:0",
            512,
            "3072, 1024, 384, 256",
        ),
    ];
    for (model, dims, expected) in cases {
        let (param, message) = refused(json!({"input": "x", "dimensions": dims}), &none, model);
        assert_eq!(param, "dimensions", "{model}");
        assert!(message.contains(expected), "{model}: {message}");
    }
    let route = EmbeddingDefaults {
        dimensions: Some(100),
        ..Default::default()
    };
    let (param, message) = refused(
        json!({"input": "x"}),
        &route,
        "amazon.titan-embed-text-v2:0",
    );
    assert_eq!(param, "model.options.embeddings_dimensions");
    assert!(message.contains("100"), "{message}");
}

#[test]
fn token_arrays_empty_inputs_and_unknown_models_are_refused() {
    let none = EmbeddingDefaults::default();
    let model = "amazon.titan-embed-text-v2:0";
    let (param, message) = refused(json!({"input": [1, 2, 3]}), &none, model);
    assert_eq!(param, "input");
    assert!(
        message.contains("an array of token IDs is not supported"),
        "{message}"
    );
    let (_, message) = refused(json!({"input": [[1], [2]]}), &none, model);
    assert!(message.contains("an array of token arrays"), "{message}");
    let (_, message) = refused(json!({"input": []}), &none, model);
    assert_eq!(message, "input must not be empty");
    let (param, message) = refused(json!({"input": "x"}), &none, "anthropic.claude-v2");
    assert_eq!(param, "model");
    assert!(message.contains("not an embeddings model"), "{message}");
    let (param, _) = refused(
        json!({"input": "x", "extra_body": {"normalize": "yes"}}),
        &none,
        model,
    );
    assert_eq!(param, "extra_body.normalize");
}

fn parse_all(family: EmbeddingFamily, answers: &[(&str, Option<u64>)]) -> (Vec<String>, u64) {
    let mut vectors = Vec::new();
    let mut tokens = 0;
    for (body, header) in answers {
        tokens += parse_embeddings_call(family, body.as_bytes(), *header, &mut vectors).unwrap();
    }
    (vectors.iter().map(|v| (*v).to_owned()).collect(), tokens)
}

#[test]
fn titan_answers_keep_plan_order_and_sum_usage() {
    let answers = [
        (
            r#"{"embedding":[0.1,0.2],"inputTextTokenCount":1,"embeddingsByType":{"float":[0.1,0.2]}}"#,
            Some(99),
        ),
        (r#"{"embedding":[0.3,-0.4],"inputTextTokenCount":2}"#, None),
        (r#"{"embedding":[5e-3,6],"inputTextTokenCount":4}"#, None),
    ];
    let (vectors, tokens) = parse_all(EmbeddingFamily::TitanV2, &answers);
    assert_eq!(vectors, ["[0.1,0.2]", "[0.3,-0.4]", "[5e-3,6]"]);
    assert_eq!(tokens, 7, "the body's count wins over the header");

    let refs: Vec<&str> = vectors.iter().map(String::as_str).collect();
    let out = embeddings_response(
        "amazon.titan-embed-text-v2:0",
        EncodingFormat::Float,
        &refs,
        7,
    )
    .unwrap();
    assert_eq!(
        std::str::from_utf8(&out).unwrap(),
        r#"{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,0.2]},{"object":"embedding","index":1,"embedding":[0.3,-0.4]},{"object":"embedding","index":2,"embedding":[5e-3,6]}],"model":"amazon.titan-embed-text-v2:0","usage":{"prompt_tokens":7,"total_tokens":7}}"#
    );
}

#[test]
fn cohere_answers_by_type_or_floats_with_usage_from_meta_or_header() {
    let by_type = r#"{"id":"x","response_type":"embeddings_by_type","embeddings":{"float":[[1,2],[3,4]],"int8":[[1,2],[3,4]]},"texts":["a","b"]}"#;
    let (vectors, tokens) = parse_all(EmbeddingFamily::CohereV4, &[(by_type, Some(5))]);
    assert_eq!(vectors, ["[1,2]", "[3,4]"]);
    assert_eq!(tokens, 5);
    let floats = r#"{"id":"x","response_type":"embeddings_floats","embeddings":[[0.5]],"meta":{"billed_units":{"input_tokens":9}}}"#;
    let (vectors, tokens) = parse_all(EmbeddingFamily::CohereV3, &[(floats, Some(5))]);
    assert_eq!(vectors, ["[0.5]"]);
    assert_eq!(tokens, 9);
    let mut out = Vec::new();
    let err = parse_embeddings_call(
        EmbeddingFamily::CohereV3,
        br#"{"embeddings":{"int8":[[1]]}}"#,
        None,
        &mut out,
    )
    .unwrap_err();
    assert!(err.0.contains("no float embeddings"), "{err}");
}

#[test]
fn nova_answer_uses_the_header_for_usage() {
    let body = r#"{"embeddings":[{"embeddingType":"TEXT","embedding":[0.25,0.75]}]}"#;
    let (vectors, tokens) = parse_all(EmbeddingFamily::NovaMultimodal, &[(body, Some(3))]);
    assert_eq!(vectors, ["[0.25,0.75]"]);
    assert_eq!(tokens, 3);
}

#[test]
fn unreadable_answers_are_bad_responses() {
    for (family, body) in [
        (EmbeddingFamily::TitanV2, "not json"),
        (EmbeddingFamily::TitanV2, r#"{"embedding":"float"}"#),
        (EmbeddingFamily::NovaMultimodal, r#"{"embeddings":[]}"#),
        (EmbeddingFamily::CohereV3, r#"{"embeddings":["float"]}"#),
        (
            EmbeddingFamily::CohereV3,
            r#"{"embeddings":{"float":[[1,2]]}"#,
        ),
        (
            EmbeddingFamily::TitanV1,
            r#"{"embedding":[1,2],"inputTextTokenCount":"3"}"#,
        ),
        (EmbeddingFamily::TitanV1, r#"{"inputTextTokenCount":3}"#),
        (EmbeddingFamily::TitanV1, r#"{"embedding":[1,2]} trailing"#),
    ] {
        let mut out = Vec::new();
        let err = parse_embeddings_call(family, body.as_bytes(), None, &mut out).unwrap_err();
        assert!(
            err.0.starts_with("Bedrock returned an unreadable"),
            "{body}: {err}"
        );
    }
}

#[test]
fn base64_is_little_endian_f32_and_decodes_to_the_floats() {
    let text = "[0.1,-2.5,3.4028235e38,1e-45,0,-0.0123456789]";
    let out = embeddings_response("m", EncodingFormat::Base64, &[text], 1).unwrap();
    let json: Value = serde_json::from_slice(&out).unwrap();
    let encoded = json["data"][0]["embedding"].as_str().unwrap();
    let bytes = STANDARD.decode(encoded).unwrap();
    assert_eq!(bytes.len(), 6 * 4);
    let decoded: Vec<f32> = bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let expected: Vec<f32> = serde_json::from_str(text).unwrap();
    assert_eq!(decoded, expected);
    // 0.1f32 is 0x3DCCCCCD: little-endian bytes CD CC CC 3D.
    assert_eq!(&bytes[..4], &[0xCD, 0xCC, 0xCC, 0x3D]);
    assert_eq!(
        json["usage"],
        json!({"prompt_tokens": 1, "total_tokens": 1})
    );
    assert_eq!(json["object"], "list");
    assert_eq!(json["data"][0]["object"], "embedding");

    let mut scratch = Vec::new();
    assert!(le_f32_bytes(r#"[1,"x"]"#, &mut scratch).is_err());
    le_f32_bytes("[]", &mut scratch).unwrap();
    assert!(scratch.is_empty());
}
