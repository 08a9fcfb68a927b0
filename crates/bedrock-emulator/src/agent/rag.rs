//! RetrieveAndGenerate (`POST /retrieveAndGenerate`): the request checks and the deterministic
//! answer shared with the streaming variant: `Emulated answer to: <input.text>`, one citation
//! covering the whole answer, and one emulated passage from the knowledge base or source.

use http::Response;
use serde_json::{json, Value};

use super::{constraint, not_null};
use crate::body::ResponseBody;
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::faults::{self, Fault};
use crate::hash::{uuid, Fnv};
use crate::model_id;
use crate::runtime::converse::guardrail::{mentions_trigger, BLOCKED_TEXT};
use crate::runtime::{json_response, parse_json};

pub(crate) const ANSWER_PREFIX: &str = "Emulated answer to: ";
pub(crate) const PASSAGE_PREFIX: &str = "Emulated passage for ";
pub(crate) const KB_DOCUMENT_URI: &str = "s3://emulator-kb/doc1.txt";

/// The answer to one request.
pub(crate) struct Answer {
    pub(crate) text: String,
    pub(crate) session_id: String,
    /// `{generatedResponsePart, retrievedReferences}`; `None` when a guardrail intervened.
    pub(crate) citation: Option<Value>,
    /// `INTERVENED` or `NONE` when a guardrail is configured.
    pub(crate) guardrail_action: Option<&'static str>,
    /// The fault selected by the model ARN, if any (stream faults only reach here).
    pub(crate) fault: Option<Fault>,
}

fn is_session_id(id: &str) -> bool {
    (2..=100).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
}

/// The retrieved reference for the configured knowledge base or external source.
fn reference(config: &Value) -> Result<(Value, &str), ApiError> {
    let kind = config.get("type").and_then(Value::as_str);
    match kind {
        Some("KNOWLEDGE_BASE") => {
            let kb = config.get("knowledgeBaseConfiguration").ok_or_else(|| {
                not_null("retrieveAndGenerateConfiguration.knowledgeBaseConfiguration")
            })?;
            let at = "retrieveAndGenerateConfiguration.knowledgeBaseConfiguration";
            let id = kb
                .get("knowledgeBaseId")
                .and_then(Value::as_str)
                .ok_or_else(|| not_null(&format!("{at}.knowledgeBaseId")))?;
            if id.is_empty() || id.len() > 10 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(constraint(
                    id,
                    &format!("{at}.knowledgeBaseId"),
                    "Member must satisfy regular expression pattern: ^[0-9a-zA-Z]+$",
                ));
            }
            let model = kb
                .get("modelArn")
                .and_then(Value::as_str)
                .ok_or_else(|| not_null(&format!("{at}.modelArn")))?;
            Ok((
                json!({
                    "content": {"text": format!("{PASSAGE_PREFIX}{id}"), "type": "TEXT"},
                    "location": {"type": "S3", "s3Location": {"uri": KB_DOCUMENT_URI}},
                    "metadata": {"x-amz-bedrock-kb-source-uri": KB_DOCUMENT_URI},
                }),
                model,
            ))
        }
        Some("EXTERNAL_SOURCES") => {
            let at = "retrieveAndGenerateConfiguration.externalSourcesConfiguration";
            let external = config
                .get("externalSourcesConfiguration")
                .ok_or_else(|| not_null(at))?;
            let model = external
                .get("modelArn")
                .and_then(Value::as_str)
                .ok_or_else(|| not_null(&format!("{at}.modelArn")))?;
            let sources = external
                .get("sources")
                .and_then(Value::as_array)
                .ok_or_else(|| not_null(&format!("{at}.sources")))?;
            let [source] = &sources[..] else {
                return Err(constraint(
                    format!("[{} sources]", sources.len()),
                    &format!("{at}.sources"),
                    "Member must have length between 1 and 1",
                ));
            };
            let reference = match source.get("sourceType").and_then(Value::as_str) {
                Some("S3") => {
                    let uri = source
                        .pointer("/s3Location/uri")
                        .and_then(Value::as_str)
                        .ok_or_else(|| {
                            not_null(&format!("{at}.sources.1.member.s3Location.uri"))
                        })?;
                    json!({
                        "content": {"text": format!("{PASSAGE_PREFIX}{uri}"), "type": "TEXT"},
                        "location": {"type": "S3", "s3Location": {"uri": uri}},
                    })
                }
                Some("BYTE_CONTENT") => {
                    let id = source
                        .pointer("/byteContent/identifier")
                        .and_then(Value::as_str)
                        .ok_or_else(|| {
                            not_null(&format!("{at}.sources.1.member.byteContent.identifier"))
                        })?;
                    json!({
                        "content": {"text": format!("{PASSAGE_PREFIX}{id}"), "type": "TEXT"},
                        "location": {"type": "CUSTOM", "customDocumentLocation": {"id": id}},
                    })
                }
                other => {
                    return Err(constraint(
                        other.unwrap_or("null"),
                        &format!("{at}.sources.1.member.sourceType"),
                        "Member must satisfy enum value set: [S3, BYTE_CONTENT]",
                    ))
                }
            };
            Ok((reference, model))
        }
        other => Err(constraint(
            other.unwrap_or("null"),
            "retrieveAndGenerateConfiguration.type",
            "Member must satisfy enum value set: [KNOWLEDGE_BASE, EXTERNAL_SOURCES]",
        )),
    }
}

