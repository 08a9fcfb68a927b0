//! OpenAI chat / completion requests → Converse requests: the entry points, sampling
//! parameters, route defaults, and the per-family adjustments decided by the resolved model ID
//! (see `family.rs`):
//! - models that refuse `system` (Titan Text, Mistral 7B / Mixtral 8x7B, Cohere Command /
//!   Command Light) get the system text prepended to the first user message,
//!   `"<system>\n\n<user text>"`;
//! - models that refuse `temperature` with `topP` (Claude 4.5+, Opus 4.1+) keep `temperature`
//!   and lose `topP` when both are set (by the client or the route);
//! - models without tool use on Converse get a 400 on `tools`;
//! - a non-streaming request loses `guardrailConfig.streamProcessingMode`, which only
//!   ConverseStream accepts.
//!
//! The family-less entry points (`converse_from_chat`, `converse_from_completion`) make no
//! adjustment, as for an opaque model ID.

use quarry_openai::chat::{ChatRequest, Stop};
use quarry_openai::completions::CompletionRequest;
use serde_json::{Map, Value};

use super::family::{family, Family, TopKField};
use super::messages::map_messages;
use super::structured::{self, Plan};
use super::{cache, passthrough, reasoning, tools, ChatDefaults, TranslateError};
use crate::wire::{
    ContentBlock, ConversationRole, ConverseRequest, InferenceConfig, Message, PerformanceConfig,
    SystemContentBlock, Tool,
};

/// What the translation knows about the call: the model's family and, when known, whether it
/// goes to ConverseStream.
#[derive(Debug, Clone, Copy)]
struct Target<'a> {
    model_id: &'a str,
    family: Family,
    stream: Option<bool>,
}

impl<'a> Target<'a> {
    fn resolve(model_id: &'a str, stream: bool) -> Self {
        Self {
            model_id,
            family: family(model_id),
            stream: Some(stream),
        }
    }

    const UNKNOWN: Target<'static> = Target {
        model_id: "",
        family: Family::Unknown,
        stream: None,
    };
}

/// Translates a chat completion request with no model-family adjustment. Prefer
/// [`converse_from_chat_for_model`].
pub fn converse_from_chat(
    req: &ChatRequest,
    defaults: &ChatDefaults,
) -> Result<ConverseRequest, TranslateError> {
    chat(req, defaults, Target::UNKNOWN)
}

/// Translates a chat completion request for `model_id` (the resolved Bedrock model ID,
/// inference profile or ARN, not `req.model`), for Converse or, with `stream`, ConverseStream.
pub fn converse_from_chat_for_model(
    req: &ChatRequest,
    defaults: &ChatDefaults,
    model_id: &str,
    stream: bool,
) -> Result<ConverseRequest, TranslateError> {
    chat(req, defaults, Target::resolve(model_id, stream))
}

/// Translates a legacy completion request with no model-family adjustment. Prefer
/// [`converse_from_completion_for_model`].
pub fn converse_from_completion(
    req: &CompletionRequest,
    defaults: &ChatDefaults,
) -> Result<ConverseRequest, TranslateError> {
    completion(req, defaults, Target::UNKNOWN)
}

/// Translates a legacy completion request for `model_id`, like [`converse_from_chat_for_model`].
pub fn converse_from_completion_for_model(
    req: &CompletionRequest,
    defaults: &ChatDefaults,
    model_id: &str,
    stream: bool,
) -> Result<ConverseRequest, TranslateError> {
    completion(req, defaults, Target::resolve(model_id, stream))
}

