//! Cohere Embed v3 (`cohere.embed-english-v3`, `cohere.embed-multilingual-v3`: 1024
//! components) and v4 (`cohere.embed-v4:0`: `output_dimension` 256/512/1024/1536, default
//! 1536, and mixed `inputs`). Vectors are normalised; `embedding_types` switches the response
//! from `embeddings_floats` to `embeddings_by_type`.

use serde_json::{json, Map, Value};

use super::schema::{self, at, malformed};
use super::{vector, Invoked};
use crate::error::ApiError;
use crate::hash::{uuid, Fnv};
use crate::text::count_words;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Version {
    V3,
    V4,
}

const INPUT_TYPES: [&str; 5] = [
    "search_document",
    "search_query",
    "classification",
    "clustering",
    "image",
];
const EMBEDDING_TYPES: [&str; 5] = ["float", "int8", "uint8", "binary", "ubinary"];
const MAX_ITEMS: usize = 96;
const V3_MAX_TEXT_CHARS: usize = 2048;

/// What gets embedded: one entry per text, image or input, with its token count.
struct Item {
    seed: Vec<u8>,
    tokens: u64,
}

fn items(root: &schema::Object, version: Version) -> Result<Vec<Item>, ApiError> {
    let present: Vec<&str> = ["texts", "images", "inputs"]
        .into_iter()
        .filter(|k| root.contains_key(*k))
        .collect();
    if present.len() != 1 || (version == Version::V3 && present == ["inputs"]) {
        return Err(malformed(
            "#: exactly one of [texts, images] (and on v4 [inputs]) must be provided",
        ));
    }
    let key = present[0];
    let list = schema::as_array(&root[key], &at("#", key))?;
    if list.is_empty() || list.len() > MAX_ITEMS {
        return Err(malformed(format!(
            "#/{key}: expected between 1 and {MAX_ITEMS} items, found: {}",
            list.len()
        )));
    }
    if version == Version::V3 && key == "images" && list.len() > 1 {
        return Err(malformed("#/images: expected maximum item count: 1"));
    }
    list.iter()
        .enumerate()
        .map(|(i, item)| {
            let path = format!("#/{key}/{i}");
            match key {
                "texts" => {
                    let text = schema::as_str(item, &path)?;
                    if version == Version::V3 {
                        schema::length(text, 0, V3_MAX_TEXT_CHARS, &path)?;
                    }
                    Ok(Item {
                        seed: text.as_bytes().to_vec(),
                        tokens: count_words(text),
                    })
                }
                "images" => Ok(Item {
                    seed: schema::as_str(item, &path)?.as_bytes().to_vec(),
                    tokens: 1,
                }),
                _ => {
                    let input = schema::as_object(item, &path)?;
                    let content = schema::as_array(
                        schema::required(input, "content", &path)?,
                        &at(&path, "content"),
                    )?;
                    let tokens = content
                        .iter()
                        .map(|c| c.get("text").and_then(Value::as_str).map_or(1, count_words))
                        .sum();
                    Ok(Item {
                        seed: serde_json::to_vec(content).unwrap_or_default(),
                        tokens,
                    })
                }
            }
        })
        .collect()
}