/// Validate a request body and compute its answer; error faults of the model ARN fail here.
pub(crate) fn answer(ctx: &Ctx<'_>) -> Result<Answer, ApiError> {
    let body: Value = parse_json(ctx.body)?;
    let question = body
        .pointer("/input/text")
        .and_then(Value::as_str)
        .ok_or_else(|| not_null("input.text"))?;
    if question.chars().count() > 1000 {
        return Err(constraint(
            "[input text]",
            "input.text",
            "Member must have length less than or equal to 1000",
        ));
    }
    let config = body
        .get("retrieveAndGenerateConfiguration")
        .ok_or_else(|| not_null("retrieveAndGenerateConfiguration"))?;
    let (reference, model) = reference(config)?;
    let fault = faults::parse(model);
    match &fault {
        Some(Fault::Error(error)) => return Err(error.clone()),
        None if !model_id::is_valid(model) => {
            return Err(ApiError::validation(format!(
                "The provided model ARN {model} is invalid."
            )))
        }
        _ => {}
    }
    let session_id = match body.get("sessionId") {
        Some(id) => {
            let id = id.as_str().unwrap_or_default();
            if !is_session_id(id) {
                return Err(constraint(
                    id,
                    "sessionId",
                    "Member must satisfy regular expression pattern: ^[0-9a-zA-Z._:-]+$",
                ));
            }
            id.to_owned()
        }
        None => uuid(Fnv::new().field(ctx.body).finish()),
    };
    let guarded = ["knowledgeBaseConfiguration", "externalSourcesConfiguration"]
        .iter()
        .any(|c| {
            config
                .pointer(&format!(
                    "/{c}/generationConfiguration/guardrailConfiguration"
                ))
                .is_some()
        });
    let blocked = guarded && mentions_trigger(question);
    let (text, citation) = if blocked {
        (BLOCKED_TEXT.to_owned(), None)
    } else {
        let text = format!("{ANSWER_PREFIX}{question}");
        let end = text.chars().count().saturating_sub(1);
        let citation = json!({
            "generatedResponsePart": {"textResponsePart": {"text": text, "span": {"start": 0, "end": end}}},
            "retrievedReferences": [reference],
        });
        (text, Some(citation))
    };
    Ok(Answer {
        text,
        session_id,
        citation,
        guardrail_action: guarded.then_some(if blocked { "INTERVENED" } else { "NONE" }),
        fault,
    })
}

pub(crate) async fn handle(ctx: &Ctx<'_>) -> Result<Response<ResponseBody>, ApiError> {
    let answer = answer(ctx)?;
    if let Some(Fault::Slow(delay)) = answer.fault {
        tokio::time::sleep(delay).await;
    }
    let mut out = json!({
        "output": {"text": answer.text},
        "sessionId": answer.session_id,
        "citations": answer.citation.into_iter().collect::<Vec<_>>(),
    });
    if let Some(action) = answer.guardrail_action {
        out["guardrailAction"] = action.into();
    }
    Ok(json_response(&out))
}
