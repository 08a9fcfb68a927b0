//! OpenAI `messages` → Converse `system` and `messages`.
//!
//! Bedrock is stricter than OpenAI about conversations: no blank text blocks, roles must
//! alternate, the first message must be the user's. What can be repaired without changing the
//! meaning is repaired (blank blocks dropped, same-role neighbours merged, consecutive tool
//! results gathered in one user turn); what cannot is a 400 naming the message, rather than a
//! Bedrock error the client cannot map back.

use super::cache::cache_point;
use super::content::{self, Media, MediaBlock};
use super::{reasoning, tools, TranslateError};
use crate::wire::{CachePointBlock, ContentBlock, ConversationRole, Message, SystemContentBlock};
use quarry_openai::chat::{Content, ContentPart, Message as OpenAiMessage, Role};

/// The system prompt and the alternating conversation built from OpenAI messages.
pub(super) struct Conversation {
    pub system: Vec<SystemContentBlock>,
    pub messages: Vec<Message>,
    /// Whether any `cache_control` marker became a cache point.
    pub cache_points: bool,
}

pub(super) fn map_messages(messages: &[OpenAiMessage]) -> Result<Conversation, TranslateError> {
    let mut system = Vec::new();
    let mut out: Vec<Message> = Vec::with_capacity(messages.len());
    let mut media = Media::default();
    let mut cache_points = false;
    // Index in the client's list of the message that opened the first Converse message.
    let mut first_origin: Option<usize> = None;

    for (i, m) in messages.iter().enumerate() {
        let (role, mut blocks) = match m.role {
            Role::System | Role::Developer => {
                cache_points |= system_blocks(i, m, &mut system)?;
                continue;
            }
            Role::User => (ConversationRole::User, user_blocks(i, m, &mut media)?),
            Role::Assistant => {
                // Replayed reasoning opens the turn, as the model produced it.
                let mut blocks = reasoning::history_blocks(i, m)?;
                blocks.extend(assistant_blocks(i, m)?);
                blocks.extend(tools::tool_use_blocks(i, m)?);
                (ConversationRole::Assistant, blocks)
            }
            // Bedrock carries tool results in a user turn.
            Role::Tool => {
                let (result, point) = tools::tool_result_block(i, m, &mut media)?;
                let mut blocks = Vec::with_capacity(2);
                blocks.push(result);
                blocks.extend(point.map(ContentBlock::CachePoint));
                (ConversationRole::User, blocks)
            }
            Role::Function => {
                return Err(TranslateError::at(
                    format!("messages[{i}].role"),
                    "role 'function' is not supported: send function results as role 'tool' \
                     messages with tool_call_id",
                ))
            }
        };
        if m.role != Role::Tool {
            if let Some(v) = m.cache_control.as_ref().filter(|v| !v.is_null()) {
                let point = cache_point(v, &|| format!("messages[{i}].cache_control"))?;
                push_point(&mut blocks, point);
            }
        }
        cache_points |= blocks
            .iter()
            .any(|b| matches!(b, ContentBlock::CachePoint(_)));
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
        cache_points,
    })
}

fn is_blank(text: &str) -> bool {
    text.trim().is_empty()
}

/// A cache point after the blocks so far; nothing to mark when there are none.
fn push_point(blocks: &mut Vec<ContentBlock>, point: CachePointBlock) {
    if !blocks.is_empty() && !matches!(blocks.last(), Some(ContentBlock::CachePoint(_))) {
        blocks.push(ContentBlock::CachePoint(point));
    }
}

/// A part's `cache_control` as a cache point after the part's block.
fn part_point(
    part: &ContentPart,
    param: &dyn Fn() -> String,
) -> Result<Option<CachePointBlock>, TranslateError> {
    match part.cache_control() {
        Some(v) => Ok(Some(cache_point(v, &|| {
            format!("{}.cache_control", param())
        })?)),
        None => Ok(None),
    }
}

