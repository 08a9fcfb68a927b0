//! Function calling (`tools`, `tool_choice`, assistant `tool_calls`, `tool` messages) in
//! Converse terms. `parallel_tool_calls` is accepted and ignored: Converse has no switch for it.

use quarry_openai::chat::{Content, ContentPart, Message as OpenAiMessage};
use serde_json::{json, Map, Value};

use super::cache::cache_point;
use super::content::{self, Media, MediaBlock};
use super::family::Family;
use super::structured::STRUCTURED_OUTPUT_TOOL;
use super::TranslateError;
use crate::wire::{
    CachePointBlock, ContentBlock, Empty, Message, SpecificToolChoice, Tool, ToolChoice,
    ToolConfig, ToolInputSchema, ToolResultBlock, ToolResultContentBlock, ToolSpecification,
    ToolUseBlock,
};

/// Stands in for a tool result with no content: Bedrock refuses blank text, and an empty
/// result must still answer its tool call.
pub(super) const EMPTY_TOOL_RESULT: &str = "(empty)";

/// The request's `toolConfig`, and whether the client's own tools are offered in it.
#[derive(Debug)]
pub(super) struct ToolsOut {
    pub config: Option<ToolConfig>,
    pub client_tools: bool,
}

/// What the client's `tool_choice` asks for.
#[derive(Debug, PartialEq)]
enum Choice<'a> {
    Unset,
    None,
    Auto,
    Required,
    Named(&'a str),
}

/// `toolConfig` from `tools` and `tool_choice`.
///
/// Converse has no "none" choice, so `none` withholds the tools. Bedrock also refuses a
/// history with `toolUse`/`toolResult` blocks when no `toolConfig` is sent, so in that case the
/// client's tools are still declared (or, if it sent none, the tools its history calls, with
/// an open schema).
pub(super) fn tool_config(
    tools: Option<&Value>,
    tool_choice: Option<&Value>,
    messages: &[Message],
    family: Family,
) -> Result<ToolsOut, TranslateError> {
    let specs = match tools {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => {
            let mut specs = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let (spec, point) = tool_spec(i, item, family)?;
                specs.push(spec);
                specs.extend(point.map(Tool::CachePoint));
            }
            specs
        }
        Some(_) => return Err(TranslateError::at("tools", "tools must be an array")),
    };
    let choice = parse_choice(tool_choice)?;
    if let Choice::Named(name) = choice {
        let offered = specs
            .iter()
            .any(|t| matches!(t, Tool::ToolSpec(s) if s.name == name));
        if !offered {
            return Err(TranslateError::at(
                "tool_choice.function.name",
                format!("tool_choice names '{name}', which is not one of the tools sent"),
            ));
        }
    }
    if specs.is_empty() && choice == Choice::Required {
        return Err(TranslateError::at(
            "tool_choice",
            "tool_choice 'required' needs at least one tool in tools",
        ));
    }

    if specs.is_empty() || choice == Choice::None {
        let none = ToolsOut {
            config: None,
            client_tools: false,
        };
        if !history_uses_tools(messages) {
            return Ok(none);
        }
        let tools = if specs.is_empty() {
            history_tool_stubs(messages)
        } else {
            specs
        };
        return Ok(ToolsOut {
            config: (!tools.is_empty()).then_some(ToolConfig {
                tools,
                tool_choice: None,
            }),
            client_tools: false,
        });
    }
    let tool_choice = match choice {
        Choice::Unset | Choice::None => None,
        Choice::Auto => Some(ToolChoice::Auto(Empty {})),
        Choice::Required => Some(ToolChoice::Any(Empty {})),
        Choice::Named(name) => Some(ToolChoice::Tool(SpecificToolChoice {
            name: name.to_owned(),
        })),
    };
    Ok(ToolsOut {
        config: Some(ToolConfig {
            tools: specs,
            tool_choice,
        }),
        client_tools: true,
    })
}

fn parse_choice(tool_choice: Option<&Value>) -> Result<Choice<'_>, TranslateError> {
    let bad = || {
        TranslateError::at(
            "tool_choice",
            "tool_choice must be 'none', 'auto', 'required' or \
             {\"type\": \"function\", \"function\": {\"name\": \"...\"}}",
        )
    };
    Ok(match tool_choice {
        None | Some(Value::Null) => Choice::Unset,
        Some(Value::String(s)) => match s.as_str() {
            "none" => Choice::None,
            "auto" => Choice::Auto,
            "required" => Choice::Required,
            _ => return Err(bad()),
        },
        Some(Value::Object(o)) => {
            match o.get("type").and_then(Value::as_str) {
                Some("function") | None => {}
                Some(other) => {
                    return Err(TranslateError::at(
                        "tool_choice.type",
                        format!("tool_choice type '{other}' is not supported; only 'function'"),
                    ))
                }
            }
            match o
                .get("function")
                .and_then(|f| f.get("name"))
                .and_then(Value::as_str)
            {
                Some(name) => Choice::Named(name),
                None => return Err(bad()),
            }
        }
        Some(_) => return Err(bad()),
    })
}

