//! Amazon Nova Multimodal Embeddings (`amazon.nova-2-multimodal-embeddings-v1:0`) on
//! InvokeModel: `SINGLE_EMBEDDING` of one text, image, audio or video input; the vector
//! (default 3072 components, normalised) is seeded with the text value or the media's JSON.

use serde_json::{json, Value};

use super::schema::{self, at, malformed};
use super::{vector, Invoked};
use crate::error::ApiError;
use crate::text::count_words;

const SCHEMA_VERSION: &str = "nova-multimodal-embed-v1";
const PURPOSES: [&str; 9] = [
    "GENERIC_INDEX",
    "GENERIC_RETRIEVAL",
    "TEXT_RETRIEVAL",
    "IMAGE_RETRIEVAL",
    "VIDEO_RETRIEVAL",
    "DOCUMENT_RETRIEVAL",
    "AUDIO_RETRIEVAL",
    "CLASSIFICATION",
    "CLUSTERING",
];
const DIMENSIONS: [i64; 4] = [256, 384, 1024, 3072];
const MEDIA: [&str; 4] = ["text", "image", "audio", "video"];

pub(crate) fn embed(body: &Value) -> Result<Invoked, ApiError> {
    let root = schema::root(body)?;
    schema::only(
        root,
        &["schemaVersion", "taskType", "singleEmbeddingParams"],
        "#",
    )?;
    let version = schema::req_str(root, "schemaVersion", "#")?;
    schema::one_of(version, &[SCHEMA_VERSION], "#/schemaVersion")?;
    let task = schema::req_str(root, "taskType", "#")?;
    if task == "SEGMENTED_EMBEDDING" {
        return Err(ApiError::validation(
            "SEGMENTED_EMBEDDING is only supported through StartAsyncInvoke.",
        ));
    }
    schema::one_of(task, &["SINGLE_EMBEDDING"], "#/taskType")?;
    let path = "#/singleEmbeddingParams";
    let params = schema::as_object(schema::required(root, "singleEmbeddingParams", "#")?, path)?;
    let purpose = schema::req_str(params, "embeddingPurpose", path)?;
    schema::one_of(purpose, &PURPOSES, &at(path, "embeddingPurpose"))?;
    let dimensions = match schema::opt_i64(params, "embeddingDimension", path)? {
        Some(d) => schema::one_of(d, &DIMENSIONS, &at(path, "embeddingDimension"))?,
        None => 3072,
    };
    let media: Vec<&str> = MEDIA
        .into_iter()
        .filter(|m| params.contains_key(*m))
        .collect();
    let [kind] = media[..] else {
        return Err(malformed(format!(
            "{path}: exactly one of [text, image, audio, video] must be provided"
        )));
    };
    let input = schema::as_object(&params[kind], &at(path, kind))?;
    let (seed, tokens, embedding_types) = match kind {
        "text" => {
            let text_path = at(path, "text");
            let mode = schema::req_str(input, "truncationMode", &text_path)?;
            schema::one_of(
                mode,
                &["START", "END", "NONE"],
                &at(&text_path, "truncationMode"),
            )?;
            match (input.get("value"), input.get("source")) {
                (Some(value), None) => {
                    let text = schema::as_str(value, &at(&text_path, "value"))?;
                    schema::length(text, 1, 50_000, &at(&text_path, "value"))?;
                    (text.as_bytes().to_vec(), count_words(text), vec!["TEXT"])
                }
                (None, Some(source)) => (source.to_string().into_bytes(), 1, vec!["TEXT"]),
                _ => {
                    return Err(malformed(format!(
                        "{text_path}: exactly one of [value, source] must be provided"
                    )))
                }
            }
        }
        "video" => {
            let separate =
                input.get("embeddingMode").and_then(Value::as_str) == Some("AUDIO_VIDEO_SEPARATE");
            let types = if separate {
                vec!["VIDEO", "AUDIO"]
            } else {
                vec!["AUDIO_VIDEO_COMBINED"]
            };
            (
                Value::Object(input.clone()).to_string().into_bytes(),
                1,
                types,
            )
        }
        "image" => (
            Value::Object(input.clone()).to_string().into_bytes(),
            1,
            vec!["IMAGE"],
        ),
        _ => (
            Value::Object(input.clone()).to_string().into_bytes(),
            1,
            vec!["AUDIO"],
        ),
    };
    let dimensions = usize::try_from(dimensions).unwrap_or(3072);
    let embeddings: Vec<Value> = embedding_types
        .iter()
        .map(|t| {
            let mut input = seed.clone();
            if embedding_types.len() > 1 {
                input.extend_from_slice(t.as_bytes());
            }
            let values = vector::normalized(vector::raw(&input, dimensions));
            json!({"embeddingType": t, "embedding": vector::floats(&values)})
        })
        .collect();
    Ok(Invoked::json(&json!({"embeddings": embeddings}), tokens))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn request(params: Value) -> Value {
        json!({"schemaVersion": SCHEMA_VERSION, "taskType": "SINGLE_EMBEDDING", "singleEmbeddingParams": params})
    }

    #[test]
    fn text_embeddings() {
        let invoked = embed(&request(json!({
            "embeddingPurpose": "GENERIC_INDEX", "embeddingDimension": 256,
            "text": {"truncationMode": "END", "value": "hello world"}
        })))
        .unwrap();
        assert_eq!(invoked.input_tokens, 2);
        let out: Value = serde_json::from_slice(&invoked.body).unwrap();
        assert_eq!(out["embeddings"][0]["embeddingType"], "TEXT");
        assert_eq!(
            out["embeddings"][0]["embedding"].as_array().unwrap().len(),
            256
        );
        let default = embed(&request(json!({
            "embeddingPurpose": "GENERIC_INDEX", "text": {"truncationMode": "END", "value": "x"}
        })))
        .unwrap();
        let out: Value = serde_json::from_slice(&default.body).unwrap();
        assert_eq!(
            out["embeddings"][0]["embedding"].as_array().unwrap().len(),
            3072
        );
    }

    #[test]
    fn bad_requests() {
        for bad in [
            request(
                json!({"embeddingPurpose": "NOPE", "text": {"truncationMode": "END", "value": "x"}}),
            ),
            request(
                json!({"embeddingPurpose": "GENERIC_INDEX", "embeddingDimension": 5, "text": {"truncationMode": "END", "value": "x"}}),
            ),
            request(json!({"embeddingPurpose": "GENERIC_INDEX"})),
            json!({"taskType": "SINGLE_EMBEDDING"}),
        ] {
            assert!(embed(&bad).is_err(), "{bad}");
        }
    }
}
