//! The deterministic "model": what the emulator answers to a validated Converse request.
//!
//! Pure: the same request always yields the same reply (latency is added by the caller).
//! The rules are documented in the crate docs.

use serde_json::{Map, Value};

use super::wire::{ContentBlock, ConverseRequest, Message, ToolSpec, Usage};

pub(crate) const GREETING: &str = "Hello from the Bedrock emulator. You said: ";
const NO_TEXT: &str = "(no text)";
const TOOL_RESULTS: &str = "Tool results received: ";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StopReason {
    EndTurn,
    ToolUse,
    MaxTokens,
    StopSequence,
}

impl StopReason {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::EndTurn => "end_turn",
            Self::ToolUse => "tool_use",
            Self::MaxTokens => "max_tokens",
            Self::StopSequence => "stop_sequence",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ToolCall {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) input: Value,
}

/// The assistant message: a text block, optionally followed by one tool call.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Reply {
    pub(crate) text: String,
    pub(crate) tool_call: Option<ToolCall>,
    pub(crate) stop_reason: StopReason,
    pub(crate) usage: Usage,
}

pub(crate) fn count_words(text: &str) -> u64 {
    text.split_whitespace().count() as u64
}

fn texts<'r>(blocks: &'r [ContentBlock<'_>]) -> impl Iterator<Item = &'r str> {
    blocks.iter().filter_map(|b| b.text.as_deref())
}

/// Answer `request`, which has passed validation.
pub(crate) fn reply(request: &ConverseRequest<'_>) -> Reply {
    let messages = request.messages.as_deref().unwrap_or_default();
    let system_words: u64 = request
        .system
        .iter()
        .flatten()
        .filter_map(|b| b.text.as_deref())
        .map(count_words)
        .sum();
    let message_words: u64 = messages
        .iter()
        .flat_map(|m| texts(&m.content))
        .map(count_words)
        .sum();
    let input_tokens = system_words + message_words;

    let last_user = messages.iter().rev().find(|m| m.role == "user");
    let tool_results: Vec<String> = last_user
        .map(|m| tool_result_texts(&m.content))
        .unwrap_or_default();

    if tool_results.is_empty() {
        if let Some(spec) = chosen_tool(request) {
            return tool_use_reply(messages, spec, input_tokens);
        }
    }

    let text = if !tool_results.is_empty() {
        format!("{TOOL_RESULTS}{}", tool_results.join(" "))
    } else {
        let said: Vec<&str> = last_user
            .map(|m| texts(&m.content).collect())
            .unwrap_or_default();
        if said.is_empty() {
            format!("{GREETING}{NO_TEXT}")
        } else {
            format!("{GREETING}{}", said.join(" "))
        }
    };
    let config = request.inference_config.as_ref();
    let stops = config
        .and_then(|c| c.stop_sequences.as_deref())
        .unwrap_or_default();
    let max_tokens = config.and_then(|c| c.max_tokens);
    let (end, stop_reason) = limit(&text, stops.iter().map(|s| s.as_ref()), max_tokens);
    let mut text = text;
    text.truncate(end);
    let output_tokens = count_words(&text);
    Reply {
        text,
        tool_call: None,
        stop_reason,
        usage: usage(input_tokens, output_tokens),
    }
}

fn usage(input_tokens: u64, output_tokens: u64) -> Usage {
    Usage {
        input_tokens,
        output_tokens,
        total_tokens: input_tokens + output_tokens,
    }
}

/// Where generation stops in `text`: the earliest stop sequence, then at most `max_tokens` words.
pub(crate) fn limit<'s>(
    text: &str,
    stops: impl Iterator<Item = &'s str>,
    max_tokens: Option<i64>,
) -> (usize, StopReason) {
    let mut end = text.len();
    let mut reason = StopReason::EndTurn;
    for stop in stops.filter(|s| !s.is_empty()) {
        if let Some(at) = text[..end].find(stop) {
            end = at;
            reason = StopReason::StopSequence;
        }
    }
    if let Some(max) = max_tokens.and_then(|m| usize::try_from(m).ok()) {
        if let Some(cut) = end_of_word(&text[..end], max) {
            end = cut;
            reason = StopReason::MaxTokens;
        }
    }
    (end, reason)
}