/// Appends a system or developer message's text to `system`; returns whether it added a
/// cache point.
fn system_blocks(
    i: usize,
    m: &OpenAiMessage,
    system: &mut Vec<SystemContentBlock>,
) -> Result<bool, TranslateError> {
    let start = system.len();
    let mut marked = false;
    let mut mark = |system: &mut Vec<SystemContentBlock>, point: CachePointBlock| {
        if system.len() > start && !matches!(system.last(), Some(SystemContentBlock::CachePoint(_)))
        {
            system.push(SystemContentBlock::CachePoint(point));
            marked = true;
        }
    };
    match &m.content {
        Some(Content::Text(t)) if !is_blank(t) => system.push(SystemContentBlock::Text(t.clone())),
        None | Some(Content::Text(_)) => {}
        Some(Content::Parts(parts)) => {
            for (j, part) in parts.iter().enumerate() {
                let param = || format!("messages[{i}].content[{j}]");
                match part {
                    ContentPart::Text { text, .. } => {
                        if !is_blank(text) {
                            system.push(SystemContentBlock::Text(text.clone()));
                        }
                    }
                    other => {
                        return Err(TranslateError::at(
                            param(),
                            format!(
                                "content part type '{}' is not supported in {} messages; only \
                                 'text' is",
                                other.type_name(),
                                m.role.as_str()
                            ),
                        ))
                    }
                }
                if let Some(point) = part_point(part, &param)? {
                    mark(system, point);
                }
            }
        }
    }
    if let Some(v) = m.cache_control.as_ref().filter(|v| !v.is_null()) {
        let point = cache_point(v, &|| format!("messages[{i}].cache_control"))?;
        mark(system, point);
    }
    Ok(marked)
}

/// A user message's blocks: text, images, documents and audio, blank text dropped. Every part
/// becomes its own block (merging would change nothing, dropping all but one would lose
/// content).
fn user_blocks(
    i: usize,
    m: &OpenAiMessage,
    media: &mut Media,
) -> Result<Vec<ContentBlock>, TranslateError> {
    let mut blocks = Vec::new();
    match &m.content {
        Some(Content::Text(t)) if !is_blank(t) => blocks.push(ContentBlock::Text(t.clone())),
        None | Some(Content::Text(_)) => {}
        Some(Content::Parts(parts)) => {
            blocks.reserve(parts.len());
            for (j, part) in parts.iter().enumerate() {
                let param = || format!("messages[{i}].content[{j}]");
                match part {
                    ContentPart::Text { text, .. } => {
                        if !is_blank(text) {
                            blocks.push(ContentBlock::Text(text.clone()));
                        }
                    }
                    ContentPart::ImageUrl { image_url, .. } => {
                        blocks.push(ContentBlock::Image(content::image(&image_url.url, &param)?));
                    }
                    ContentPart::File { file, .. } => {
                        blocks.push(match media.file(file, &param)? {
                            MediaBlock::Image(image) => ContentBlock::Image(image),
                            MediaBlock::Document(doc) => ContentBlock::Document(doc),
                        })
                    }
                    ContentPart::InputAudio { input_audio, .. } => {
                        blocks.push(ContentBlock::Audio(content::audio(input_audio, &param)?));
                    }
                    other => return Err(unsupported_part(i, j, m.role, other)),
                }
                if let Some(point) = part_point(part, &param)? {
                    push_point(&mut blocks, point);
                }
            }
        }
    }
    Ok(blocks)
}

/// An assistant message's text blocks, blank ones dropped; an earlier refusal is what the
/// assistant said, so it stays as text.
fn assistant_blocks(i: usize, m: &OpenAiMessage) -> Result<Vec<ContentBlock>, TranslateError> {
    let mut blocks = Vec::new();
    match &m.content {
        Some(Content::Text(t)) if !is_blank(t) => blocks.push(ContentBlock::Text(t.clone())),
        None | Some(Content::Text(_)) => {}
        Some(Content::Parts(parts)) => {
            blocks.reserve(parts.len());
            for (j, part) in parts.iter().enumerate() {
                let text = match part {
                    ContentPart::Text { text, .. } => text,
                    ContentPart::Refusal { refusal } => refusal,
                    other => return Err(unsupported_part(i, j, m.role, other)),
                };
                if !is_blank(text) {
                    blocks.push(ContentBlock::Text(text.clone()));
                }
                if let Some(point) = part_point(part, &|| format!("messages[{i}].content[{j}]"))? {
                    push_point(&mut blocks, point);
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
                "content part type '{}' is not supported in {} messages",
                part.type_name(),
                role.as_str()
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
