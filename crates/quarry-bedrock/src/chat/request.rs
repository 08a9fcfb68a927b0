//! OpenAI chat / completion requests → Converse requests.
//!
//! Bedrock is stricter than OpenAI about conversations: no blank text blocks, roles must
//! alternate, the first message must be the user's. What can be repaired without changing the
//! meaning is repaired (blank blocks dropped, same-role neighbours merged); what cannot is a
//! 400 naming the message, rather than a Bedrock error the client cannot map back.

use quarry_openai::chat::{
    ChatRequest, Content, ContentPart, Message as OpenAiMessage, Role, Stop,
};
use quarry_openai::completions::CompletionRequest;
use serde_json::{Map, Value};

use super::{passthrough, tools, ChatDefaults, TranslateError};
use crate::wire::{
    ContentBlock, ConversationRole, ConverseRequest, InferenceConfig, Message, PerformanceConfig,
    SystemContentBlock,
};

/// Translates a chat completion request. `req.model` is not used: the route decides the model.
pub fn converse_from_chat(
    req: &ChatRequest,
    defaults: &ChatDefaults,
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
    if req.top_logprobs.is_some_and(|n| n > 0) {
        return Err(TranslateError::at(
            "logprobs",
            "top_logprobs is not supported: Bedrock does not return token log probabilities",
        ));
    }

    let conversation = map_messages(&req.messages)?;
    let mut out = ConverseRequest {
        messages: conversation.messages,
        system: conversation.system,
        ..ConverseRequest::default()
    };
    out.tool_config =
        tools::tool_config(req.tools.as_ref(), req.tool_choice.as_ref(), &out.messages)?;
    out.output_config = tools::output_config(req.response_format.as_ref())?;

    let sampling = Sampling {
        // OpenAI deprecated max_tokens for chat in favour of max_completion_tokens.
        max_tokens: req.max_completion_tokens.or(req.max_tokens),
        temperature: req.temperature,
        top_p: req.top_p,
        top_k: req.top_k,
        stop: req.stop.as_ref(),
    };
    finish(&mut out, sampling, &req.extra, defaults)?;
    Ok(out)
}

/// Translates a legacy completion request: the prompt becomes one user message.
pub fn converse_from_completion(
    req: &CompletionRequest,
    defaults: &ChatDefaults,
) -> Result<ConverseRequest, TranslateError> {
    if let Some(n) = req.n.filter(|&n| n != 1) {
        return Err(TranslateError::at(
            "n",
            format!("n must be 1 (got {n}): Bedrock returns one choice per request"),
        ));
    }
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
    finish(&mut out, sampling, &req.extra, defaults)?;
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

/// Sampling parameters shared by chat and completions.
struct Sampling<'a> {
    max_tokens: Option<u32>,
    temperature: Option<f64>,
    top_p: Option<f64>,
    top_k: Option<u32>,
    stop: Option<&'a Stop>,
}

/// Inference config, passthrough fields, `top_k` and route defaults, in that precedence.
fn finish(
    out: &mut ConverseRequest,
    s: Sampling<'_>,
    extra: &Map<String, Value>,
    defaults: &ChatDefaults,
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
    let inference = InferenceConfig {
        max_tokens: s.max_tokens.or(defaults.max_tokens),
        temperature: s.temperature.or(defaults.temperature),
        top_p: s.top_p.or(defaults.top_p),
        stop_sequences: (!stop_sequences.is_empty()).then_some(stop_sequences),
    };
    out.inference_config = (!inference.is_empty()).then_some(inference);

    let passthrough_top_k = passthrough::apply(extra, out)?;
    let top_k = s.top_k.or(passthrough_top_k);
    if let Some(k) = top_k {
        out.additional_model_request_fields
            .get_or_insert_with(Map::new)
            .insert("top_k".to_owned(), Value::from(k));
    } else if let Some(k) = defaults.top_k {
        let fields = out
            .additional_model_request_fields
            .get_or_insert_with(Map::new);
        fields.entry("top_k").or_insert_with(|| Value::from(k));
    }
    if let Some(latency) = &defaults.performance_config_latency {
        out.performance_config
            .get_or_insert_with(PerformanceConfig::default)
            .latency = Some(latency.clone());
    }
    Ok(())
}

/// The system prompt and the alternating conversation built from OpenAI messages.
struct Conversation {
    system: Vec<SystemContentBlock>,
    messages: Vec<Message>,
}

