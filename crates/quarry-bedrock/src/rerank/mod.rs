//! Rerank over bedrock-agent-runtime `Rerank` (bedrock-wire §6.8): a Cohere / Jina-style
//! request → the Rerank body, and Bedrock's ranked results → `{id, results: [{index,
//! relevance_score, document?}]}`.
//!
//! Decisions worth knowing:
//! - The model becomes `arn:aws:bedrock:{region}::foundation-model/{model}`; an ARN is sent
//!   as given.
//! - A string document, or an object with a string `text`, is a `TEXT` source; any other
//!   object is a `JSON` source.
//! - `top_n` is `numberOfResults`, capped at the number of documents; absent means all.
//! - `return_documents` defaults to false (Cohere's v2 API); returned documents are the
//!   request's own (`{"text": …}` for strings), not Bedrock's echo.
//! - `additionalModelRequestFields` (top-level or `extra_body`) passes through.

#[cfg(test)]
mod tests;

use quarry_openai::rerank::{RerankDocument, RerankRequest, RerankResponse, RerankResult};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::chat::TranslateError;
use crate::invoke::{BadResponse, Extras};

/// Bedrock's limit on sources per call.
pub const MAX_DOCUMENTS: usize = 1000;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RerankBody<'a> {
    queries: [Query<'a>; 1],
    sources: Vec<Source<'a>>,
    reranking_configuration: RerankingConfiguration<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Query<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    text_query: Text<'a>,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Source<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    inline_document_source: InlineDocument<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InlineDocument<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    text_document: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    json_document: Option<&'a Map<String, Value>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RerankingConfiguration<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    bedrock_reranking_configuration: BedrockReranking<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BedrockReranking<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    number_of_results: Option<u32>,
    model_configuration: ModelConfiguration<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ModelConfiguration<'a> {
    model_arn: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    additional_model_request_fields: Option<&'a Map<String, Value>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RerankAnswer {
    results: Vec<RankedSource>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RankedSource {
    index: usize,
    relevance_score: f64,
}

/// The foundation-model ARN of `model` in `region` (an ARN is returned unchanged).
pub fn model_arn(model: &str, region: &str) -> String {
    if model.starts_with("arn:") {
        model.to_owned()
    } else {
        format!("arn:aws:bedrock:{region}::foundation-model/{model}")
    }
}

/// The Rerank body for `req` with the reranking model `model_arn`.
pub fn rerank_request(req: &RerankRequest, model_arn: &str) -> Result<Vec<u8>, TranslateError> {
    if req.query.trim().is_empty() {
        return Err(TranslateError::at("query", "query must not be empty"));
    }
    if req.documents.is_empty() || req.documents.len() > MAX_DOCUMENTS {
        return Err(TranslateError::at(
            "documents",
            format!(
                "documents must have 1 to {MAX_DOCUMENTS} items, got {}",
                req.documents.len()
            ),
        ));
    }
    let number_of_results = match req.top_n {
        None => None,
        Some(0) => return Err(TranslateError::at("top_n", "top_n must be at least 1")),
        Some(n) => Some(n.min(u32::try_from(req.documents.len()).unwrap_or(u32::MAX))),
    };
    let extras = Extras::new(&req.extra)?;
    let additional = match extras.get("additionalModelRequestFields") {
        None => None,
        Some((Value::Object(o), _)) => Some(o),
        Some((_, path)) => {
            return Err(TranslateError::at(
                path,
                "additionalModelRequestFields must be an object",
            ))
        }
    };
    let sources = req
        .documents
        .iter()
        .map(|doc| {
            let inline_document_source = match (doc.text(), doc) {
                (Some(text), _) => InlineDocument {
                    kind: "TEXT",
                    text_document: Some(Text { text }),
                    json_document: None,
                },
                (None, RerankDocument::Object(object)) => InlineDocument {
                    kind: "JSON",
                    text_document: None,
                    json_document: Some(object),
                },
                // A string document always has text.
                (None, RerankDocument::Text(text)) => InlineDocument {
                    kind: "TEXT",
                    text_document: Some(Text { text }),
                    json_document: None,
                },
            };
            Source {
                kind: "INLINE",
                inline_document_source,
            }
        })
        .collect();
    let body = RerankBody {
        queries: [Query {
            kind: "TEXT",
            text_query: Text { text: &req.query },
        }],
        sources,
        reranking_configuration: RerankingConfiguration {
            kind: "BEDROCK_RERANKING_MODEL",
            bedrock_reranking_configuration: BedrockReranking {
                number_of_results,
                model_configuration: ModelConfiguration {
                    model_arn,
                    additional_model_request_fields: additional,
                },
            },
        },
    };
    serde_json::to_vec(&body).map_err(|e| TranslateError {
        message: format!("could not encode the Rerank body: {e}"),
        param: None,
    })
}

/// The client's answer from Bedrock's Rerank answer, in Bedrock's order (best first).
pub fn rerank_response(
    body: &[u8],
    req: &RerankRequest,
    id: String,
) -> Result<Vec<u8>, BadResponse> {
    let answer: RerankAnswer = serde_json::from_slice(body)
        .map_err(|e| BadResponse(format!("Bedrock returned an unreadable Rerank answer: {e}")))?;
    let with_documents = req.return_documents.unwrap_or(false);
    let results = answer
        .results
        .into_iter()
        .map(|r| {
            let doc = req.documents.get(r.index).ok_or_else(|| {
                BadResponse(format!(
                    "Bedrock ranked document {} of {}",
                    r.index,
                    req.documents.len()
                ))
            })?;
            let document = with_documents.then(|| match doc {
                RerankDocument::Text(text) => serde_json::json!({ "text": text }),
                RerankDocument::Object(object) => Value::Object(object.clone()),
            });
            Ok(RerankResult {
                index: r.index,
                relevance_score: r.relevance_score,
                document,
            })
        })
        .collect::<Result<Vec<_>, BadResponse>>()?;
    serde_json::to_vec(&RerankResponse {
        id,
        results,
        usage: None,
    })
    .map_err(|e| BadResponse(format!("could not encode the rerank answer: {e}")))
}
