//! Which model identifiers Bedrock would resolve: base model IDs of known providers, optionally
//! behind a cross-region inference-profile prefix, and Bedrock (or SageMaker endpoint) ARNs.

/// Providers whose base model IDs (`provider.model-name...`) are accepted.
const PROVIDERS: &[&str] = &[
    "anthropic",
    "amazon",
    "meta",
    "mistral",
    "cohere",
    "ai21",
    "deepseek",
    "openai",
    "qwen",
    "writer",
    "twelvelabs",
    "stability",
    "luma",
];

/// Geography prefixes of system-defined cross-region inference profiles.
const GEOS: &[&str] = &["us-gov", "us", "eu", "apac", "global", "jp", "au", "ca"];

/// Bedrock ARN resource types that can stand in for a model.
const ARN_RESOURCES: &[&str] = &[
    "foundation-model",
    "inference-profile",
    "application-inference-profile",
    "provisioned-model",
    "custom-model",
    "custom-model-deployment",
    "imported-model",
    "prompt",
    "prompt-router",
    "default-prompt-router",
];

/// True when Bedrock would accept `id` as a model identifier.
pub(crate) fn is_valid(id: &str) -> bool {
    if id.starts_with("arn:") {
        is_valid_arn(id)
    } else {
        is_valid_base_id(strip_geo(id))
    }
}

/// True for Amazon Nova models (`amazon.nova-*`), behind a geography prefix or in an ARN whose
/// resource name is such an ID; some Bedrock rules only apply to this family.
pub(crate) fn is_nova(id: &str) -> bool {
    let base = if id.starts_with("arn:") {
        id.rsplit_once('/').map_or(id, |(_, name)| name)
    } else {
        id
    };
    strip_geo(base).starts_with("amazon.nova-")
}

/// The base model ID inside `id`: an ARN's resource name, without any geography prefix
/// (`arn:...:inference-profile/us.anthropic.claude-x` gives `anthropic.claude-x`).
pub(crate) fn base_id(id: &str) -> &str {
    let base = if id.starts_with("arn:") {
        id.split_once('/').map_or(id, |(_, name)| name)
    } else {
        id
    };
    strip_geo(base)
}

fn strip_geo(id: &str) -> &str {
    GEOS.iter()
        .find_map(|geo| id.strip_prefix(geo).and_then(|rest| rest.strip_prefix('.')))
        .unwrap_or(id)
}

fn is_valid_base_id(id: &str) -> bool {
    let Some((provider, model)) = id.split_once('.') else {
        return false;
    };
    PROVIDERS.contains(&provider)
        && !model.is_empty()
        && model.len() <= 200
        && model
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b':' | b'_'))
}

/// `arn:{partition}:{service}:{region}:{account}:{type}/{name}`; the name may contain `:`.
fn is_valid_arn(id: &str) -> bool {
    let mut parts = id.splitn(6, ':');
    let (Some("arn"), Some(partition), Some(service), Some(region), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    if partition != "aws" && !partition.starts_with("aws-") {
        return false;
    }
    let Some((kind, name)) = resource.split_once('/') else {
        return false;
    };
    let account_ok =
        account.is_empty() || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()));
    let name_ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b':' | b'_' | b'/'));
    let region_ok = !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    match service {
        "bedrock" => ARN_RESOURCES.contains(&kind) && account_ok && name_ok && region_ok,
        "sagemaker" => kind == "endpoint" && account.len() == 12 && name_ok && region_ok,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_base_ids_and_cross_region_profiles() {
        for id in [
            "anthropic.claude-3-haiku-20240307-v1:0",
            "amazon.nova-pro-v1:0",
            "meta.llama3-1-70b-instruct-v1:0",
            "us.anthropic.claude-3-5-sonnet-20241022-v2:0",
            "us-gov.anthropic.claude-3-haiku-20240307-v1:0",
            "global.anthropic.claude-sonnet-4-20250514-v1:0",
            "apac.amazon.nova-lite-v1:0",
            "openai.gpt-oss-120b-1:0",
        ] {
            assert!(is_valid(id), "{id}");
        }
    }

    #[test]
    fn accepts_bedrock_arns() {
        for id in [
            "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0",
            "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6",
            "arn:aws:bedrock:us-west-2:123456789012:provisioned-model/abcdefghijkl",
            "arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:imported-model/abcdefghijkl",
            "arn:aws:sagemaker:us-east-1:123456789012:endpoint/my-endpoint",
        ] {
            assert!(is_valid(id), "{id}");
        }
    }

    #[test]
    fn recognises_the_nova_family() {
        for id in [
            "amazon.nova-lite-v1:0",
            "us.amazon.nova-pro-v1:0",
            "global.amazon.nova-2-lite-v1:0",
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/eu.amazon.nova-micro-v1:0",
        ] {
            assert!(is_nova(id), "{id}");
        }
        for id in [
            "amazon.titan-text-express-v1",
            "anthropic.claude-3-haiku-20240307-v1:0",
            "novamazon.nova-lite",
        ] {
            assert!(!is_nova(id), "{id}");
        }
    }

    #[test]
    fn base_ids_drop_arns_and_geographies() {
        assert_eq!(
            base_id("us.anthropic.claude-3-haiku-20240307-v1:0"),
            "anthropic.claude-3-haiku-20240307-v1:0"
        );
        assert_eq!(
            base_id("arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0"),
            "amazon.titan-embed-text-v2:0"
        );
        assert_eq!(
            base_id("stability.sd3-5-large-v1:0"),
            "stability.sd3-5-large-v1:0"
        );
        assert!(is_valid("luma.ray-v2:0") && is_valid("stability.stable-image-core-v1:1"));
    }

    #[test]
    fn rejects_everything_else() {
        for id in [
            "",
            "gpt-4o",
            "claude-3-haiku",
            "unknown.model-v1",
            "anthropic.",
            "us.gpt-4o",
            "anthropic.claude 3",
            "arn:aws:s3:::bucket/key",
            "arn:aws:bedrock:us-east-1:123456789012:guardrail/abc",
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/",
            "arn:other:bedrock:us-east-1::foundation-model/anthropic.claude-v2",
        ] {
            assert!(!is_valid(id), "{id}");
        }
    }
}
