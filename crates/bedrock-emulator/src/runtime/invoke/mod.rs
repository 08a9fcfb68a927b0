//! InvokeModel and InvokeModelWithResponseStream: the model's native JSON body in, the model's
//! native JSON out, one module per model family. Fault model IDs behave as on Converse and
//! speak the Anthropic format.

mod anthropic;
mod anthropic_stream;
mod cohere_embed;
mod family;
mod images;
mod nova_embed;
mod png;
mod rerank;
pub(crate) mod schema;
mod stability;
mod titan_embed;
mod vector;

pub(crate) use self::anthropic::to_converse as anthropic_to_converse;
pub(crate) use self::family::{detect as detect_family, Family};

use std::time::Duration;

use http::header::HeaderValue;
use http::Response;
use serde_json::Value;

use self::anthropic_stream::Latency;
use super::{millis, parse_json, with_type, Ctx, EVENT_STREAM};
use crate::body::{Pacing, ResponseBody};
use crate::error::{ApiError, APPLICATION_JSON};
use crate::faults::{self, Fault};
use crate::model_id;

const INVALID_MODEL: &str = "The provided model identifier is invalid.";
const STREAMING_UNSUPPORTED: &str = "The model is unsupported for streaming.";

/// A family handler's answer: the JSON body and the counts for the token headers.
#[derive(Debug)]
pub(crate) struct Invoked {
    pub(crate) body: Vec<u8>,
    pub(crate) input_tokens: u64,
    pub(crate) output_tokens: u64,
    pub(crate) cache_read: Option<u64>,
    pub(crate) cache_write: Option<u64>,
}

impl Invoked {
    /// A body with input tokens only (embeddings, images, rerank).
    pub(crate) fn json(value: &Value, input_tokens: u64) -> Self {
        Self {
            body: serde_json::to_vec(value).unwrap_or_default(),
            input_tokens,
            output_tokens: 0,
            cache_read: None,
            cache_write: None,
        }
    }
}

/// The MIME type to answer with, from `Accept` (or `X-Amzn-Bedrock-Accept`): JSON only.
fn accepted(accept: Option<&str>) -> Result<(), ApiError> {
    let Some(accept) = accept else { return Ok(()) };
    let acceptable = accept.split(',').any(|range| {
        let range = range.split(';').next().unwrap_or_default().trim();
        matches!(range, "*/*" | "application/*" | "application/json" | "")
    });
    if acceptable {
        Ok(())
    } else {
        Err(ApiError::validation(format!(
            "The requested accept type {accept} is not supported. Use application/json."
        )))
    }
}

pub(crate) async fn handle(
    ctx: &Ctx<'_>,
    streaming: bool,
) -> Result<Response<ResponseBody>, ApiError> {
    let fault = faults::parse(ctx.label);
    let delay = match &fault {
        Some(Fault::Error(error)) => return Err(error.clone()),
        Some(Fault::Garbage) => {
            return Ok(with_type(
                ResponseBody::full("this is not json"),
                APPLICATION_JSON,
            ))
        }
        Some(Fault::Slow(delay)) => *delay,
        Some(Fault::Stream(_)) => Duration::ZERO,
        None if !model_id::is_valid(ctx.label) => return Err(ApiError::validation(INVALID_MODEL)),
        None => Duration::ZERO,
    };
    let accept = if streaming {
        "x-amzn-bedrock-accept"
    } else {
        "accept"
    };
    // The request's Content-Type is not checked: the Rust SDK sends
    // `application/octet-stream` when the caller sets none, and Bedrock answers anyway.
    accepted(ctx.header(accept))?;
    let body: Value = parse_json(ctx.body)?;
    let family = match fault {
        Some(_) => Family::Anthropic,
        None => family::detect(ctx.label, &body).ok_or_else(|| {
            ApiError::validation(format!(
                "The emulator does not support InvokeModel for the model {}.",
                ctx.label
            ))
        })?,
    };

    if streaming {
        if family != Family::Anthropic {
            return Err(ApiError::validation(STREAMING_UNSUPPORTED));
        }
        let exchange = anthropic::answer(ctx, &body)?;
        let first_byte = millis(ctx.started.elapsed());
        let frames = match fault {
            Some(Fault::Stream(stream_fault)) => {
                anthropic_stream::fault_frames(stream_fault, &exchange)
            }
            _ => anthropic_stream::frames(
                &exchange,
                Latency {
                    first_byte,
                    total: first_byte + millis(delay),
                },
            ),
        };
        let pacing = Pacing::spread(delay, frames.len());
        let mut response = with_type(ResponseBody::frames(frames, pacing), EVENT_STREAM);
        response
            .headers_mut()
            .insert("x-amzn-bedrock-content-type", APPLICATION_JSON);
        return Ok(response);
    }

    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let invoked = match family {
        Family::Anthropic => {
            let exchange = anthropic::answer(ctx, &body)?;
            let usage = exchange.reply.usage;
            Invoked {
                cache_read: usage.cache_read_input_tokens,
                cache_write: usage.cache_write_input_tokens,
                output_tokens: usage.output_tokens,
                ..Invoked::json(&anthropic::message(&exchange), usage.input_tokens)
            }
        }
        Family::TitanEmbedV1 => titan_embed::v1(&body)?,
        Family::TitanEmbedV2 => titan_embed::v2(&body)?,
        Family::CohereEmbed(version) => cohere_embed::embed(&body, version)?,
        Family::NovaEmbed => nova_embed::embed(&body)?,
        Family::Image(model) => images::generate(&body, model)?,
        Family::Stability => stability::generate(&body)?,
        Family::Rerank => rerank::rerank(&body)?,
    };
    Ok(render(invoked, millis(ctx.started.elapsed())))
}

fn number(value: u64) -> HeaderValue {
    HeaderValue::from(value)
}

/// The InvokeModel response: the body, its type, and Bedrock's token and latency headers.
fn render(invoked: Invoked, latency_ms: u64) -> Response<ResponseBody> {
    let mut response = with_type(ResponseBody::full(invoked.body), APPLICATION_JSON);
    let headers = response.headers_mut();
    headers.insert(
        "x-amzn-bedrock-input-token-count",
        number(invoked.input_tokens),
    );
    headers.insert(
        "x-amzn-bedrock-output-token-count",
        number(invoked.output_tokens),
    );
    headers.insert("x-amzn-bedrock-invocation-latency", number(latency_ms));
    if let Some(read) = invoked.cache_read {
        headers.insert("x-amzn-bedrock-cache-read-input-token-count", number(read));
    }
    if let Some(write) = invoked.cache_write {
        headers.insert(
            "x-amzn-bedrock-cache-write-input-token-count",
            number(write),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_must_allow_json() {
        assert!(accepted(None).is_ok());
        assert!(accepted(Some("application/json")).is_ok());
        assert!(accepted(Some("*/*")).is_ok());
        assert!(accepted(Some("application/json; q=0.9, */*")).is_ok());
        assert!(accepted(Some("image/png")).is_err());
    }
}
