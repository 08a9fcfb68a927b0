//! `POST /v1/rerank` in the Cohere / Jina shape (OpenAI has no rerank API): `model`, `query`,
//! `documents` (strings or objects with `text`), `top_n`, `return_documents` in; `{id,
//! results: [{index, relevance_score, document?}]}` out.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A rerank request. Unknown fields land in `extra`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct RerankRequest {
    #[serde(default)]
    pub model: Option<String>,
    pub query: String,
    pub documents: Vec<RerankDocument>,
    #[serde(default)]
    pub top_n: Option<u32>,
    #[serde(default)]
    pub return_documents: Option<bool>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A document: a string, or an object (its `text` is the text when it has one).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum RerankDocument {
    Text(String),
    Object(Map<String, Value>),
}

impl RerankDocument {
    /// The document's text: the string, or an object's string `text` member.
    pub fn text(&self) -> Option<&str> {
        match self {
            Self::Text(t) => Some(t),
            Self::Object(o) => o.get("text").and_then(Value::as_str),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RerankResponse {
    pub id: String,
    pub results: Vec<RerankResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<Value>,
}

/// One ranked document, best first; `index` is its position in the request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RerankResult {
    pub index: usize,
    pub relevance_score: f64,
    /// `{"text": …}` for a text document, the object as sent otherwise; only with
    /// `return_documents`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<Value>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use serde_json::json;

    #[test]
    fn documents_as_strings_or_objects() {
        let req: RerankRequest = serde_json::from_value(json!({
            "model": "cohere.rerank-v3-5:0", "query": "q",
            "documents": ["plain", {"text": "obj", "id": 3}, {"title": "no text"}],
            "top_n": 2, "return_documents": true
        }))
        .unwrap();
        let texts: Vec<Option<&str>> = req.documents.iter().map(RerankDocument::text).collect();
        assert_eq!(texts, [Some("plain"), Some("obj"), None]);
        assert_eq!(req.top_n, Some(2));
        assert!(serde_json::from_value::<RerankRequest>(json!({"query": "q"})).is_err());
    }

    #[test]
    fn response_omits_absent_documents_and_usage() {
        let response = RerankResponse {
            id: "rerank-1".into(),
            results: vec![RerankResult {
                index: 1,
                relevance_score: 0.5,
                document: None,
            }],
            usage: None,
        };
        assert_eq!(
            serde_json::to_value(&response).unwrap(),
            json!({"id": "rerank-1", "results": [{"index": 1, "relevance_score": 0.5}]})
        );
    }
}
