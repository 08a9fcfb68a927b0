//! `config.model` and `config.model.options`, including `options.bedrock`.

use super::foreign::{self, record, scalar, Foreign, Unset};
use super::types::{BedrockOptions, Model, ModelOptions};
use crate::reader::{Ctx, Obj, Text};

const FOREIGN_OPTIONS: &[Foreign] = &[
    scalar("anthropic_version", Unset::Null),
    scalar("azure_api_version", Unset::Str("2023-05-15")),
    scalar("azure_deployment_id", Unset::Null),
    scalar("azure_instance", Unset::Null),
    scalar("cache_write_cost_list", Unset::EmptyArray),
    scalar("context_window_factor", Unset::EmptyArray),
    scalar("service_tier_factor", Unset::EmptyArray),
    scalar("llama2_format", Unset::Null),
    scalar("mistral_format", Unset::Null),
    scalar("upstream_path", Unset::Null),
    record("dashscope", &[("international", Unset::Bool(true))]),
    record("databricks", &[("workspace_instance_id", Unset::Null)]),
    record(
        "gemini",
        &[
            ("api_endpoint", Unset::Null),
            ("endpoint_id", Unset::Null),
            ("location_id", Unset::Null),
            ("project_id", Unset::Null),
        ],
    ),
    record(
        "huggingface",
        &[("use_cache", Unset::Null), ("wait_for_model", Unset::Null)],
    ),
];

const COHERE_INPUT_TYPES: &[&str] = &[
    "classification",
    "clustering",
    "image",
    "search_document",
    "search_query",
];

/// Parses `config.model`; `None` only when the provider is missing or not Bedrock.
pub(super) fn parse(ctx: &mut Ctx<'_>, mut model: Obj<'_>) -> Option<Model> {
    let provider = model.required_string(ctx, "provider");
    let provider_ok = match &provider {
        Some(p) if p.value == "bedrock" => true,
        Some(p) => {
            ctx.error(
                &model.child("provider"),
                format!(
                    "only \"bedrock\" is supported by Quarry, got {}",
                    p.describe()
                ),
            );
            false
        }
        None => false,
    };
    let name = model.nonempty(ctx, "name");
    let model_alias = model.nonempty(ctx, "model_alias");
    let options = model
        .object(ctx, "options")
        .map(|o| options(ctx, o))
        .unwrap_or_default();
    model.finish(ctx);
    provider_ok.then(|| Model {
        provider: "bedrock".to_string(),
        name,
        model_alias,
        options,
    })
}

/// The region becomes part of Bedrock's host name, so only region-shaped values pass.
fn region(ctx: &mut Ctx<'_>, b: &mut Obj<'_>) -> Option<String> {
    let value = b.nonempty(ctx, "aws_region")?;
    let shaped = regex::Regex::new(r"^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$")
        .map(|re| re.is_match(&value))
        .unwrap_or(false);
    if shaped {
        Some(value)
    } else {
        ctx.error(
            &b.child("aws_region"),
            format!("must be an AWS region such as us-east-1, got {value:?}"),
        );
        None
    }
}

fn options(ctx: &mut Ctx<'_>, mut o: Obj<'_>) -> ModelOptions {
    let u32_max = i64::from(u32::MAX);
    let mut parsed = ModelOptions {
        max_tokens: o
            .integer(ctx, "max_tokens", 1, u32_max)
            .and_then(|v| u32::try_from(v).ok()),
        temperature: o.number(ctx, "temperature", 0.0, Some(5.0)),
        top_p: o.number(ctx, "top_p", 0.0, Some(1.0)),
        top_k: o
            .integer(ctx, "top_k", 0, 500)
            .and_then(|v| u32::try_from(v).ok()),
        upstream_url: http_url(ctx, &mut o, "upstream_url"),
        input_cost: o.number(ctx, "input_cost", 0.0, None),
        output_cost: o.number(ctx, "output_cost", 0.0, None),
        cache_read_cost: o.number(ctx, "cache_read_cost", 0.0, None),
        cache_write_cost: o.number(ctx, "cache_write_cost", 0.0, None),
        embeddings_dimensions: o
            .integer(ctx, "embeddings_dimensions", 1, u32_max)
            .and_then(|v| u32::try_from(v).ok()),
        bedrock: o
            .object(ctx, "bedrock")
            .map(|b| bedrock(ctx, b))
            .unwrap_or_default(),
        cohere_embedding_input_type: None,
    };
    if parsed.temperature.is_some_and(|t| t > 1.0) {
        ctx.warn(format!(
            "{}: Bedrock models accept temperature 0 to 1; Bedrock will refuse requests with a higher value",
            o.child("temperature")
        ));
    }
    if let Some(mut cohere) = o.object(ctx, "cohere") {
        // Bedrock serves Cohere embedding models, so their input type is meaningful here.
        parsed.cohere_embedding_input_type =
            cohere.one_of(ctx, "embedding_input_type", COHERE_INPUT_TYPES);
        foreign::check(ctx, &mut cohere, &[scalar("wait_for_model", Unset::Null)]);
        cohere.finish(ctx);
    }
    foreign::check(ctx, &mut o, FOREIGN_OPTIONS);
    o.finish(ctx);
    parsed
}