/// One client tool, and the cache point its `cache_control` asks for (top level, or inside
/// `function`, where some clients put it).
fn tool_spec(
    i: usize,
    item: &Value,
    family: Family,
) -> Result<(Tool, Option<CachePointBlock>), TranslateError> {
    let Some(obj) = item.as_object() else {
        return Err(TranslateError::at(
            format!("tools[{i}]"),
            "each tool must be an object",
        ));
    };
    match obj.get("type").and_then(Value::as_str) {
        Some("function") | None => {}
        Some(other) => {
            return Err(TranslateError::at(
                format!("tools[{i}].type"),
                format!("tool type '{other}' is not supported; only 'function' tools are"),
            ))
        }
    }
    let Some(function) = obj.get("function").and_then(Value::as_object) else {
        return Err(TranslateError::at(
            format!("tools[{i}].function"),
            "a function tool needs a 'function' object",
        ));
    };
    let name = match function.get("name").and_then(Value::as_str) {
        Some(STRUCTURED_OUTPUT_TOOL) => {
            return Err(TranslateError::at(
                format!("tools[{i}].function.name"),
                format!(
                    "tool name '{STRUCTURED_OUTPUT_TOOL}' is reserved: Quarry uses it for \
                     response_format; rename the tool"
                ),
            ))
        }
        Some(name) if valid_tool_name(name) => name,
        Some(name) => {
            return Err(TranslateError::at(
                format!("tools[{i}].function.name"),
                format!(
                    "tool name '{name}' is invalid: use 1 to 64 letters, digits, '_' or '-' \
                     (Bedrock's rule)"
                ),
            ))
        }
        None => {
            return Err(TranslateError::at(
                format!("tools[{i}].function.name"),
                "a function tool needs a name",
            ))
        }
    };
    // Bedrock refuses an empty description; leaving it out means the same.
    let description = function
        .get("description")
        .and_then(Value::as_str)
        .filter(|d| !d.trim().is_empty())
        .map(str::to_owned);
    let schema = match function.get("parameters") {
        None | Some(Value::Null) => json!({"type": "object", "properties": {}}),
        Some(p @ Value::Object(_)) => p.clone(),
        Some(_) => {
            return Err(TranslateError::at(
                format!("tools[{i}].function.parameters"),
                "parameters must be a JSON Schema object",
            ))
        }
    };
    // `strict` goes only to the families with native structured output; others may refuse
    // it, and OpenAI clients send it routinely.
    let strict = function
        .get("strict")
        .and_then(Value::as_bool)
        .filter(|_| family.accepts_strict_tools());
    let marker = obj
        .get("cache_control")
        .map(|v| (v, "cache_control"))
        .or_else(|| {
            function
                .get("cache_control")
                .map(|v| (v, "function.cache_control"))
        })
        .filter(|(v, _)| !v.is_null());
    let point = match marker {
        Some((value, key)) => Some(cache_point(value, &|| format!("tools[{i}].{key}"))?),
        None => None,
    };
    Ok((
        Tool::ToolSpec(ToolSpecification {
            name: name.to_owned(),
            description,
            input_schema: ToolInputSchema::Json(schema),
            strict,
        }),
        point,
    ))
}

fn valid_tool_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn history_uses_tools(messages: &[Message]) -> bool {
    messages.iter().any(|m| {
        m.content
            .iter()
            .any(|b| matches!(b, ContentBlock::ToolUse(_) | ContentBlock::ToolResult(_)))
    })
}

/// One open-schema tool per distinct tool name the history calls, in order of first call.
fn history_tool_stubs(messages: &[Message]) -> Vec<Tool> {
    let mut names: Vec<&str> = Vec::new();
    for block in messages.iter().flat_map(|m| &m.content) {
        if let ContentBlock::ToolUse(u) = block {
            if !names.contains(&u.name.as_str()) {
                names.push(&u.name);
            }
        }
    }
    names
        .into_iter()
        .map(|name| {
            Tool::ToolSpec(ToolSpecification {
                name: name.to_owned(),
                description: None,
                input_schema: ToolInputSchema::Json(json!({"type": "object"})),
                strict: None,
            })
        })
        .collect()
}