/// Byte offset just after word number `n` (1-based), if `text` has more than `n` words.
fn end_of_word(text: &str, n: usize) -> Option<usize> {
    let mut words = 0;
    let mut in_word = false;
    let mut cut = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if in_word && words == n {
                cut = Some(i);
            }
            in_word = false;
        } else if !in_word {
            in_word = true;
            words += 1;
            if words > n {
                return cut.or(Some(0));
            }
        }
    }
    None
}

fn tool_result_texts(blocks: &[ContentBlock<'_>]) -> Vec<String> {
    blocks
        .iter()
        .filter_map(|b| b.tool_result.as_ref())
        .flat_map(|r| &r.content)
        .filter_map(|c| match (&c.text, &c.json) {
            (Some(text), _) => Some(text.to_string()),
            (None, Some(json)) => Some(json.to_string()),
            (None, None) => None,
        })
        .collect()
}

/// The tool to call: the one `toolChoice` names, else the first `toolSpec`.
fn chosen_tool<'r, 'a>(request: &'r ConverseRequest<'a>) -> Option<&'r ToolSpec<'a>> {
    let config = request.tool_config.as_ref()?;
    let mut specs = config.tools.iter().filter_map(|t| t.tool_spec.as_ref());
    match config.tool_choice.as_ref().and_then(|c| c.tool.as_ref()) {
        Some(wanted) => specs.find(|s| s.name == wanted.name),
        None => specs.next(),
    }
}

fn tool_use_reply(messages: &[Message<'_>], spec: &ToolSpec<'_>, input_tokens: u64) -> Reply {
    let text = format!("Calling {}.", spec.name);
    let input = example_input(spec.input_schema.as_ref().and_then(|s| s.json.as_ref()));
    let output_tokens = count_words(&text) + count_words(&input.to_string());
    Reply {
        text,
        tool_call: Some(ToolCall {
            id: tool_use_id(messages, &spec.name),
            name: spec.name.to_string(),
            input,
        }),
        stop_reason: StopReason::ToolUse,
        usage: usage(input_tokens, output_tokens),
    }
}

/// An object holding an example value for every `required` property of a JSON Schema.
pub(crate) fn example_input(schema: Option<&Value>) -> Value {
    let mut input = Map::new();
    let Some(schema) = schema else {
        return Value::Object(input);
    };
    let properties = schema.get("properties").and_then(Value::as_object);
    let required = schema.get("required").and_then(Value::as_array);
    for name in required.into_iter().flatten().filter_map(Value::as_str) {
        let property = properties.and_then(|p| p.get(name));
        input.insert(name.to_owned(), example_value(property));
    }
    Value::Object(input)
}

fn example_value(schema: Option<&Value>) -> Value {
    let Some(schema) = schema else {
        return Value::from("example");
    };
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|values| values.first())
    {
        return first.clone();
    }
    let kind = match schema.get("type") {
        Some(Value::String(kind)) => kind.as_str(),
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|k| *k != "null")
            .unwrap_or("null"),
        _ => "string",
    };
    match kind {
        "number" | "integer" => Value::from(1),
        "boolean" => Value::Bool(true),
        "object" => Value::Object(Map::new()),
        "array" => Value::Array(Vec::new()),
        "null" => Value::Null,
        _ => Value::from("example"),
    }
}

const ID_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// `tooluse_` and 22 alphanumerics derived from the conversation text and the tool name.
pub(crate) fn tool_use_id(messages: &[Message<'_>], tool: &str) -> String {
    // FNV-1a over the inputs, then a SplitMix64 stream: stable across builds and platforms.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for &b in bytes {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        hash ^= 0xff;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    };
    feed(tool.as_bytes());
    for message in messages {
        feed(message.role.as_bytes());
        for text in texts(&message.content) {
            feed(text.as_bytes());
        }
    }
    let mut state = hash;
    let mut id = String::with_capacity(30);
    id.push_str("tooluse_");
    for _ in 0..22 {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        let index = usize::try_from(z % ID_ALPHABET.len() as u64).unwrap_or(0);
        id.push(char::from(ID_ALPHABET[index]));
    }
    id
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
