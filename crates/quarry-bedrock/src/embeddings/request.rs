//! OpenAI embeddings request → the InvokeModel bodies that answer it, in input order.

use quarry_openai::embeddings::{EmbeddingInput, EmbeddingRequest, EncodingFormat};
use serde::Serialize;

use super::{EmbeddingDefaults, EmbeddingFamily};
use crate::chat::TranslateError;
use crate::invoke::Extras;

/// OpenAI's own limit on inputs per request; also bounds Quarry's fan-out.
pub const MAX_INPUTS: usize = 2048;

/// Cohere's `input_type` when neither the request nor the route sets one (Kong's default).
pub const DEFAULT_COHERE_INPUT_TYPE: &str = "classification";

/// Nova's `embeddingPurpose` when the request sets none.
pub const DEFAULT_NOVA_PURPOSE: &str = "GENERIC_INDEX";

/// The InvokeModel calls that answer one request. Call `i` embeds the inputs
/// `i * family.inputs_per_call()` onwards; their vectors come back in that order.
#[derive(Debug, Clone, PartialEq)]
pub struct EmbeddingPlan {
    pub family: EmbeddingFamily,
    pub encoding: EncodingFormat,
    pub bodies: Vec<Vec<u8>>,
    /// How many vectors the answer must have.
    pub inputs: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TitanBody<'a> {
    input_text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    dimensions: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    normalize: Option<bool>,
}

#[derive(Serialize)]
struct CohereBody<'a> {
    texts: &'a [String],
    input_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    truncate: Option<&'a str>,
    /// Always an array (pitfall 21): the by-type answer names its float vectors explicitly.
    embedding_types: [&'static str; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    output_dimension: Option<u32>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NovaBody<'a> {
    schema_version: &'static str,
    task_type: &'static str,
    single_embedding_params: NovaParams<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NovaParams<'a> {
    embedding_purpose: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    embedding_dimension: Option<u32>,
    text: NovaText<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NovaText<'a> {
    truncation_mode: &'a str,
    value: &'a str,
}

/// Plans the InvokeModel calls for `req` on `model`.
///
/// Field sources: `dimensions` from the request, else `model.options.embeddings_dimensions`;
/// Titan v2 `normalize` from the request's `normalize` extra, else
/// `bedrock.embeddings_normalize`; Cohere `input_type` from the request's `input_type` extra,
/// else `cohere.embedding_input_type`, else `classification`; Cohere `truncate` and Nova
/// `truncate` / `embedding_purpose` from extras. `encoding_format` and `user` never reach
/// Bedrock.
pub fn plan_embeddings(
    req: &EmbeddingRequest,
    defaults: &EmbeddingDefaults,
    model: &str,
) -> Result<EmbeddingPlan, TranslateError> {
    let family = EmbeddingFamily::of(model).ok_or_else(|| {
        TranslateError::at(
            "model",
            format!(
                "model '{model}' is not an embeddings model Quarry can call: use Titan Text \
                 Embeddings v1/v2 (amazon.titan-embed-text-*), Cohere Embed v3/v4 \
                 (cohere.embed-*) or Nova multimodal embeddings \
                 (amazon.nova-2-multimodal-embeddings-v1:0), optionally with a cross-region prefix"
            ),
        )
    })?;
    let texts: &[String] = match &req.input {
        EmbeddingInput::Text(text) => std::slice::from_ref(text),
        EmbeddingInput::Texts(texts) => texts,
        other => {
            return Err(TranslateError::at(
                "input",
                format!(
                    "input as {} is not supported: {} on Bedrock embeds text, so send the text \
                     itself (a string or an array of strings)",
                    other.form(),
                    family.name()
                ),
            ))
        }
    };
    if texts.is_empty() {
        return Err(TranslateError::at("input", "input must not be empty"));
    }
    if texts.len() > MAX_INPUTS {
        return Err(TranslateError::at(
            "input",
            format!(
                "input has {} items; at most {MAX_INPUTS} are allowed per request",
                texts.len()
            ),
        ));
    }
    let dimensions = dimensions(family, req.dimensions, defaults.dimensions)?;
    let extras = Extras::new(&req.extra)?;
    let bodies = match family {
        EmbeddingFamily::TitanV1 | EmbeddingFamily::TitanV2 => {
            let normalize = match family {
                EmbeddingFamily::TitanV2 => {
                    Some(extras.bool("normalize")?.unwrap_or(defaults.normalize))
                }
                _ => None,
            };
            texts
                .iter()
                .map(|text| {
                    encode(&TitanBody {
                        input_text: text,
                        dimensions,
                        normalize,
                    })
                })
                .collect::<Result<_, _>>()?
        }
        EmbeddingFamily::CohereV3 | EmbeddingFamily::CohereV4 => {
            let input_type = extras
                .str("input_type")?
                .or(defaults.cohere_input_type.as_deref())
                .unwrap_or(DEFAULT_COHERE_INPUT_TYPE);
            let truncate = extras.str("truncate")?;
            texts
                .chunks(family.inputs_per_call())
                .map(|chunk| {
                    encode(&CohereBody {
                        texts: chunk,
                        input_type,
                        truncate,
                        embedding_types: ["float"],
                        output_dimension: dimensions,
                    })
                })
                .collect::<Result<_, _>>()?
        }
        EmbeddingFamily::NovaMultimodal => {
            let purpose = extras
                .str("embedding_purpose")?
                .unwrap_or(DEFAULT_NOVA_PURPOSE);
            let truncation_mode = extras.str("truncate")?.unwrap_or("END");
            texts
                .iter()
                .map(|text| {
                    encode(&NovaBody {
                        schema_version: "nova-multimodal-embed-v1",
                        task_type: "SINGLE_EMBEDDING",
                        single_embedding_params: NovaParams {
                            embedding_purpose: purpose,
                            embedding_dimension: dimensions,
                            text: NovaText {
                                truncation_mode,
                                value: text,
                            },
                        },
                    })
                })
                .collect::<Result<_, _>>()?
        }
    };
    Ok(EmbeddingPlan {
        family,
        encoding: req.encoding_format.unwrap_or_default(),
        bodies,
        inputs: texts.len(),
    })
}

/// The dimensions field to send: `None` for the model's default. A request value wins over
/// the route's; a value the model cannot produce is a 400 naming where it came from.
fn dimensions(
    family: EmbeddingFamily,
    requested: Option<u32>,
    configured: Option<u32>,
) -> Result<Option<u32>, TranslateError> {
    let (value, param) = match (requested, configured) {
        (Some(v), _) => (v, "dimensions"),
        (None, Some(v)) => (v, "model.options.embeddings_dimensions"),
        (None, None) => return Ok(None),
    };
    let allowed = family.dimensions();
    if !allowed.contains(&value) {
        let list: Vec<String> = allowed.iter().map(u32::to_string).collect();
        let message = if family.sets_dimensions() {
            format!(
                "{param} {value} is not supported by {}: use one of {}",
                family.name(),
                list.join(", ")
            )
        } else {
            format!(
                "{param} {value} is not supported by {}: it always returns {} dimensions",
                family.name(),
                list.join(", ")
            )
        };
        return Err(TranslateError::at(param, message));
    }
    Ok(family.sets_dimensions().then_some(value))
}

/// Serialising these plain structs cannot fail; an error is still reported, not unwrapped.
fn encode<T: Serialize>(body: &T) -> Result<Vec<u8>, TranslateError> {
    serde_json::to_vec(body).map_err(|e| TranslateError {
        message: format!("could not encode the InvokeModel body: {e}"),
        param: None,
    })
}
