//! Which native body format a model ID speaks on InvokeModel.

use serde_json::Value;

use super::cohere_embed::Version;
use super::images::ImageModel;
use crate::model_id;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    Anthropic,
    TitanEmbedV1,
    TitanEmbedV2,
    CohereEmbed(Version),
    NovaEmbed,
    Image(ImageModel),
    Stability,
    Rerank,
}

/// The family of `model_id` (a base ID, a geography-prefixed profile or an ARN naming one).
/// Opaque identifiers (application inference profiles, provisioned models, ...) fall back to
/// the body: an `anthropic_version` member means the Anthropic family.
pub(crate) fn detect(model_id: &str, body: &Value) -> Option<Family> {
    let base = model_id::base_id(model_id);
    let family = match base {
        b if b.starts_with("anthropic.") => Family::Anthropic,
        "amazon.titan-embed-text-v1" | "amazon.titan-embed-g1-text-02" => Family::TitanEmbedV1,
        b if b.starts_with("amazon.titan-embed-text-v2") => Family::TitanEmbedV2,
        b if b.starts_with("cohere.embed-v4") => Family::CohereEmbed(Version::V4),
        b if b.starts_with("cohere.embed-english-v3")
            || b.starts_with("cohere.embed-multilingual-v3") =>
        {
            Family::CohereEmbed(Version::V3)
        }
        b if b.starts_with("amazon.nova-2-multimodal-embeddings") => Family::NovaEmbed,
        b if b.starts_with("amazon.titan-image-generator-v1") => Family::Image(ImageModel::TitanV1),
        b if b.starts_with("amazon.titan-image-generator-v2") => Family::Image(ImageModel::TitanV2),
        b if b.starts_with("amazon.nova-canvas") => Family::Image(ImageModel::Canvas),
        b if b.starts_with("stability.") => Family::Stability,
        b if b.starts_with("amazon.rerank-v1") || b.starts_with("cohere.rerank-v3-5") => {
            Family::Rerank
        }
        _ if body.get("anthropic_version").is_some() => Family::Anthropic,
        _ => return None,
    };
    Some(family)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn families_by_model_id() {
        let none = json!({});
        let cases = [
            (
                "us.anthropic.claude-3-5-haiku-20241022-v1:0",
                Family::Anthropic,
            ),
            ("amazon.titan-embed-text-v1", Family::TitanEmbedV1),
            ("amazon.titan-embed-text-v2:0", Family::TitanEmbedV2),
            ("cohere.embed-english-v3", Family::CohereEmbed(Version::V3)),
            (
                "cohere.embed-multilingual-v3",
                Family::CohereEmbed(Version::V3),
            ),
            ("us.cohere.embed-v4:0", Family::CohereEmbed(Version::V4)),
            (
                "amazon.nova-2-multimodal-embeddings-v1:0",
                Family::NovaEmbed,
            ),
            (
                "amazon.titan-image-generator-v2:0",
                Family::Image(ImageModel::TitanV2),
            ),
            ("amazon.nova-canvas-v1:0", Family::Image(ImageModel::Canvas)),
            ("stability.sd3-5-large-v1:0", Family::Stability),
            (
                "arn:aws:bedrock:us-west-2::foundation-model/amazon.rerank-v1:0",
                Family::Rerank,
            ),
            ("cohere.rerank-v3-5:0", Family::Rerank),
        ];
        for (id, family) in cases {
            assert_eq!(detect(id, &none), Some(family), "{id}");
        }
        assert_eq!(detect("meta.llama3-8b-instruct-v1:0", &none), None);
        let profile = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc";
        assert_eq!(detect(profile, &none), None);
        assert_eq!(
            detect(profile, &json!({"anthropic_version": "bedrock-2023-05-31"})),
            Some(Family::Anthropic)
        );
    }
}
