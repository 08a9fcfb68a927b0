//! Rerank models on InvokeModel (`amazon.rerank-v1:0`, `cohere.rerank-v3-5:0`):
//! `{query, documents, top_n, api_version}` gives `{results: [{index, relevance_score}]}`,
//! scored by shared query words (see [`crate::text::rank`]).

use serde_json::{json, Value};

use super::schema::{self, malformed};
use super::Invoked;
use crate::error::ApiError;
use crate::text::{count_words, rank};

const MAX_DOCUMENTS: usize = 1000;

/// The text a document is scored on: itself, or the compact JSON of an object document.
pub(crate) fn document_text(document: &Value) -> String {
    match document {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

pub(crate) fn rerank(body: &Value) -> Result<Invoked, ApiError> {
    let root = schema::root(body)?;
    let query = schema::req_str(root, "query", "#")?;
    schema::length(query, 1, 32_000, "#/query")?;
    let documents = schema::as_array(schema::required(root, "documents", "#")?, "#/documents")?;
    if documents.is_empty() || documents.len() > MAX_DOCUMENTS {
        return Err(malformed(format!(
            "#/documents: expected between 1 and {MAX_DOCUMENTS} items, found: {}",
            documents.len()
        )));
    }
    if let Some(version) = schema::opt_i64(root, "api_version", "#")? {
        schema::one_of(version, &[2], "#/api_version")?;
    }
    let top_n = match schema::opt_i64(root, "top_n", "#")? {
        Some(n) => usize::try_from(schema::range(n, 1, MAX_DOCUMENTS as i64, "#/top_n")?)
            .unwrap_or(MAX_DOCUMENTS),
        None => documents.len(),
    };
    let texts: Vec<String> = documents.iter().map(document_text).collect();
    let results: Vec<Value> = rank(query, texts.iter().map(String::as_str))
        .into_iter()
        .take(top_n)
        .map(|(index, score)| json!({"index": index, "relevance_score": score}))
        .collect();
    let tokens = count_words(query) + texts.iter().map(|t| count_words(t)).sum::<u64>();
    Ok(Invoked::json(&json!({"results": results}), tokens))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn results_are_ranked_and_cut_to_top_n() {
        let invoked = rerank(&json!({
            "query": "capital of France",
            "documents": ["Berlin is in Germany", "Paris is the capital of France", {"title": "France"}],
            "top_n": 2, "api_version": 2
        }))
        .unwrap();
        let out: Value = serde_json::from_slice(&invoked.body).unwrap();
        assert_eq!(
            out,
            json!({"results": [{"index": 1, "relevance_score": 1.0}, {"index": 2, "relevance_score": 1.0 / 3.0}]})
        );
    }

    #[test]
    fn bad_bodies() {
        for bad in [
            json!({"documents": ["a"]}),
            json!({"query": "q", "documents": []}),
            json!({"query": "q", "documents": ["a"], "top_n": 0}),
            json!({"query": "q", "documents": ["a"], "api_version": 1}),
        ] {
            assert!(rerank(&bad).is_err(), "{bad}");
        }
    }
}
