//! Which InvokeModel body an embeddings model speaks, read from the resolved model ID
//! (cross-region prefixes and foundation-model / inference-profile ARNs are looked through,
//! as for chat), and what each family accepts: inputs per call and dimensions.

use crate::chat::base_id;

/// The embeddings body formats Quarry maps OpenAI requests to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmbeddingFamily {
    /// `amazon.titan-embed-text-v1` (and `amazon.titan-embed-g1-text-02`): 1536 dimensions.
    TitanV1,
    /// `amazon.titan-embed-text-v2:0`: 256 / 512 / 1024 dimensions, `normalize`.
    TitanV2,
    /// `cohere.embed-english-v3`, `cohere.embed-multilingual-v3`: 1024 dimensions.
    CohereV3,
    /// `cohere.embed-v4:0`: `output_dimension` 256 / 512 / 1024 / 1536.
    CohereV4,
    /// `amazon.nova-2-multimodal-embeddings-v1:0`: `embeddingDimension` 256 / 384 / 1024 / 3072.
    NovaMultimodal,
}

/// Cohere Embed takes at most this many texts per call.
pub const COHERE_BATCH: usize = 96;

impl EmbeddingFamily {
    /// The family of `model_id`, or `None` for a model Quarry has no embeddings body for
    /// (including opaque ARNs such as application inference profiles).
    pub fn of(model_id: &str) -> Option<Self> {
        let id = base_id(model_id)?;
        let family = match id {
            "amazon.titan-embed-text-v1" | "amazon.titan-embed-g1-text-02" => Self::TitanV1,
            _ if id.starts_with("amazon.titan-embed-text-v2") => Self::TitanV2,
            _ if id.starts_with("cohere.embed-english-v3")
                || id.starts_with("cohere.embed-multilingual-v3") =>
            {
                Self::CohereV3
            }
            _ if id.starts_with("cohere.embed-v4") => Self::CohereV4,
            _ if id.starts_with("amazon.nova-2-multimodal-embeddings") => Self::NovaMultimodal,
            _ => return None,
        };
        Some(family)
    }

    /// How many inputs one InvokeModel call embeds.
    pub fn inputs_per_call(self) -> usize {
        match self {
            Self::CohereV3 | Self::CohereV4 => COHERE_BATCH,
            Self::TitanV1 | Self::TitanV2 | Self::NovaMultimodal => 1,
        }
    }

    /// The `dimensions` the model can produce; the first is what it gives by default.
    pub fn dimensions(self) -> &'static [u32] {
        match self {
            Self::TitanV1 => &[1536],
            Self::TitanV2 => &[1024, 512, 256],
            Self::CohereV3 => &[1024],
            Self::CohereV4 => &[1536, 1024, 512, 256],
            Self::NovaMultimodal => &[3072, 1024, 384, 256],
        }
    }

    /// Whether the body has a field for the dimensions (else only the default is possible).
    pub fn sets_dimensions(self) -> bool {
        self.dimensions().len() > 1
    }

    /// A readable name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::TitanV1 => "Titan Text Embeddings v1",
            Self::TitanV2 => "Titan Text Embeddings v2",
            Self::CohereV3 => "Cohere Embed v3",
            Self::CohereV4 => "Cohere Embed v4",
            Self::NovaMultimodal => "Nova multimodal embeddings",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_from_ids_profiles_and_arns() {
        let cases = [
            ("amazon.titan-embed-text-v1", EmbeddingFamily::TitanV1),
            ("amazon.titan-embed-text-v2:0", EmbeddingFamily::TitanV2),
            ("us.amazon.titan-embed-text-v2:0", EmbeddingFamily::TitanV2),
            ("cohere.embed-english-v3", EmbeddingFamily::CohereV3),
            ("cohere.embed-multilingual-v3", EmbeddingFamily::CohereV3),
            ("eu.cohere.embed-v4:0", EmbeddingFamily::CohereV4),
            (
                "arn:aws:bedrock:us-east-1::foundation-model/cohere.embed-v4:0",
                EmbeddingFamily::CohereV4,
            ),
            (
                "amazon.nova-2-multimodal-embeddings-v1:0",
                EmbeddingFamily::NovaMultimodal,
            ),
        ];
        for (id, family) in cases {
            assert_eq!(EmbeddingFamily::of(id), Some(family), "{id}");
        }
        for id in [
            "anthropic.claude-3-haiku-20240307-v1:0",
            "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc",
            "amazon.titan-image-generator-v2:0",
        ] {
            assert_eq!(EmbeddingFamily::of(id), None, "{id}");
        }
    }
}
