//! Runtime types for a validated `ai-proxy` plugin (Kong's schema, Bedrock provider only).

use crate::secret::Secret;

/// A validated `ai-proxy` plugin with Kong's defaults applied.
#[derive(Debug, Clone)]
pub struct AiProxy {
    /// Where the plugin was declared, e.g. `services[0].plugins[0]` or `plugins[1]`.
    pub plugin_path: String,
    pub route_type: RouteType,
    pub llm_format: LlmFormat,
    /// Kong default `text/generation`.
    pub genai_category: String,
    pub auth: Auth,
    pub model: Model,
    pub logging: Logging,
    pub response_streaming: ResponseStreaming,
    /// Bytes; default 1048576 (Kong 3.13+); 0 means unlimited.
    pub max_request_body_size: u64,
    /// Emit `X-Kong-LLM-Model`; default true.
    pub model_name_header: bool,
    /// Quarry's own settings (`config.quarry`), which Kong does not have.
    pub quarry: QuarryExtensions,
}

/// `config.quarry`: behaviour beyond Kong's schema, namespaced so a reader sees at once what
/// Kong would not understand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarryExtensions {
    /// Fetch `http(s)` image URLs in chat requests and send their bytes to Bedrock (which only
    /// takes bytes). Off by default: fetching client-given URLs is a server-side request.
    pub fetch_image_urls: bool,
    /// Largest image fetched, in bytes (default 3.75 MiB, Bedrock's per-image limit).
    pub fetch_max_bytes: u64,
    /// Time limit for one fetch, connect to last byte (default 5000 ms).
    pub fetch_timeout_ms: u64,
    /// Allow URLs that resolve to loopback, private, link-local or other non-public addresses
    /// (default false: such fetches are refused, which keeps instance metadata out of reach).
    pub fetch_allow_private_networks: bool,
}

impl Default for QuarryExtensions {
    fn default() -> Self {
        Self {
            fetch_image_urls: false,
            fetch_max_bytes: 3_932_160,
            fetch_timeout_ms: 5_000,
            fetch_allow_private_networks: false,
        }
    }
}

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in Kong's spelling.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Kong's spelling of the value.
            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub(crate) fn names() -> Vec<&'static str> {
                Self::ALL.iter().map(|v| v.as_str()).collect()
            }

            pub(crate) fn from_name(name: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == name)
            }
        }
    };
}

string_enum! {
    /// `config.route_type`: which OpenAI-style API the route serves.
    RouteType {
        Chat => "llm/v1/chat",
        Completions => "llm/v1/completions",
        Embeddings => "llm/v1/embeddings",
        Files => "llm/v1/files",
        Batches => "llm/v1/batches",
        Assistants => "llm/v1/assistants",
        Responses => "llm/v1/responses",
        AudioSpeech => "audio/v1/audio/speech",
        AudioTranscriptions => "audio/v1/audio/transcriptions",
        AudioTranslations => "audio/v1/audio/translations",
        ImageGenerations => "image/v1/images/generations",
        ImageEdits => "image/v1/images/edits",
        VideoGenerations => "video/v1/videos/generations",
        Realtime => "realtime/v1/realtime",
        Preserve => "preserve",
    }
}

string_enum! {
    /// `config.llm_format`: the wire format clients speak (`bedrock` = native passthrough).
    LlmFormat {
        Openai => "openai",
        Bedrock => "bedrock",
        Anthropic => "anthropic",
        Cohere => "cohere",
        Gemini => "gemini",
        Huggingface => "huggingface",
    }
}

string_enum! {
    /// `config.response_streaming`.
    ResponseStreaming {
        Allow => "allow",
        Deny => "deny",
        Always => "always",
    }
}

/// `config.logging`.
#[derive(Debug, Clone, Default)]
pub struct Logging {
    pub log_statistics: bool,
    pub log_payloads: bool,
}

/// `config.auth`. Pairs (`aws_*`, `header_*`, `param_*`) are either all set or all unset.
#[derive(Debug, Clone, Default)]
pub struct Auth {
    pub aws_access_key_id: Option<Secret>,
    pub aws_secret_access_key: Option<Secret>,
    pub header_name: Option<String>,
    pub header_value: Option<Secret>,
    pub param_name: Option<String>,
    pub param_value: Option<Secret>,
    /// `query` or `body`.
    pub param_location: Option<String>,
    /// Always false for Bedrock (Kong's rule); kept for completeness.
    pub allow_override: bool,
}

/// `config.model`.
#[derive(Debug, Clone)]
pub struct Model {
    /// Always `bedrock`.
    pub provider: String,
    /// When unset, the model comes from the request body.
    pub name: Option<String>,
    pub model_alias: Option<String>,
    pub options: ModelOptions,
}

/// `config.model.options` (the provider-neutral ones plus `bedrock`).
#[derive(Debug, Clone, Default)]
pub struct ModelOptions {
    pub max_tokens: Option<u32>,
    pub temperature: Option<f64>,
    pub top_p: Option<f64>,
    pub top_k: Option<u32>,
    /// Absolute `http://` or `https://` URL replacing the Bedrock endpoint.
    pub upstream_url: Option<String>,
    /// Cost per 1M tokens.
    pub input_cost: Option<f64>,
    pub output_cost: Option<f64>,
    pub cache_read_cost: Option<f64>,
    pub cache_write_cost: Option<f64>,
    pub embeddings_dimensions: Option<u32>,
    /// `cohere.embedding_input_type` (Cohere Embed's `input_type`); unset means Kong's default,
    /// `classification`, which the embeddings translator applies.
    pub cohere_embedding_input_type: Option<String>,
    pub bedrock: BedrockOptions,
}

/// `config.model.options.bedrock`.
#[derive(Debug, Clone, Default)]
pub struct BedrockOptions {
    pub aws_region: Option<String>,
    pub aws_assume_role_arn: Option<String>,
    pub aws_role_session_name: Option<String>,
    pub aws_sts_endpoint_url: Option<String>,
    pub embeddings_normalize: bool,
    /// `standard` or `optimized`.
    pub performance_config_latency: Option<String>,
    pub video_output_s3_uri: Option<String>,
    pub batch_bucket_prefix: Option<String>,
    pub batch_role_arn: Option<String>,
}