fn map_messages(messages: &[OpenAiMessage]) -> Result<Conversation, TranslateError> {
    let mut system = Vec::new();
    let mut out: Vec<Message> = Vec::with_capacity(messages.len());
    // Index in the client's list of the message that opened the first Converse message.
    let mut first_origin: Option<usize> = None;

    for (i, m) in messages.iter().enumerate() {
        let (role, blocks) = match m.role {
            Role::System | Role::Developer => {
                system_blocks(i, m, &mut system)?;
                continue;
            }
            Role::User => (ConversationRole::User, text_blocks(i, m)?),
            Role::Assistant => {
                let mut blocks = text_blocks(i, m)?;
                blocks.extend(tools::tool_use_blocks(i, m)?);
                (ConversationRole::Assistant, blocks)
            }
            // Bedrock carries tool results in a user turn.
            Role::Tool => (
                ConversationRole::User,
                vec![tools::tool_result_block(i, m)?],
            ),
            Role::Function => {
                return Err(TranslateError::at(
                    format!("messages[{i}].role"),
                    "role 'function' is not supported: send function results as role 'tool' \
                     messages with tool_call_id",
                ))
            }
        };
        if blocks.is_empty() {
            continue;
        }
        match out.last_mut() {
            Some(last) if last.role == role => last.content.extend(blocks),
            _ => {
                out.push(Message {
                    role,
                    content: blocks,
                });
                first_origin.get_or_insert(i);
            }
        }
    }

    match (out.first(), first_origin) {
        (None, _) => {
            return Err(TranslateError::at(
                "messages",
                "messages must contain at least one user message with non-empty content",
            ))
        }
        (Some(first), Some(i)) if first.role == ConversationRole::Assistant => {
            return Err(TranslateError::at(
                format!("messages[{i}]"),
                format!(
                    "the conversation must start with a user message, but messages[{i}] is an \
                     assistant message (Bedrock requires the first message to be from the user)"
                ),
            ))
        }
        _ => {}
    }
    // Anthropic models on Bedrock refuse a final assistant turn (a prefill) that ends in
    // whitespace; trimming it keeps the prefill's meaning.
    if let Some(last) = out
        .last_mut()
        .filter(|m| m.role == ConversationRole::Assistant)
    {
        if let Some(ContentBlock::Text(text)) = last.content.last_mut() {
            let trimmed = text.trim_end().len();
            text.truncate(trimmed);
        }
    }
    Ok(Conversation {
        system,
        messages: out,
    })
}

fn is_blank(text: &str) -> bool {
    text.trim().is_empty()
}

fn system_blocks(
    i: usize,
    m: &OpenAiMessage,
    system: &mut Vec<SystemContentBlock>,
) -> Result<(), TranslateError> {
    match &m.content {
        Some(Content::Text(t)) if !is_blank(t) => system.push(SystemContentBlock::Text(t.clone())),
        None | Some(Content::Text(_)) => {}
        Some(Content::Parts(parts)) => {
            for (j, part) in parts.iter().enumerate() {
                match part {
                    ContentPart::Text { text } => {
                        if !is_blank(text) {
                            system.push(SystemContentBlock::Text(text.clone()));
                        }
                    }
                    other => {
                        return Err(TranslateError::at(
                            format!("messages[{i}].content[{j}]"),
                            format!(
                                "content part type '{}' is not supported in {} messages; only \
                                 'text' is",
                                other.type_name(),
                                m.role.as_str()
                            ),
                        ))
                    }
                }
            }
        }
    }
    Ok(())
}

/// Text blocks of a user or assistant message, blank ones dropped. Every text part becomes its
/// own block (merging would change nothing, dropping all but one would lose content).
fn text_blocks(i: usize, m: &OpenAiMessage) -> Result<Vec<ContentBlock>, TranslateError> {
    let mut blocks = Vec::new();
    match &m.content {
        Some(Content::Text(t)) if !is_blank(t) => blocks.push(ContentBlock::Text(t.clone())),
        None | Some(Content::Text(_)) => {}
        Some(Content::Parts(parts)) => {
            blocks.reserve(parts.len());
            for (j, part) in parts.iter().enumerate() {
                let text = match part {
                    ContentPart::Text { text } => text,
                    // An assistant's earlier refusal is what it said; keep it as text.
                    ContentPart::Refusal { refusal } if m.role == Role::Assistant => refusal,
                    other => return Err(unsupported_part(i, j, m.role, other)),
                };
                if !is_blank(text) {
                    blocks.push(ContentBlock::Text(text.clone()));
                }
            }
        }
    }
    Ok(blocks)
}

fn unsupported_part(i: usize, j: usize, role: Role, part: &ContentPart) -> TranslateError {
    let param = format!("messages[{i}].content[{j}]");
    let message = match part {
        ContentPart::ImageUrl { .. }
        | ContentPart::InputAudio { .. }
        | ContentPart::File { .. } => {
            format!(
                "content part type '{}' is not supported yet",
                part.type_name()
            )
        }
        ContentPart::Refusal { .. } => format!(
            "content part type 'refusal' is only allowed in assistant messages, not in {} messages",
            role.as_str()
        ),
        ContentPart::Other(v) if v.get("type").is_none() => {
            "content part has no 'type'; expected e.g. {\"type\": \"text\", \"text\": \"...\"}"
                .to_owned()
        }
        _ => format!(
            "content part type '{}' is not supported (OpenAI's part types are 'text', \
             'image_url', 'input_audio', 'file' and 'refusal')",
            part.type_name()
        ),
    };
    TranslateError::at(param, message)
}