fn chat(
    req: &ChatRequest,
    defaults: &ChatDefaults,
    target: Target<'_>,
) -> Result<ConverseRequest, TranslateError> {
    if let Some(n) = req.n.filter(|&n| n != 1) {
        return Err(TranslateError::at(
            "n",
            format!("n must be 1 (got {n}): Bedrock returns one choice per request"),
        ));
    }
    if req.logprobs == Some(true) {
        return Err(TranslateError::at(
            "logprobs",
            "logprobs is not supported: Bedrock does not return token log probabilities",
        ));
    }
    refuse_unsupported_sampling(
        req.frequency_penalty.as_ref(),
        req.presence_penalty.as_ref(),
        req.logit_bias.as_ref(),
    )?;
    if req.top_logprobs.is_some_and(|n| n > 0) {
        return Err(TranslateError::at(
            "top_logprobs",
            "top_logprobs is not supported: Bedrock does not return token log probabilities",
        ));
    }
    let family = target.family;
    let effort = reasoning::parse_effort(req.reasoning_effort.as_ref())?;
    let plan = structured::plan(req.response_format.as_ref(), family)?;

    let conversation = map_messages(&req.messages)?;
    let mut out = ConverseRequest {
        messages: conversation.messages,
        system: conversation.system,
        ..ConverseRequest::default()
    };
    let offered = tools::tool_config(
        req.tools.as_ref(),
        req.tool_choice.as_ref(),
        &out.messages,
        family,
    )?;
    out.tool_config = offered.config;
    if out.tool_config.is_some() && !family.supports_tools() {
        let (param, why) = if offered.client_tools {
            ("tools", "remove tools")
        } else {
            ("messages", "the history holds tool calls or tool results")
        };
        return Err(TranslateError::at(
            param,
            format!(
                "model '{}' does not support tool use on Bedrock ({why})",
                target.model_id
            ),
        ));
    }
    match plan {
        Plan::None => {}
        Plan::Native(config) => out.output_config = Some(config),
        Plan::Tool(spec) => structured::attach(&mut out.tool_config, spec, offered.client_tools),
    }

    let sampling = Sampling {
        // OpenAI deprecated max_tokens for chat in favour of max_completion_tokens.
        max_tokens: req.max_completion_tokens.or(req.max_tokens),
        temperature: req.temperature,
        top_p: req.top_p,
        top_k: req.top_k,
        stop: req.stop.as_ref(),
    };
    finish(&mut out, sampling, &req.extra, defaults, target)?;
    reasoning::apply_effort(&mut out, family, effort);
    if reasoning::thinking_enabled(&out) {
        reasoning::unforce_tool_choice(&mut out);
        reasoning::fit_sampling_to_thinking(&mut out, family);
    }
    if family.rejects_system() {
        move_system_to_first_user_message(&mut out);
    }
    let tool_points = out
        .tool_config
        .as_ref()
        .is_some_and(|c| c.tools.iter().any(|t| matches!(t, Tool::CachePoint(_))));
    if conversation.cache_points || tool_points {
        cache::place(&mut out, family);
    }
    Ok(out)
}

/// A legacy completion request: the prompt becomes one user message.
fn completion(
    req: &CompletionRequest,
    defaults: &ChatDefaults,
    target: Target<'_>,
) -> Result<ConverseRequest, TranslateError> {
    if let Some(n) = req.n.filter(|&n| n != 1) {
        return Err(TranslateError::at(
            "n",
            format!("n must be 1 (got {n}): Bedrock returns one choice per request"),
        ));
    }
    refuse_unsupported_sampling(
        req.extra.get("frequency_penalty"),
        req.extra.get("presence_penalty"),
        req.extra.get("logit_bias"),
    )?;
    if let Some(b) = req.best_of.filter(|&b| b > 1) {
        return Err(TranslateError::at(
            "best_of",
            format!("best_of must be 1 (got {b}): Bedrock returns one candidate per request"),
        ));
    }
    if req.echo == Some(true) {
        return Err(TranslateError::at(
            "echo",
            "echo is not supported: Bedrock does not return the prompt",
        ));
    }
    if req.suffix.as_deref().is_some_and(|s| !s.is_empty()) {
        return Err(TranslateError::at(
            "suffix",
            "suffix is not supported: Bedrock models do not insert text before a suffix",
        ));
    }
    let wants_logprobs = match &req.logprobs {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::Number(n)) => n.as_u64() != Some(0),
        Some(_) => true,
    };
    if wants_logprobs {
        return Err(TranslateError::at(
            "logprobs",
            "logprobs is not supported: Bedrock does not return token log probabilities",
        ));
    }

    let prompt = prompt_text(req.prompt.as_ref())?;
    if prompt.trim().is_empty() {
        return Err(TranslateError::at(
            "prompt",
            "prompt must contain non-whitespace text",
        ));
    }
    let mut out = ConverseRequest {
        messages: vec![Message {
            role: ConversationRole::User,
            content: vec![ContentBlock::Text(prompt.to_owned())],
        }],
        ..ConverseRequest::default()
    };
    let sampling = Sampling {
        max_tokens: req.max_tokens,
        temperature: req.temperature,
        top_p: req.top_p,
        top_k: req.top_k,
        stop: req.stop.as_ref(),
    };
    finish(&mut out, sampling, &req.extra, defaults, target)?;
    Ok(out)
}

/// A string, or a list holding exactly one string; token arrays and batches are refused.
fn prompt_text(prompt: Option<&Value>) -> Result<&str, TranslateError> {
    let token_error = || {
        TranslateError::at(
            "prompt",
            "token arrays are not supported as prompt: send the prompt as text",
        )
    };
    match prompt {
        Some(Value::String(s)) => Ok(s),
        Some(Value::Array(items)) => match items.as_slice() {
            [Value::String(s)] => Ok(s),
            [] => Err(TranslateError::at(
                "prompt",
                "prompt must not be an empty list",
            )),
            [Value::String(_), ..] => Err(TranslateError::at(
                "prompt",
                format!(
                    "a list of {} prompts is not supported: Bedrock completes one prompt per \
                     request, send them one by one",
                    items.len()
                ),
            )),
            _ => Err(token_error()),
        },
        None | Some(Value::Null) => Err(TranslateError::at("prompt", "prompt is required")),
        Some(_) => Err(TranslateError::at("prompt", "prompt must be a string")),
    }
}

