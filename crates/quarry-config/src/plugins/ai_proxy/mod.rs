//! The `ai-proxy` plugin: validation of its `config` record (Bedrock provider only).

mod auth;
mod foreign;
mod model;
mod types;

pub use types::{
    AiProxy, Auth, BedrockOptions, LlmFormat, Logging, Model, ModelOptions, QuarryExtensions,
    ResponseStreaming, RouteType,
};

use serde_json::Value;

use crate::reader::{check_one_of, key_path, object_at, Ctx};

const GENAI_CATEGORIES: &[&str] = &[
    "audio/speech",
    "audio/transcription",
    "image/generation",
    "text/embeddings",
    "text/generation",
    "video/generation",
];

/// Validates the plugin's `config`; `None` when anything in it is wrong (already reported).
pub(crate) fn parse(
    ctx: &mut Ctx<'_>,
    plugin_path: &str,
    config: Option<&Value>,
) -> Option<AiProxy> {
    let before = ctx.error_count();
    let config_path = key_path(plugin_path, "config");
    let Some(config) = config else {
        ctx.error(&config_path, "is required");
        return None;
    };
    let mut cfg = object_at(ctx, config_path, config)?;

    let route_type = cfg.required_string(ctx, "route_type").and_then(|t| {
        check_one_of(ctx, &cfg.child("route_type"), &t, &RouteType::names())
            .then(|| RouteType::from_name(&t.value))
            .flatten()
    });
    let llm_format = cfg
        .one_of(ctx, "llm_format", &LlmFormat::names())
        .and_then(|v| LlmFormat::from_name(&v))
        .unwrap_or(LlmFormat::Openai);
    let genai_category = cfg
        .one_of(ctx, "genai_category", GENAI_CATEGORIES)
        .unwrap_or_else(|| "text/generation".to_string());
    let model = cfg
        .required(ctx, "model")
        .and_then(|v| object_at(ctx, cfg.child("model"), v))
        .and_then(|m| model::parse(ctx, m));
    let auth = cfg
        .object(ctx, "auth")
        .map(|a| auth::parse(ctx, a))
        .unwrap_or_default();
    let logging = match cfg.object(ctx, "logging") {
        Some(mut l) => {
            let logging = Logging {
                log_statistics: l.bool(ctx, "log_statistics").unwrap_or(false),
                log_payloads: l.bool(ctx, "log_payloads").unwrap_or(false),
            };
            l.finish(ctx);
            logging
        }
        None => Logging::default(),
    };
    let response_streaming = cfg
        .one_of(ctx, "response_streaming", &ResponseStreaming::names())
        .and_then(|v| ResponseStreaming::from_name(&v))
        .unwrap_or(ResponseStreaming::Allow);
    let max_request_body_size = cfg
        .integer(ctx, "max_request_body_size", 0, i64::MAX)
        .and_then(|v| u64::try_from(v).ok())
        .unwrap_or(1_048_576);
    let model_name_header = cfg.bool(ctx, "model_name_header").unwrap_or(true);
    let quarry = match cfg.object(ctx, "quarry") {
        Some(mut q) => {
            let d = QuarryExtensions::default();
            let ext = QuarryExtensions {
                fetch_image_urls: q
                    .bool(ctx, "fetch_image_urls")
                    .unwrap_or(d.fetch_image_urls),
                fetch_max_bytes: q
                    .integer(ctx, "fetch_max_bytes", 1, 100 * 1024 * 1024)
                    .and_then(|v| u64::try_from(v).ok())
                    .unwrap_or(d.fetch_max_bytes),
                fetch_timeout_ms: q
                    .integer(ctx, "fetch_timeout_ms", 1, 600_000)
                    .and_then(|v| u64::try_from(v).ok())
                    .unwrap_or(d.fetch_timeout_ms),
                fetch_allow_private_networks: q
                    .bool(ctx, "fetch_allow_private_networks")
                    .unwrap_or(d.fetch_allow_private_networks),
            };
            q.finish(ctx);
            ext
        }
        None => QuarryExtensions::default(),
    };
    let model_path = cfg.child("model");
    cfg.finish(ctx);
    // OpenAI-format video jobs write their MP4 to S3; Bedrock needs the location up front.
    if route_type == Some(RouteType::VideoGenerations)
        && llm_format == LlmFormat::Openai
        && model
            .as_ref()
            .is_some_and(|m| m.options.bedrock.video_output_s3_uri.is_none())
    {
        ctx.error(
            &format!("{model_path}.options.bedrock.video_output_s3_uri"),
            "is required for route_type video/v1/videos/generations (an s3:// URI where Bedrock \
             writes the generated videos)",
        );
    }

    if ctx.error_count() > before {
        return None;
    }
    Some(AiProxy {
        plugin_path: plugin_path.to_string(),
        route_type: route_type?,
        llm_format,
        genai_category,
        auth,
        model: model?,
        logging,
        response_streaming,
        max_request_body_size,
        model_name_header,
        quarry,
    })
}
