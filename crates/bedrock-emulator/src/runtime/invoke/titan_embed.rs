//! Amazon Titan Text Embeddings v1 (`amazon.titan-embed-text-v1`, 1536 raw components) and v2
//! (`amazon.titan-embed-text-v2:0`: 256/512/1024 components, normalised by default, `float`
//! and/or `binary` outputs).

use serde_json::{json, Value};

use super::schema::{self, at, malformed};
use super::{vector, Invoked};
use crate::error::ApiError;
use crate::text::count_words;

const V1_DIMENSIONS: usize = 1536;
const V2_DIMENSIONS: [i64; 3] = [256, 512, 1024];
const MAX_INPUT_CHARS: usize = 50_000;

fn input_text(root: &schema::Object) -> Result<&str, ApiError> {
    let text = schema::req_str(root, "inputText", "#")?;
    schema::length(text, 1, MAX_INPUT_CHARS, "#/inputText")?;
    Ok(text)
}

pub(crate) fn v1(body: &Value) -> Result<Invoked, ApiError> {
    let root = schema::root(body)?;
    schema::only(root, &["inputText"], "#")?;
    let text = input_text(root)?;
    let tokens = count_words(text);
    let embedding = vector::floats(&vector::raw(text.as_bytes(), V1_DIMENSIONS));
    Ok(Invoked::json(
        &json!({"embedding": embedding, "inputTextTokenCount": tokens}),
        tokens,
    ))
}

pub(crate) fn v2(body: &Value) -> Result<Invoked, ApiError> {
    let root = schema::root(body)?;
    schema::only(
        root,
        &["inputText", "dimensions", "normalize", "embeddingTypes"],
        "#",
    )?;
    let text = input_text(root)?;
    let dimensions = match schema::opt_i64(root, "dimensions", "#")? {
        Some(d) => schema::one_of(d, &V2_DIMENSIONS, "#/dimensions")?,
        None => 1024,
    };
    let normalize = root
        .get("normalize")
        .map(|v| schema::as_bool(v, "#/normalize"))
        .transpose()?
        .unwrap_or(true);
    let mut types = Vec::new();
    match root.get("embeddingTypes") {
        None => types.push("float"),
        Some(list) => {
            for (i, t) in schema::as_array(list, "#/embeddingTypes")?
                .iter()
                .enumerate()
            {
                let path = at("#/embeddingTypes", &i.to_string());
                types.push(schema::one_of(
                    schema::as_str(t, &path)?,
                    &["float", "binary"],
                    &path,
                )?);
            }
            if types.is_empty() {
                return Err(malformed(
                    "#/embeddingTypes: expected minimum item count: 1, found: 0",
                ));
            }
        }
    }
    let raw = vector::raw(text.as_bytes(), usize::try_from(dimensions).unwrap_or(1024));
    let values = if normalize {
        vector::normalized(raw)
    } else {
        raw
    };
    let floats = vector::floats(&values);
    let mut by_type = serde_json::Map::new();
    if types.contains(&"float") {
        by_type.insert("float".into(), json!(floats));
    }
    if types.contains(&"binary") {
        by_type.insert("binary".into(), json!(vector::bits(&values)));
    }
    let tokens = count_words(text);
    Ok(Invoked::json(
        &json!({"embedding": floats, "inputTextTokenCount": tokens, "embeddingsByType": by_type}),
        tokens,
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn body(invoked: Invoked) -> Value {
        serde_json::from_slice(&invoked.body).unwrap()
    }

    #[test]
    fn v1_returns_1536_raw_floats() {
        let out = body(v1(&json!({"inputText": "hello there"})).unwrap());
        assert_eq!(out["embedding"].as_array().unwrap().len(), 1536);
        assert_eq!(out["inputTextTokenCount"], 2);
        assert!(out.get("embeddingsByType").is_none());
        assert!(v1(&json!({"inputText": "x", "dimensions": 256})).is_err());
    }

    #[test]
    fn v2_defaults_and_options() {
        let out = body(v2(&json!({"inputText": "hello"})).unwrap());
        let floats = out["embedding"].as_array().unwrap();
        assert_eq!(floats.len(), 1024);
        let norm: f64 = floats.iter().map(|v| v.as_f64().unwrap().powi(2)).sum();
        assert!((norm - 1.0).abs() < 1e-4);
        assert_eq!(out["embeddingsByType"]["float"], out["embedding"]);

        let out = body(
            v2(&json!({"inputText": "hello", "dimensions": 256, "embeddingTypes": ["binary"]}))
                .unwrap(),
        );
        assert_eq!(out["embedding"].as_array().unwrap().len(), 256);
        let bits = out["embeddingsByType"]["binary"].as_array().unwrap();
        assert_eq!(bits.len(), 256);
        assert!(out["embeddingsByType"].get("float").is_none());

        for bad in [
            json!({"inputText": "x", "dimensions": 100}),
            json!({"inputText": ""}),
            json!({"dimensions": 256}),
            json!({"inputText": "x", "embeddingTypes": ["int8"]}),
            json!({"inputText": "x", "normalize": "yes"}),
        ] {
            assert_eq!(
                v2(&bad).unwrap_err().code.name(),
                "ValidationException",
                "{bad}"
            );
        }
    }
}
