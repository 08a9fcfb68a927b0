//! InvokeModel embeddings answers → OpenAI's list.
//!
//! Float vectors are borrowed from Bedrock's body as raw JSON and copied into the answer
//! without parsing or re-printing a single number; `base64` parses each number once into a
//! reused buffer of little-endian `f32` bytes (what OpenAI's base64 decodes to).

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use quarry_openai::embeddings::{
    EmbeddingData, EmbeddingResponse, EmbeddingUsage, EmbeddingVector, EncodingFormat,
    EMBEDDING_LIST_OBJECT, EMBEDDING_OBJECT,
};
use serde::de::{DeserializeSeed, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use super::EmbeddingFamily;
use crate::invoke::BadResponse;

#[derive(Deserialize)]
struct TitanAnswer<'a> {
    #[serde(borrow)]
    embedding: &'a RawValue,
    #[serde(rename = "inputTextTokenCount")]
    input_text_token_count: Option<u64>,
}

#[derive(Deserialize)]
struct CohereAnswer<'a> {
    /// `[[…], …]` (`embeddings_floats`) or `{"float": [[…], …]}` (`embeddings_by_type`).
    #[serde(borrow)]
    embeddings: &'a RawValue,
    #[serde(default)]
    meta: Option<CohereMeta>,
}

#[derive(Deserialize)]
struct CohereMeta {
    #[serde(default)]
    billed_units: Option<CohereBilled>,
}

#[derive(Deserialize)]
struct CohereBilled {
    #[serde(default)]
    input_tokens: Option<u64>,
}

#[derive(Deserialize)]
struct CohereByType<'a> {
    #[serde(borrow, default)]
    float: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct NovaAnswer<'a> {
    #[serde(borrow)]
    embeddings: Vec<NovaEmbedding<'a>>,
}

#[derive(Deserialize)]
struct NovaEmbedding<'a> {
    #[serde(borrow)]
    embedding: &'a RawValue,
}

fn unreadable(family: EmbeddingFamily, e: impl fmt::Display) -> BadResponse {
    BadResponse(format!(
        "Bedrock returned an unreadable {} answer: {e}",
        family.name()
    ))
}

fn is_array(raw: &RawValue) -> bool {
    raw.get().trim_start().starts_with('[')
}

/// Appends the vectors of one InvokeModel answer to `out` (borrowing from `body`) and returns
/// its input tokens: the body's count where the family reports one, else `header_tokens`
/// (`X-Amzn-Bedrock-Input-Token-Count`), else 0.
pub fn parse_embeddings_call<'a>(
    family: EmbeddingFamily,
    body: &'a [u8],
    header_tokens: Option<u64>,
    out: &mut Vec<&'a RawValue>,
) -> Result<u64, BadResponse> {
    let start = out.len();
    let tokens = match family {
        EmbeddingFamily::TitanV1 | EmbeddingFamily::TitanV2 => {
            let answer: TitanAnswer<'a> =
                serde_json::from_slice(body).map_err(|e| unreadable(family, e))?;
            out.push(answer.embedding);
            answer.input_text_token_count
        }
        EmbeddingFamily::CohereV3 | EmbeddingFamily::CohereV4 => {
            let answer: CohereAnswer<'a> =
                serde_json::from_slice(body).map_err(|e| unreadable(family, e))?;
            let raw: &'a str = answer.embeddings.get();
            if is_array(answer.embeddings) {
                let vectors: Vec<&'a RawValue> =
                    serde_json::from_str(raw).map_err(|e| unreadable(family, e))?;
                out.extend(vectors);
            } else {
                let by_type: CohereByType<'a> =
                    serde_json::from_str(raw).map_err(|e| unreadable(family, e))?;
                let floats = by_type
                    .float
                    .ok_or_else(|| unreadable(family, "it has no float embeddings"))?;
                out.extend(floats);
            }
            answer
                .meta
                .and_then(|m| m.billed_units)
                .and_then(|b| b.input_tokens)
        }
        EmbeddingFamily::NovaMultimodal => {
            let answer: NovaAnswer<'a> =
                serde_json::from_slice(body).map_err(|e| unreadable(family, e))?;
            let first = answer
                .embeddings
                .into_iter()
                .next()
                .ok_or_else(|| unreadable(family, "it has no embeddings"))?;
            out.push(first.embedding);
            None
        }
    };
    if !out[start..].iter().all(|v| is_array(v)) {
        return Err(unreadable(
            family,
            "an embedding is not an array of numbers",
        ));
    }
    Ok(tokens.or(header_tokens).unwrap_or(0))
}

/// OpenAI's answer for `vectors` (one per input, in input order).
pub fn embeddings_response(
    model: &str,
    encoding: EncodingFormat,
    vectors: &[&RawValue],
    prompt_tokens: u64,
) -> Result<Vec<u8>, BadResponse> {
    let mut data = Vec::with_capacity(vectors.len());
    let mut scratch = Vec::new();
    let mut size = 128 + model.len();
    for (index, raw) in vectors.iter().enumerate() {
        let embedding = match encoding {
            EncodingFormat::Float => {
                size += raw.get().len() + 48;
                EmbeddingVector::Float(raw)
            }
            EncodingFormat::Base64 => {
                let encoded = base64_f32(raw, &mut scratch)?;
                size += encoded.len() + 48;
                EmbeddingVector::Base64(encoded)
            }
        };
        data.push(EmbeddingData {
            object: EMBEDDING_OBJECT,
            index,
            embedding,
        });
    }
    let response = EmbeddingResponse {
        object: EMBEDDING_LIST_OBJECT,
        data,
        model,
        usage: EmbeddingUsage {
            prompt_tokens,
            total_tokens: prompt_tokens,
        },
    };
    let mut out = Vec::with_capacity(size);
    serde_json::to_writer(&mut out, &response)
        .map_err(|e| BadResponse(format!("could not encode the embeddings answer: {e}")))?;
    Ok(out)
}

/// Base64 of the vector's numbers as little-endian `f32`, as OpenAI encodes it.
pub fn base64_f32(raw: &RawValue, scratch: &mut Vec<u8>) -> Result<String, BadResponse> {
    scratch.clear();
    let mut de = serde_json::Deserializer::from_str(raw.get());
    LittleEndianF32(scratch)
        .deserialize(&mut de)
        .and_then(|()| de.end())
        .map_err(|e| BadResponse(format!("an embedding is not an array of numbers: {e}")))?;
    Ok(STANDARD.encode(scratch.as_slice()))
}

/// Appends each number of a JSON array to the buffer as little-endian `f32` bytes.
struct LittleEndianF32<'s>(&'s mut Vec<u8>);

impl<'de> DeserializeSeed<'de> for LittleEndianF32<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for LittleEndianF32<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of numbers")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if let Some(n) = seq.size_hint() {
            self.0.reserve(n * 4);
        }
        while let Some(v) = seq.next_element::<f64>()? {
            // Narrowing is the point: OpenAI's base64 carries f32 values.
            self.0.extend_from_slice(&(v as f32).to_le_bytes());
        }
        Ok(())
    }
}