fn bedrock(ctx: &mut Ctx<'_>, mut b: Obj<'_>) -> BedrockOptions {
    let parsed = BedrockOptions {
        aws_region: region(ctx, &mut b),
        aws_assume_role_arn: arn(ctx, &mut b, "aws_assume_role_arn"),
        aws_role_session_name: b.nonempty(ctx, "aws_role_session_name"),
        aws_sts_endpoint_url: http_url(ctx, &mut b, "aws_sts_endpoint_url"),
        embeddings_normalize: b.bool(ctx, "embeddings_normalize").unwrap_or(false),
        performance_config_latency: b.one_of(
            ctx,
            "performance_config_latency",
            &["standard", "optimized"],
        ),
        video_output_s3_uri: s3_uri(ctx, &mut b, "video_output_s3_uri"),
        batch_bucket_prefix: s3_uri(ctx, &mut b, "batch_bucket_prefix"),
        batch_role_arn: arn(ctx, &mut b, "batch_role_arn"),
    };
    b.finish(ctx);
    parsed
}

/// Reads `key` and checks it with `valid`, reporting `want` on failure.
fn checked(
    ctx: &mut Ctx<'_>,
    obj: &mut Obj<'_>,
    key: &'static str,
    want: &str,
    valid: fn(&str) -> bool,
) -> Option<String> {
    let text: Text = obj.string(ctx, key)?;
    if valid(&text.value) {
        Some(text.value)
    } else {
        ctx.error(
            &obj.child(key),
            format!("must be {want}, got {}", text.describe()),
        );
        None
    }
}

fn http_url(ctx: &mut Ctx<'_>, obj: &mut Obj<'_>, key: &'static str) -> Option<String> {
    checked(
        ctx,
        obj,
        key,
        "an absolute http:// or https:// URL",
        is_http_url,
    )
}

fn arn(ctx: &mut Ctx<'_>, obj: &mut Obj<'_>, key: &'static str) -> Option<String> {
    checked(ctx, obj, key, "an IAM role ARN (arn:...:role/...)", |s| {
        s.starts_with("arn:") && s.contains(":role/")
    })
}

fn s3_uri(ctx: &mut Ctx<'_>, obj: &mut Obj<'_>, key: &'static str) -> Option<String> {
    checked(ctx, obj, key, "an S3 URI (s3://bucket/prefix)", |s| {
        s.strip_prefix("s3://").is_some_and(|rest| {
            let bucket = rest.split('/').next().unwrap_or_default();
            !bucket.is_empty()
        })
    })
}

/// `http(s)://host...` with a non-empty host and no whitespace.
fn is_http_url(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
            !host.is_empty() && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_urls() {
        assert!(is_http_url("http://localhost:4566"));
        assert!(is_http_url(
            "HTTPS://bedrock-runtime.us-east-1.amazonaws.com/x"
        ));
        assert!(!is_http_url("ftp://x"));
        assert!(!is_http_url("http://"));
        assert!(!is_http_url("http:///path"));
        assert!(!is_http_url("localhost:8080"));
        assert!(!is_http_url("http://a b"));
    }
}
