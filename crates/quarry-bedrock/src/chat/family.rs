//! Model families: what a resolved Bedrock model ID says about the model behind it, and the
//! per-family capability table the translators consult (system prompts, sampling conflicts,
//! tool use, prompt caching, reasoning, native structured output).
//!
//! The ID may be a base model ID (`anthropic.claude-sonnet-4-5-20250929-v1:0`), a cross-region
//! inference profile (`us.`, `eu.`, `apac.`, `global.`, `us-gov.`, `jp.`, `au.`, `ca.` + base ID)
//! or a foundation-model / inference-profile ARN (the ID after the last `/`). Application
//! inference profiles and every other ARN are opaque without a control-plane lookup, so they
//! are [`Family::Unknown`], which gets no adjustment at all: Quarry then sends what the client
//! asked for and lets Bedrock judge.

/// Cross-region inference profile prefixes, longest first where one prefixes another.
const REGION_PREFIXES: [&str; 8] = [
    "us-gov.", "us.", "eu.", "apac.", "global.", "jp.", "au.", "ca.",
];

/// Claude's tier, which matters where Bedrock treats tiers of one version differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaudeTier {
    Haiku,
    Sonnet,
    Opus,
    /// `claude-instant-v1`, `claude-v2` and names Quarry does not know.
    Other,
}

/// A Claude model's version, e.g. 4.5 for `claude-sonnet-4-5-…`. `version` is `None` when the
/// name does not parse; such a model is treated as the newest kind (newer names are the ones
/// this table cannot know).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claude {
    pub tier: ClaudeTier,
    pub version: Option<(u8, u8)>,
}

impl Claude {
    /// Whether this is at least `major.minor` (unparsed versions count as new).
    pub fn at_least(&self, major: u8, minor: u8) -> bool {
        self.version.is_none_or(|v| v >= (major, minor))
    }
}

/// The family of a resolved model ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Anthropic(Claude),
    /// Nova Micro, Lite, Pro, Premier.
    NovaV1,
    /// Nova 2 (`amazon.nova-2-…`).
    Nova2,
    /// Meta Llama; `tools` is false for Llama 2 and 3.0, which have no tool use on Converse.
    Llama {
        tools: bool,
    },
    Mistral,
    /// `mistral-7b-instruct` and `mixtral-8x7b-instruct`: no system prompt, no tools.
    MistralLegacyNoSystem,
    /// Titan Text Express / Lite / Premier.
    TitanText,
    CohereCommandR,
    /// `command-text`, `command-light-text`: no system prompt, no tools.
    CohereCommandLegacy,
    DeepSeek,
    OpenAiGptOss,
    Qwen,
    /// A readable model ID of a provider or model this table does not cover.
    Other,
    /// An opaque ID (application inference profile, provisioned or custom model ARN, …).
    Unknown,
}

/// Where a family reads `top_k` (Converse's `inferenceConfig` has no such field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopKField {
    /// `additionalModelRequestFields.<key>` (Claude and Mistral `top_k`, Cohere `k`).
    Key(&'static str),
    /// `additionalModelRequestFields.inferenceConfig.topK` (Nova).
    NovaInferenceConfig,
}

/// Resolves a model ID, inference profile or ARN to its family.
pub fn family(model_id: &str) -> Family {
    let Some(id) = base_id(model_id) else {
        return Family::Unknown;
    };
    let Some((provider, model)) = id.split_once('.') else {
        return Family::Unknown;
    };
    match provider {
        "anthropic" => Family::Anthropic(claude(model)),
        "amazon" => amazon(model),
        "meta" => Family::Llama {
            tools: llama_has_tools(model),
        },
        "mistral" => {
            if model.starts_with("mistral-7b-instruct")
                || model.starts_with("mixtral-8x7b-instruct")
            {
                Family::MistralLegacyNoSystem
            } else {
                Family::Mistral
            }
        }
        "cohere" => {
            if model.starts_with("command-r") {
                Family::CohereCommandR
            } else if model.starts_with("command-text") || model.starts_with("command-light-text") {
                Family::CohereCommandLegacy
            } else {
                Family::Other
            }
        }
        "deepseek" => Family::DeepSeek,
        "openai" if model.starts_with("gpt-oss") => Family::OpenAiGptOss,
        "qwen" => Family::Qwen,
        _ => Family::Other,
    }
}

/// The base model ID inside `model_id`, or `None` for an opaque ARN. Also used by the
/// InvokeModel capabilities (embeddings, images) to pick a body format.
pub(crate) fn base_id(model_id: &str) -> Option<&str> {
    let id = if let Some(arn) = model_id.strip_prefix("arn:") {
        // arn:<partition>:bedrock:<region>:<account>:<type>/<id>
        let resource = arn.splitn(5, ':').nth(4)?;
        let (kind, rest) = resource.split_once('/')?;
        if kind != "foundation-model" && kind != "inference-profile" {
            return None;
        }
        rest.rsplit('/').next()?
    } else {
        model_id
    };
    let id = REGION_PREFIXES
        .iter()
        .find_map(|p| id.strip_prefix(p).filter(|rest| rest.contains('.')))
        .unwrap_or(id);
    Some(id)
}

