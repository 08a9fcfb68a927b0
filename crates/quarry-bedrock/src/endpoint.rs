//! Where a Bedrock call goes: region resolution, base URLs (including the AWS SDK's
//! `AWS_ENDPOINT_URL*` overrides and Kong's `upstream_url`), and model IDs as path labels.
//!
//! Pure: the environment is passed in as a lookup function.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but RFC 3986 unreserved characters is encoded, as the AWS SDKs encode labels:
/// `:` becomes `%3A` and `/` becomes `%2F`, so an ARN stays one path segment.
const LABEL: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The AWS services Quarry calls, each with its endpoint prefix and env override.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Runtime,
    ControlPlane,
    AgentRuntime,
}

impl Service {
    fn prefix(self) -> &'static str {
        match self {
            Service::Runtime => "bedrock-runtime",
            Service::ControlPlane => "bedrock",
            Service::AgentRuntime => "bedrock-agent-runtime",
        }
    }

    fn env_var(self) -> &'static str {
        match self {
            Service::Runtime => "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
            Service::ControlPlane => "AWS_ENDPOINT_URL_BEDROCK",
            Service::AgentRuntime => "AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME",
        }
    }
}

/// Region: the route's `bedrock.aws_region`, then `AWS_REGION`, then `AWS_DEFAULT_REGION`.
pub fn resolve_region(
    configured: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<String> {
    configured
        .map(str::to_owned)
        .or_else(|| env("AWS_REGION"))
        .or_else(|| env("AWS_DEFAULT_REGION"))
        .filter(|r| is_region(r))
}

/// Base URL (scheme, authority and an optional path prefix, no trailing slash) for `service`:
/// `upstream_url` (runtime only), then the service's `AWS_ENDPOINT_URL_*`, then
/// `AWS_ENDPOINT_URL`, then the public AWS endpoint for the region.
pub fn base_url(
    service: Service,
    region: &str,
    upstream_url: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> String {
    let configured = match service {
        Service::Runtime => upstream_url.map(str::to_owned),
        _ => None,
    };
    let url = configured
        .or_else(|| env(service.env_var()))
        .or_else(|| env("AWS_ENDPOINT_URL"))
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| aws_url(service, region));
    url.trim_end_matches('/').to_owned()
}

fn aws_url(service: Service, region: &str) -> String {
    let suffix = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    format!("https://{}.{region}.{suffix}", service.prefix())
}

/// A model ID that cannot be used as a path label.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid model id: {0}")]
pub struct InvalidModelId(pub &'static str);

/// Longest model identifier Bedrock accepts (ConverseRequest `modelId` max length).
pub const MAX_MODEL_ID_LEN: usize = 2048;

/// Percent-encodes a model ID (base ID, cross-region profile ID or ARN) as one path label.
pub fn encode_model_id(model_id: &str) -> Result<String, InvalidModelId> {
    if model_id.is_empty() {
        return Err(InvalidModelId("it is empty"));
    }
    if model_id.len() > MAX_MODEL_ID_LEN {
        return Err(InvalidModelId("it is longer than 2048 characters"));
    }
    if model_id.chars().any(char::is_control) {
        return Err(InvalidModelId("it contains control characters"));
    }
    if model_id == "." || model_id == ".." {
        return Err(InvalidModelId("it is a relative path segment"));
    }
    Ok(utf8_percent_encode(model_id, LABEL).to_string())
}

/// `/model/{encoded id}/{operation}`.
pub fn model_path(model_id: &str, operation: &str) -> Result<String, InvalidModelId> {
    Ok(format!("/model/{}/{operation}", encode_model_id(model_id)?))
}

/// The region inside an ARN model ID (`arn:aws:bedrock:us-west-2:…`), which wins over the
/// route's region for that call. `Ok(None)` for a model ID that is not an ARN; an error for an
/// ARN that is not a well-formed Bedrock ARN — its region becomes part of a host name, so it
/// must never be trusted as it comes from the client.
pub fn arn_region(model_id: &str) -> Result<Option<&str>, InvalidModelId> {
    let Some(rest) = model_id.strip_prefix("arn:") else {
        return Ok(None);
    };
    let mut parts = rest.splitn(5, ':');
    let partition = parts.next().unwrap_or_default();
    let service = parts.next().unwrap_or_default();
    let region = parts.next().unwrap_or_default();
    if !matches!(
        partition,
        "aws" | "aws-cn" | "aws-us-gov" | "aws-iso" | "aws-iso-b"
    ) {
        return Err(InvalidModelId("its ARN partition is not an AWS partition"));
    }
    if service != "bedrock" {
        return Err(InvalidModelId(
            "it is an ARN of another service than bedrock",
        ));
    }
    if !is_region(region) {
        return Err(InvalidModelId("its ARN region is not a valid AWS region"));
    }
    Ok(Some(region))
}

/// `us-east-1`, `ap-southeast-2`, `us-gov-west-1`, `cn-north-1`: lower-case words joined by
/// dashes, ending in a number. Nothing that could change a host name's meaning gets through.
pub fn is_region(region: &str) -> bool {
    let mut parts = region.split('-');
    let Some(first) = parts.next() else {
        return false;
    };
    let rest: Vec<&str> = parts.collect();
    let Some((last, middle)) = rest.split_last() else {
        return false;
    };
    first.len() == 2
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && !middle.is_empty()
        && middle
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && !last.is_empty()
        && last.len() <= 2
        && last.bytes().all(|b| b.is_ascii_digit())
}

/// The authority (`host[:port]`) of a URL, as the `host` header and signer see it.
pub fn authority(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    Some(&rest[..end]).filter(|a| !a.is_empty())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn region_prefers_config_then_aws_region_then_default_region() {
        let env = env_of(&[
            ("AWS_REGION", "eu-west-1"),
            ("AWS_DEFAULT_REGION", "ap-south-1"),
        ]);
        assert_eq!(
            resolve_region(Some("us-west-2"), &env).as_deref(),
            Some("us-west-2")
        );
        assert_eq!(resolve_region(None, &env).as_deref(), Some("eu-west-1"));
        let env = env_of(&[("AWS_DEFAULT_REGION", "ap-south-1")]);
        assert_eq!(resolve_region(None, &env).as_deref(), Some("ap-south-1"));
        assert_eq!(resolve_region(None, &env_of(&[])), None);
    }

    #[test]
    fn base_url_order() {
        let none = env_of(&[]);
        assert_eq!(
            base_url(Service::Runtime, "us-east-1", None, &none),
            "https://bedrock-runtime.us-east-1.amazonaws.com"
        );
        assert_eq!(
            base_url(Service::AgentRuntime, "cn-north-1", None, &none),
            "https://bedrock-agent-runtime.cn-north-1.amazonaws.com.cn"
        );
        let env = env_of(&[
            ("AWS_ENDPOINT_URL", "http://all:1"),
            ("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "http://runtime:2/"),
        ]);
        assert_eq!(
            base_url(Service::Runtime, "us-east-1", None, &env),
            "http://runtime:2"
        );
        assert_eq!(
            base_url(Service::ControlPlane, "us-east-1", None, &env),
            "http://all:1"
        );
        assert_eq!(
            base_url(
                Service::Runtime,
                "us-east-1",
                Some("https://vpce.example/prefix/"),
                &env
            ),
            "https://vpce.example/prefix"
        );
        // upstream_url is a runtime option only.
        assert_eq!(
            base_url(Service::ControlPlane, "us-east-1", Some("https://x"), &env),
            "http://all:1"
        );
    }

    #[test]
    fn model_ids_are_one_encoded_label() {
        assert_eq!(
            model_path("anthropic.claude-3-haiku-20240307-v1:0", "converse").unwrap(),
            "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse"
        );
        assert_eq!(
            model_path(
                "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "converse-stream"
            )
            .unwrap(),
            "/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse-stream"
        );
        assert_eq!(
            model_path(
                "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123",
                "converse"
            )
            .unwrap(),
            "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aapplication-inference-profile%2Fabc123/converse"
        );
        assert_eq!(
            model_path("../../etc/passwd", "converse").unwrap(),
            "/model/..%2F..%2Fetc%2Fpasswd/converse"
        );
        assert!(encode_model_id("..").is_err());
        assert!(encode_model_id("").is_err());
        assert!(encode_model_id("a\nb").is_err());
        assert!(encode_model_id(&"a".repeat(2049)).is_err());
    }

    #[test]
    fn arn_region_wins() {
        assert_eq!(
            arn_region("arn:aws:bedrock:eu-central-1:123:inference-profile/eu.x"),
            Ok(Some("eu-central-1"))
        );
        assert_eq!(
            arn_region("arn:aws-us-gov:bedrock:us-gov-west-1:123:foundation-model/x"),
            Ok(Some("us-gov-west-1"))
        );
        assert_eq!(arn_region("us.anthropic.claude"), Ok(None));
        assert!(arn_region("arn:aws:s3:::bucket").is_err());
    }

    #[test]
    fn a_crafted_arn_region_cannot_redirect_the_host() {
        for arn in [
            "arn:aws:bedrock:x@127.0.0.1/:123456789012:foundation-model/y",
            "arn:aws:bedrock:evil.example.com#:1:foundation-model/y",
            "arn:aws:bedrock:us-east-1.evil.com:1:foundation-model/y",
            "arn:aws:bedrock::1:foundation-model/y",
            "arn:evil:bedrock:us-east-1:1:foundation-model/y",
            "arn:aws:bedrock:US-EAST-1:1:foundation-model/y",
        ] {
            assert!(arn_region(arn).is_err(), "{arn}");
        }
        for region in [
            "us-east-1",
            "ap-southeast-2",
            "us-gov-west-1",
            "cn-north-1",
            "eu-central-2",
        ] {
            assert!(is_region(region), "{region}");
        }
        for region in [
            "",
            "us",
            "us-east",
            "us-east-1a",
            "us_east_1",
            "x@1.2.3.4/-1",
            "us-east-1/",
        ] {
            assert!(!is_region(region), "{region}");
        }
    }

    #[test]
    fn authority_of_urls() {
        assert_eq!(authority("http://127.0.0.1:8080/x"), Some("127.0.0.1:8080"));
        assert_eq!(
            authority("https://bedrock-runtime.us-east-1.amazonaws.com"),
            Some("bedrock-runtime.us-east-1.amazonaws.com")
        );
        assert_eq!(authority("nope"), None);
    }
}
