//! Rerank (`POST /rerank`): one text query, 1 to 1000 inline sources, scored by shared query
//! words (see [`crate::text::rank`]) with `amazon.rerank-v1:0` or `cohere.rerank-v3-5:0`.

use http::Response;
use serde_json::{json, Value};

use super::{constraint, not_null};
use crate::body::ResponseBody;
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::faults::{self, Fault};
use crate::runtime::{json_response, parse_json};
use crate::text::rank;

const RERANK_MODELS: [&str; 2] = ["amazon.rerank-v1:0", "cohere.rerank-v3-5:0"];
const MAX_SOURCES: usize = 1000;

/// `arn:aws(-*):bedrock:{region}::foundation-model/{amazon.rerank-v1:0 | cohere.rerank-v3-5:0}`.
pub(crate) fn is_rerank_model_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [arn_literal, partition, service, region, account, resource] = parts[..] else {
        return false;
    };
    arn_literal == "arn"
        && (partition == "aws" || partition.starts_with("aws-"))
        && service == "bedrock"
        && !region.is_empty()
        && account.is_empty()
        && resource
            .strip_prefix("foundation-model/")
            .is_some_and(|model| RERANK_MODELS.contains(&model))
}

/// The text a source is scored on, and the document echoed in its result.
fn source(value: &Value, i: usize) -> Result<(String, Value), ApiError> {
    let at = format!("sources.{i}.member");
    if value.get("type").and_then(Value::as_str) != Some("INLINE") {
        return Err(constraint(
            value.get("type").and_then(Value::as_str).unwrap_or("null"),
            &format!("{at}.type"),
            "Member must satisfy enum value set: [INLINE]",
        ));
    }
    let document = value
        .get("inlineDocumentSource")
        .ok_or_else(|| not_null(&format!("{at}.inlineDocumentSource")))?;
    let text = match document.get("type").and_then(Value::as_str) {
        Some("TEXT") => document
            .pointer("/textDocument/text")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty() && t.chars().count() <= 32_000)
            .ok_or_else(|| {
                constraint(
                    "",
                    &format!("{at}.inlineDocumentSource.textDocument.text"),
                    "Member must have length between 1 and 32000",
                )
            })?
            .to_owned(),
        Some("JSON") => document
            .get("jsonDocument")
            .ok_or_else(|| not_null(&format!("{at}.inlineDocumentSource.jsonDocument")))?
            .to_string(),
        other => {
            return Err(constraint(
                other.unwrap_or("null"),
                &format!("{at}.inlineDocumentSource.type"),
                "Member must satisfy enum value set: [TEXT, JSON]",
            ))
        }
    };
    Ok((text, document.clone()))
}

pub(crate) fn handle(ctx: &Ctx<'_>) -> Result<Response<ResponseBody>, ApiError> {
    let body: Value = parse_json(ctx.body)?;
    let config = body
        .get("rerankingConfiguration")
        .ok_or_else(|| not_null("rerankingConfiguration"))?;
    let model_arn = config
        .pointer("/bedrockRerankingConfiguration/modelConfiguration/modelArn")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            not_null(
                "rerankingConfiguration.bedrockRerankingConfiguration.modelConfiguration.modelArn",
            )
        })?;
    if let Some(Fault::Error(error)) = faults::parse(model_arn) {
        return Err(error);
    }
    if config.get("type").and_then(Value::as_str) != Some("BEDROCK_RERANKING_MODEL") {
        return Err(constraint(
            config.get("type").and_then(Value::as_str).unwrap_or("null"),
            "rerankingConfiguration.type",
            "Member must satisfy enum value set: [BEDROCK_RERANKING_MODEL]",
        ));
    }
    if !is_rerank_model_arn(model_arn) {
        return Err(ApiError::validation(format!(
            "The model {model_arn} is not a supported reranking model. Use the foundation-model ARN of amazon.rerank-v1:0 or cohere.rerank-v3-5:0."
        )));
    }
    let queries = body
        .get("queries")
        .and_then(Value::as_array)
        .ok_or_else(|| not_null("queries"))?;
    if queries.len() != 1 {
        return Err(constraint(
            format!("[{} queries]", queries.len()),
            "queries",
            "Member must have length between 1 and 1",
        ));
    }
    let query = &queries[0];
    if query.get("type").and_then(Value::as_str) != Some("TEXT") {
        return Err(constraint(
            query.get("type").and_then(Value::as_str).unwrap_or("null"),
            "queries.1.member.type",
            "Member must satisfy enum value set: [TEXT]",
        ));
    }
    let query_text = query
        .pointer("/textQuery/text")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty() && t.chars().count() <= 32_000)
        .ok_or_else(|| {
            constraint(
                "",
                "queries.1.member.textQuery.text",
                "Member must have length between 1 and 32000",
            )
        })?;
    let sources = body
        .get("sources")
        .and_then(Value::as_array)
        .ok_or_else(|| not_null("sources"))?;
    if sources.is_empty() || sources.len() > MAX_SOURCES {
        return Err(constraint(
            format!("[{} sources]", sources.len()),
            "sources",
            "Member must have length between 1 and 1000",
        ));
    }
    let sources = sources
        .iter()
        .enumerate()
        .map(|(i, s)| source(s, i))
        .collect::<Result<Vec<_>, _>>()?;
    let wanted = match config.pointer("/bedrockRerankingConfiguration/numberOfResults") {
        None => sources.len(),
        Some(n) => match n.as_u64() {
            Some(n @ 1..=1000) => usize::try_from(n).unwrap_or(MAX_SOURCES),
            _ => {
                return Err(constraint(
                    n,
                    "rerankingConfiguration.bedrockRerankingConfiguration.numberOfResults",
                    "Member must have value between 1 and 1000",
                ))
            }
        },
    };
    let results: Vec<Value> = rank(query_text, sources.iter().map(|(t, _)| t.as_str()))
        .into_iter()
        .take(wanted)
        .map(|(index, score)| {
            json!({"index": index, "relevanceScore": score, "document": sources[index].1})
        })
        .collect();
    Ok(json_response(&json!({"results": results})))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_foundation_model_arns_of_rerank_models() {
        assert!(is_rerank_model_arn(
            "arn:aws:bedrock:us-west-2::foundation-model/amazon.rerank-v1:0"
        ));
        assert!(is_rerank_model_arn(
            "arn:aws:bedrock:us-east-1::foundation-model/cohere.rerank-v3-5:0"
        ));
        for bad in [
            "amazon.rerank-v1:0",
            "arn:aws:bedrock:us-west-2::foundation-model/amazon.titan-embed-text-v2:0",
            "arn:aws:bedrock:us-west-2:123456789012:foundation-model/amazon.rerank-v1:0",
            "arn:aws:s3:us-west-2::foundation-model/amazon.rerank-v1:0",
        ] {
            assert!(!is_rerank_model_arn(bad), "{bad}");
        }
    }
}