/// Llama 2 (`llama2-13b-chat-v1`) and 3.0 (`llama3-8b-instruct-v1:0`) have no tool use; 3.1+
/// (`llama3-1-…`, `llama3-2-…`, `llama3-3-…`) and 4 do.
fn llama_has_tools(model: &str) -> bool {
    if model.starts_with("llama2") {
        return false;
    }
    match model.strip_prefix("llama3-") {
        // The size (`8b`) right after `llama3-` marks 3.0; a minor version comes first in 3.x.
        Some(rest) => !rest.split('-').next().is_some_and(|p| p.ends_with('b')),
        None => true,
    }
}

fn amazon(model: &str) -> Family {
    if model.starts_with("titan-text") || model.starts_with("titan-tg1") {
        Family::TitanText
    } else if let Some(rest) = model.strip_prefix("nova-2-") {
        if rest.starts_with("multimodal-embeddings") {
            Family::Other
        } else {
            Family::Nova2
        }
    } else if ["nova-micro", "nova-lite", "nova-pro", "nova-premier"]
        .iter()
        .any(|m| model.starts_with(m))
    {
        Family::NovaV1
    } else {
        Family::Other
    }
}

/// Parses `claude-3-5-sonnet-20241022-v2:0`, `claude-sonnet-4-5-20250929-v1:0`,
/// `claude-opus-4-1-…`, `claude-v2:1`, `claude-instant-v1`.
fn claude(model: &str) -> Claude {
    let Some(name) = model.strip_prefix("claude-") else {
        return Claude {
            tier: ClaudeTier::Other,
            version: None,
        };
    };
    let mut tier = ClaudeTier::Other;
    let mut numbers: Vec<u8> = Vec::with_capacity(2);
    for part in name.split(['-', ':']) {
        match part {
            "haiku" => tier = ClaudeTier::Haiku,
            "sonnet" => tier = ClaudeTier::Sonnet,
            "opus" => tier = ClaudeTier::Opus,
            "instant" => numbers = vec![1],
            p if p.len() <= 2 && !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                if numbers.len() < 2 {
                    numbers.extend(p.parse::<u8>().ok());
                }
            }
            // `v2` of the legacy names is the version; `v1` after a date is the revision.
            p if numbers.is_empty() && p.starts_with('v') => {
                numbers.extend(p[1..].parse::<u8>().ok());
            }
            // The date ends the version.
            p if p.len() == 8 && p.bytes().all(|b| b.is_ascii_digit()) => break,
            _ => {
                if !numbers.is_empty() && tier != ClaudeTier::Other {
                    break;
                }
            }
        }
    }
    let version = match numbers.as_slice() {
        [major] => Some((*major, 0)),
        [major, minor, ..] => Some((*major, *minor)),
        [] => None,
    };
    Claude { tier, version }
}

impl Family {
    /// Bedrock refuses a `system` field for these models.
    pub fn rejects_system(self) -> bool {
        matches!(
            self,
            Family::TitanText | Family::MistralLegacyNoSystem | Family::CohereCommandLegacy
        )
    }

    /// Claude 4.5+ and Opus 4.1+ refuse `temperature` together with `topP`.
    pub fn rejects_temperature_with_top_p(self) -> bool {
        match self {
            Family::Anthropic(c) => {
                c.at_least(4, 5) || (c.tier == ClaudeTier::Opus && c.at_least(4, 1))
            }
            _ => false,
        }
    }

    /// How the family takes `top_k` through `additionalModelRequestFields`, if at all.
    pub fn top_k_field(self) -> Option<TopKField> {
        match self {
            Family::Anthropic(_) | Family::Mistral | Family::Unknown | Family::Other => {
                Some(TopKField::Key("top_k"))
            }
            Family::CohereCommandR => Some(TopKField::Key("k")),
            Family::NovaV1 | Family::Nova2 => Some(TopKField::NovaInferenceConfig),
            _ => None,
        }
    }

    /// Whether the model has tool use on Converse.
    pub fn supports_tools(self) -> bool {
        !matches!(
            self,
            Family::TitanText
                | Family::MistralLegacyNoSystem
                | Family::CohereCommandLegacy
                | Family::Llama { tools: false }
        )
    }

    /// Where Bedrock accepts `cachePoint` blocks: `(system and messages, tools)`. Unknown IDs
    /// keep every cache point; families without prompt caching lose them all.
    pub fn cache_points(self) -> (bool, bool) {
        match self {
            Family::Anthropic(_) | Family::Unknown => (true, true),
            Family::NovaV1 | Family::Nova2 => (true, false),
            _ => (false, false),
        }
    }

    /// Nova refuses a `cachePoint` right after a `toolResult` block (LiteLLM #17479).
    pub fn rejects_cache_point_after_tool_result(self) -> bool {
        matches!(self, Family::NovaV1 | Family::Nova2)
    }

    /// Whether `response_format: json_schema` maps to Converse's native `outputConfig`
    /// (otherwise a forced tool emulates it). Unknown IDs keep the native mapping, as before
    /// families existed.
    pub fn native_structured_output(self) -> bool {
        match self {
            Family::Anthropic(c) => c.at_least(4, 5),
            Family::OpenAiGptOss | Family::Qwen | Family::DeepSeek | Family::Unknown => true,
            _ => false,
        }
    }

    /// Whether a tool's `strict` flag is forwarded: the models with native structured output.
    pub fn accepts_strict_tools(self) -> bool {
        self.native_structured_output()
    }

    /// Whether the model has Anthropic's extended thinking (Claude 3.7 and later).
    pub fn anthropic_thinking(self) -> bool {
        matches!(self, Family::Anthropic(c) if c.at_least(3, 7))
    }
}