pub(crate) fn embed(body: &Value, version: Version) -> Result<Invoked, ApiError> {
    let root = schema::root(body)?;
    let mut allowed = vec![
        "texts",
        "images",
        "input_type",
        "truncate",
        "embedding_types",
    ];
    if version == Version::V4 {
        allowed.extend(["inputs", "output_dimension", "max_tokens"]);
    }
    schema::only(root, &allowed, "#")?;
    let input_type = schema::req_str(root, "input_type", "#")?;
    schema::one_of(input_type, &INPUT_TYPES, "#/input_type")?;
    if let Some(truncate) = schema::opt_str(root, "truncate", "#")? {
        let options: &[&str] = match version {
            Version::V3 => &["NONE", "START", "END"],
            Version::V4 => &["NONE", "LEFT", "RIGHT"],
        };
        schema::one_of(truncate, options, "#/truncate")?;
    }
    let dimensions = match (version, schema::opt_i64(root, "output_dimension", "#")?) {
        (Version::V3, _) => 1024,
        (Version::V4, None) => 1536,
        (Version::V4, Some(d)) => schema::one_of(d, &[256, 512, 1024, 1536], "#/output_dimension")?,
    };
    let types = match root.get("embedding_types") {
        None => None,
        Some(list) => {
            let list = schema::as_array(list, "#/embedding_types")?;
            let mut types = Vec::with_capacity(list.len());
            for (i, t) in list.iter().enumerate() {
                let path = format!("#/embedding_types/{i}");
                types.push(schema::one_of(
                    schema::as_str(t, &path)?,
                    &EMBEDDING_TYPES,
                    &path,
                )?);
            }
            Some(types)
        }
    };
    let items = items(root, version)?;
    let dimensions = usize::try_from(dimensions).unwrap_or(1024);
    let vectors: Vec<Vec<f64>> = items
        .iter()
        .map(|item| vector::normalized(vector::raw(&item.seed, dimensions)))
        .collect();

    let id = uuid(
        Fnv::new()
            .field(&serde_json::to_vec(body).unwrap_or_default())
            .finish(),
    );
    let mut out = Map::new();
    out.insert("id".into(), id.into());
    match types {
        None => {
            out.insert("response_type".into(), "embeddings_floats".into());
            let floats: Vec<Vec<f32>> = vectors.iter().map(|v| vector::floats(v)).collect();
            out.insert("embeddings".into(), json!(floats));
        }
        Some(types) => {
            out.insert("response_type".into(), "embeddings_by_type".into());
            let mut by_type = Map::new();
            for t in types {
                let values: Vec<Value> = vectors
                    .iter()
                    .map(|v| match t {
                        "float" => json!(vector::floats(v)),
                        "int8" => json!(vector::int8(v)),
                        "uint8" => json!(vector::uint8(v)),
                        "binary" => json!(vector::packed(v, true)),
                        _ => json!(vector::packed(v, false)),
                    })
                    .collect();
                by_type.insert(t.to_owned(), Value::Array(values));
            }
            out.insert("embeddings".into(), Value::Object(by_type));
        }
    }
    if let Some(texts) = root.get("texts") {
        out.insert("texts".into(), texts.clone());
    }
    let tokens = items.iter().map(|i| i.tokens).sum();
    Ok(Invoked::json(&Value::Object(out), tokens))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn body(invoked: Invoked) -> Value {
        serde_json::from_slice(&invoked.body).unwrap()
    }

    #[test]
    fn floats_by_default_one_vector_per_text() {
        let out = body(
            embed(
                &json!({"texts": ["a b", "c"], "input_type": "search_document"}),
                Version::V3,
            )
            .unwrap(),
        );
        assert_eq!(out["response_type"], "embeddings_floats");
        let embeddings = out["embeddings"].as_array().unwrap();
        assert_eq!(embeddings.len(), 2);
        assert_eq!(embeddings[0].as_array().unwrap().len(), 1024);
        assert_eq!(out["texts"], json!(["a b", "c"]));
        assert_eq!(out["id"].as_str().unwrap().len(), 36);
    }

    #[test]
    fn by_type_and_v4_dimensions() {
        let out = body(
            embed(
                &json!({"texts": ["a"], "input_type": "search_query", "embedding_types": ["float", "int8", "ubinary"]}),
                Version::V4,
            )
            .unwrap(),
        );
        assert_eq!(out["response_type"], "embeddings_by_type");
        assert_eq!(
            out["embeddings"]["float"][0].as_array().unwrap().len(),
            1536
        );
        assert_eq!(out["embeddings"]["int8"][0].as_array().unwrap().len(), 1536);
        assert_eq!(
            out["embeddings"]["ubinary"][0].as_array().unwrap().len(),
            192
        );
        let out = body(
            embed(
                &json!({"inputs": [{"content": [{"type": "text", "text": "hi"}]}], "input_type": "search_query", "output_dimension": 256}),
                Version::V4,
            )
            .unwrap(),
        );
        assert_eq!(out["embeddings"][0].as_array().unwrap().len(), 256);
    }

    #[test]
    fn input_type_is_required_and_inputs_are_v4_only() {
        let missing = embed(&json!({"texts": ["a"]}), Version::V3).unwrap_err();
        assert!(missing
            .message
            .contains("required key [input_type] not found"));
        let v3_inputs = json!({"inputs": [{"content": []}], "input_type": "search_query"});
        assert!(embed(&v3_inputs, Version::V3).is_err());
        let both = json!({"texts": ["a"], "images": ["data:"], "input_type": "search_query"});
        assert!(embed(&both, Version::V3).is_err());
        let dims = json!({"texts": ["a"], "input_type": "search_query", "output_dimension": 100});
        assert!(embed(&dims, Version::V4).is_err());
    }
}