/// An assistant message's `tool_calls` as `toolUse` blocks; `arguments` must be a JSON object
/// (empty means `{}`).
pub(super) fn tool_use_blocks(
    i: usize,
    m: &OpenAiMessage,
) -> Result<Vec<ContentBlock>, TranslateError> {
    let Some(calls) = &m.tool_calls else {
        return Ok(Vec::new());
    };
    calls
        .iter()
        .enumerate()
        .map(|(j, call)| {
            if call.kind != "function" {
                return Err(TranslateError::at(
                    format!("messages[{i}].tool_calls[{j}].type"),
                    format!(
                        "tool call type '{}' is not supported; only 'function'",
                        call.kind
                    ),
                ));
            }
            if call.id.is_empty() {
                return Err(TranslateError::at(
                    format!("messages[{i}].tool_calls[{j}].id"),
                    "a tool call needs a non-empty id",
                ));
            }
            let param = || format!("messages[{i}].tool_calls[{j}].function.arguments");
            let args = call.function.arguments.trim();
            let input = if args.is_empty() {
                Value::Object(Map::new())
            } else {
                match serde_json::from_str::<Value>(args) {
                    Ok(v @ Value::Object(_)) => v,
                    Ok(_) => {
                        return Err(TranslateError::at(
                            param(),
                            "tool call arguments must be a JSON object",
                        ))
                    }
                    Err(e) => {
                        return Err(TranslateError::at(
                            param(),
                            format!("tool call arguments are not valid JSON: {e}"),
                        ))
                    }
                }
            };
            Ok(ContentBlock::ToolUse(ToolUseBlock {
                tool_use_id: call.id.clone(),
                name: call.function.name.clone(),
                input,
                kind: None,
            }))
        })
        .collect()
}

/// A `tool` message as a `toolResult` block. Output that is a JSON object goes as `{json}`,
/// other text as `{text}`, images and files as `{image}` / `{document}`. A `cache_control`
/// on the message or on any of its parts gives a cache point after the block (Converse has
/// none inside a tool result).
pub(super) fn tool_result_block(
    i: usize,
    m: &OpenAiMessage,
    media: &mut Media,
) -> Result<(ContentBlock, Option<CachePointBlock>), TranslateError> {
    let Some(id) = m.tool_call_id.as_deref().filter(|id| !id.is_empty()) else {
        return Err(TranslateError::at(
            format!("messages[{i}].tool_call_id"),
            "a tool message needs the tool_call_id of the call it answers",
        ));
    };
    let mut point = match &m.cache_control {
        Some(v) if !v.is_null() => {
            Some(cache_point(v, &|| format!("messages[{i}].cache_control"))?)
        }
        _ => None,
    };
    let mut content = Vec::new();
    match &m.content {
        None => {}
        Some(Content::Text(t)) => content.extend(result_item(t)),
        Some(Content::Parts(parts)) => {
            for (j, part) in parts.iter().enumerate() {
                let param = || format!("messages[{i}].content[{j}]");
                match part {
                    ContentPart::Text { text, .. } => content.extend(result_item(text)),
                    ContentPart::ImageUrl { image_url, .. } => content.push(
                        ToolResultContentBlock::Image(content::image(&image_url.url, &param)?),
                    ),
                    ContentPart::File { file, .. } => {
                        content.push(match media.file(file, &param)? {
                            MediaBlock::Image(image) => ToolResultContentBlock::Image(image),
                            MediaBlock::Document(doc) => ToolResultContentBlock::Document(doc),
                        })
                    }
                    other => {
                        return Err(TranslateError::at(
                            param(),
                            format!(
                                "content part type '{}' is not supported in tool messages; \
                                 only 'text', 'image_url' and 'file' are",
                                other.type_name()
                            ),
                        ))
                    }
                }
                if let Some(v) = part.cache_control() {
                    let marker = cache_point(v, &|| format!("{}.cache_control", param()))?;
                    point.get_or_insert(marker);
                }
            }
        }
    }
    if content.is_empty() {
        content.push(ToolResultContentBlock::Text(EMPTY_TOOL_RESULT.to_owned()));
    }
    Ok((
        ContentBlock::ToolResult(ToolResultBlock {
            tool_use_id: id.to_owned(),
            content,
            status: None,
            kind: None,
        }),
        point,
    ))
}

fn result_item(text: &str) -> Option<ToolResultContentBlock> {
    if text.trim().is_empty() {
        return None;
    }
    if text.trim_start().starts_with('{') {
        if let Ok(v @ Value::Object(_)) = serde_json::from_str::<Value>(text) {
            return Some(ToolResultContentBlock::Json(v));
        }
    }
    Some(ToolResultContentBlock::Text(text.to_owned()))
}