/// OpenAI sampling knobs Converse has no equivalent for: a neutral value (0, `{}`) is what
/// many SDKs and frameworks send by default and is accepted; any other value would silently
/// change nothing, so it is refused. `seed` is accepted and ignored, as OpenAI itself only
/// promises best-effort determinism.
fn refuse_unsupported_sampling(
    frequency_penalty: Option<&Value>,
    presence_penalty: Option<&Value>,
    logit_bias: Option<&Value>,
) -> Result<(), TranslateError> {
    for (key, value) in [
        ("frequency_penalty", frequency_penalty),
        ("presence_penalty", presence_penalty),
    ] {
        match value {
            None | Some(Value::Null) => {}
            Some(v) if v.as_f64() == Some(0.0) => {}
            Some(_) => {
                return Err(TranslateError::at(
                    key,
                    format!(
                        "{key} is not supported by Bedrock's Converse API (only 0 is accepted)"
                    ),
                ))
            }
        }
    }
    match logit_bias {
        None | Some(Value::Null) => Ok(()),
        Some(Value::Object(m)) if m.is_empty() => Ok(()),
        Some(_) => Err(TranslateError::at(
            "logit_bias",
            "logit_bias is not supported by Bedrock's Converse API",
        )),
    }
}

/// Sampling parameters shared by chat and completions.
struct Sampling<'a> {
    max_tokens: Option<u32>,
    temperature: Option<f64>,
    top_p: Option<f64>,
    top_k: Option<u32>,
    stop: Option<&'a Stop>,
}

/// Inference config, passthrough fields, `top_k` and route defaults, in that precedence; then
/// the family's sampling rule and the stream-only guardrail field.
fn finish(
    out: &mut ConverseRequest,
    s: Sampling<'_>,
    extra: &Map<String, Value>,
    defaults: &ChatDefaults,
    target: Target<'_>,
) -> Result<(), TranslateError> {
    let stop_sequences: Vec<String> = s
        .stop
        .map(|stop| {
            stop.iter()
                .filter(|seq| !seq.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let mut inference = InferenceConfig {
        max_tokens: s.max_tokens.or(defaults.max_tokens),
        temperature: s.temperature.or(defaults.temperature),
        top_p: s.top_p.or(defaults.top_p),
        stop_sequences: (!stop_sequences.is_empty()).then_some(stop_sequences),
    };
    if inference.temperature.is_some() && target.family.rejects_temperature_with_top_p() {
        inference.top_p = None;
    }
    out.inference_config = (!inference.is_empty()).then_some(inference);

    let passthrough_top_k = passthrough::apply(extra, out)?;
    let client_top_k = s.top_k.or(passthrough_top_k);
    if let Some(k) = client_top_k.or(defaults.top_k) {
        let fields = out
            .additional_model_request_fields
            .get_or_insert_with(Map::new);
        match target.family.top_k_field() {
            // A client's value replaces one sent in additionalModelRequestFields; a route
            // default only fills a gap.
            Some(TopKField::Key(key)) if client_top_k.is_some() => {
                fields.insert(key.to_owned(), Value::from(k));
            }
            Some(TopKField::Key(key)) => {
                fields.entry(key).or_insert_with(|| Value::from(k));
            }
            Some(TopKField::NovaInferenceConfig) => {
                let config = fields
                    .entry("inferenceConfig")
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(config) = config {
                    if client_top_k.is_some() || !config.contains_key("topK") {
                        config.insert("topK".to_owned(), Value::from(k));
                    }
                }
            }
            // The route's default simply does not apply to a model without top_k.
            None if client_top_k.is_none() => {}
            None => {
                return Err(TranslateError::at(
                    "top_k",
                    "this model does not accept top_k on Bedrock",
                ))
            }
        }
        if fields.is_empty() {
            out.additional_model_request_fields = None;
        }
    }
    if let Some(latency) = &defaults.performance_config_latency {
        out.performance_config
            .get_or_insert_with(PerformanceConfig::default)
            .latency = Some(latency.clone());
    }
    if target.stream == Some(false) {
        if let Some(Value::Object(guardrail)) = out.guardrail_config.as_mut() {
            guardrail.remove("streamProcessingMode");
        }
    }
    Ok(())
}

/// For models that refuse `system`: the system text (parts joined by a blank line) opens the
/// first user message instead.
fn move_system_to_first_user_message(out: &mut ConverseRequest) {
    let mut text = String::new();
    for block in out.system.drain(..) {
        if let SystemContentBlock::Text(t) = block {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(&t);
        }
    }
    if text.is_empty() {
        return;
    }
    let Some(first) = out
        .messages
        .iter_mut()
        .find(|m| m.role == ConversationRole::User)
    else {
        return;
    };
    match first.content.first_mut() {
        Some(ContentBlock::Text(user)) => {
            text.push_str("\n\n");
            text.push_str(user);
            *user = text;
        }
        _ => first.content.insert(0, ContentBlock::Text(text)),
    }
}
