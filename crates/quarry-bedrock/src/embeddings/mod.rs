//! Embeddings over InvokeModel: pure translators from an OpenAI embeddings request to the
//! model-native bodies, and from the answers back to OpenAI's list.
//!
//! | file | owns |
//! |---|---|
//! | `family.rs` | model ID → body format; inputs per call; allowed dimensions |
//! | `request.rs` | the request → one body per InvokeModel call, in input order |
//! | `response.rs` | answers → vectors (borrowed JSON text) → OpenAI's list, float or base64 |
//! | `scan.rs` | the minimal JSON reader that finds and checks the vectors in an answer |
//!
//! Decisions worth knowing:
//! - Titan and Nova embed one text per call: the gateway fans the bodies out (bounded
//!   concurrency) and hands the answers back in plan order. Cohere takes 96 texts per call.
//! - Token arrays are refused (Bedrock embeds text). `dimensions` outside what the model can
//!   produce is a 400 naming the allowed values; a model without a dimensions field accepts
//!   only its own size.
//! - `encoding_format` never reaches Bedrock (Cohere v3 refuses it); Cohere's
//!   `embedding_types` is always `["float"]`, an array.
//! - Usage is the body's token count (Titan `inputTextTokenCount`, Cohere
//!   `meta.billed_units.input_tokens`), else the `X-Amzn-Bedrock-Input-Token-Count` header.

mod family;
mod request;
mod response;
mod scan;

#[cfg(test)]
mod tests;

pub use family::{EmbeddingFamily, COHERE_BATCH};
pub use request::{
    plan_embeddings, EmbeddingPlan, DEFAULT_COHERE_INPUT_TYPE, DEFAULT_NOVA_PURPOSE, MAX_INPUTS,
};
pub use response::{embeddings_response, le_f32_bytes, parse_embeddings_call};

/// Route-level values (Kong's `model.options`) that fill what the request leaves out.
#[derive(Debug, Clone, Default)]
pub struct EmbeddingDefaults {
    /// `model.options.embeddings_dimensions`.
    pub dimensions: Option<u32>,
    /// `model.options.bedrock.embeddings_normalize` (Titan v2 `normalize`).
    pub normalize: bool,
    /// `model.options.cohere.embedding_input_type`.
    pub cohere_input_type: Option<String>,
}
