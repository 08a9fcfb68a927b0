//! InvokeModel embeddings answers → OpenAI's list.
//!
//! Each vector is borrowed from Bedrock's body as the text of a JSON array of numbers (found and
//! checked by `scan.rs`) and copied into the answer without parsing or re-printing a
//! single number; `base64` parses each number once, as `f32`, into a reused buffer of
//! little-endian bytes (what OpenAI's base64 decodes to).

use quarry_openai::embeddings::{EmbeddingListWriter, EmbeddingUsage, EncodingFormat};
use serde::Deserialize;

use super::scan::{Scan, ScanError};
use super::EmbeddingFamily;
use crate::invoke::BadResponse;

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

fn unreadable(family: EmbeddingFamily, e: impl std::fmt::Display) -> BadResponse {
    BadResponse(format!(
        "Bedrock returned an unreadable {} answer: {e}",
        family.name()
    ))
}

/// Appends the vectors of one InvokeModel answer to `out` (borrowing from `body`) and returns
/// its input tokens: the body's count where the family reports one, else `header_tokens`
/// (`X-Amzn-Bedrock-Input-Token-Count`), else 0.
pub fn parse_embeddings_call<'a>(
    family: EmbeddingFamily,
    body: &'a [u8],
    header_tokens: Option<u64>,
    out: &mut Vec<&'a str>,
) -> Result<u64, BadResponse> {
    let start = out.len();
    let mut scan = Scan::new(body);
    let mut tokens = None;
    let scanned: Result<(), ScanError> = match family {
        EmbeddingFamily::TitanV1 | EmbeddingFamily::TitanV2 => scan.object(|key, scan| match key {
            b"embedding" => scan.number_array().map(|v| out.push(v)),
            b"inputTextTokenCount" => scan.u64_or_null().map(|t| tokens = t),
            _ => scan.skip(),
        }),
        EmbeddingFamily::CohereV3 | EmbeddingFamily::CohereV4 => {
            let mut meta = None;
            let walked = scan.object(|key, scan| match key {
                // `[[…], …]` (embeddings_floats) or `{"float": [[…], …], …}` (by type).
                b"embeddings" => {
                    let mut vectors = |scan: &mut Scan<'a>| {
                        scan.array(|scan| scan.number_array().map(|v| out.push(v)))
                    };
                    if scan.peek() == Some(b'{') {
                        scan.object(|kind, scan| match kind {
                            b"float" => vectors(scan),
                            _ => scan.skip(),
                        })
                    } else {
                        vectors(scan)
                    }
                }
                b"meta" => {
                    let text = scan.raw_value()?;
                    meta = serde_json::from_str::<CohereMeta>(text).ok();
                    Ok(())
                }
                _ => scan.skip(),
            });
            tokens = meta
                .and_then(|m| m.billed_units)
                .and_then(|b| b.input_tokens);
            walked
        }
        EmbeddingFamily::NovaMultimodal => scan.object(|key, scan| match key {
            b"embeddings" => scan.array(|scan| {
                scan.object(|key, scan| match key {
                    b"embedding" => scan.number_array().map(|v| out.push(v)),
                    _ => scan.skip(),
                })
            }),
            _ => scan.skip(),
        }),
    };
    scanned
        .and_then(|()| scan.end())
        .map_err(|e| unreadable(family, e))?;
    let found = out.len() - start;
    match family {
        EmbeddingFamily::CohereV3 | EmbeddingFamily::CohereV4 => {}
        // Nova's video answers can hold two vectors; a text answer has one.
        _ if found >= 1 => out.truncate(start + 1),
        _ => {}
    }
    if out.len() == start {
        return Err(unreadable(family, "it has no float embeddings"));
    }
    Ok(tokens.or(header_tokens).unwrap_or(0))
}

/// OpenAI's answer for `vectors` (one per input, in input order).
pub fn embeddings_response(
    model: &str,
    encoding: EncodingFormat,
    vectors: &[&str],
    prompt_tokens: u64,
) -> Result<Vec<u8>, BadResponse> {
    let per_item = 48;
    let capacity = 160
        + model.len()
        + match encoding {
            EncodingFormat::Float => vectors.iter().map(|v| v.len() + per_item).sum::<usize>(),
            // ~12 characters per number become 4 bytes, then 16/3 characters of base64.
            EncodingFormat::Base64 => vectors.iter().map(|v| v.len() / 2 + per_item).sum(),
        };
    let mut writer = EmbeddingListWriter::new(capacity);
    let mut scratch = Vec::new();
    for vector in vectors {
        match encoding {
            EncodingFormat::Float => writer.float(vector),
            EncodingFormat::Base64 => {
                le_f32_bytes(vector, &mut scratch)?;
                writer.base64(&scratch);
            }
        }
    }
    Ok(writer.finish(
        model,
        EmbeddingUsage {
            prompt_tokens,
            total_tokens: prompt_tokens,
        },
    ))
}

/// The numbers of a JSON array as little-endian `f32` bytes in `scratch` (cleared first).
pub fn le_f32_bytes(json_array: &str, scratch: &mut Vec<u8>) -> Result<(), BadResponse> {
    scratch.clear();
    let inner = json_array
        .trim()
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .ok_or_else(|| BadResponse("an embedding is not an array of numbers".into()))?;
    if inner.trim().is_empty() {
        return Ok(());
    }
    scratch.reserve(inner.len() / 2);
    for number in inner.split(',') {
        let value: f32 = number.trim().parse().map_err(|_| {
            BadResponse(format!(
                "an embedding holds '{}', not a number",
                number.trim()
            ))
        })?;
        scratch.extend_from_slice(&value.to_le_bytes());
    }
    Ok(())
}
