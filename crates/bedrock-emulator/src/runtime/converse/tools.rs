//! Tool use: which tools the "model" calls, the example arguments it generates from a JSON
//! Schema (also used for structured output), and the deterministic `toolUseId`s.

use serde_json::{Map, Value};

use super::engine::{count_words, ToolCall};
use super::wire::{ConverseRequest, Message, ToolSpec};
use crate::hash::{splitmix, Fnv};

/// The phrase in the last user text that makes the model call every tool at once.
const ALL_TOOLS: &str = "all tools";

/// The text block and calls of a tool-use turn, or `None` when the request defines no tool.
pub(crate) fn calls(request: &ConverseRequest<'_>, said: &str) -> Option<(String, Vec<ToolCall>)> {
    let config = request.tool_config.as_ref()?;
    let specs: Vec<&ToolSpec<'_>> = config
        .tools
        .iter()
        .filter_map(|t| t.tool_spec.as_ref())
        .collect();
    let messages = request.messages.as_deref().unwrap_or_default();
    let named = config.tool_choice.as_ref().and_then(|c| c.tool.as_ref());
    if let Some(wanted) = named {
        let spec = specs.into_iter().find(|s| s.name == wanted.name)?;
        return Some(single(messages, spec));
    }
    if !specs.is_empty() && said.to_lowercase().contains(ALL_TOOLS) {
        let calls = specs
            .iter()
            .enumerate()
            .map(|(i, spec)| call(spec, indexed_tool_use_id(messages, &spec.name, i)))
            .collect();
        return Some((format!("Calling {} tools.", specs.len()), calls));
    }
    specs.first().map(|spec| single(messages, spec))
}

fn single(messages: &[Message<'_>], spec: &ToolSpec<'_>) -> (String, Vec<ToolCall>) {
    let id = tool_use_id(messages, &spec.name);
    (format!("Calling {}.", spec.name), vec![call(spec, id)])
}

fn call(spec: &ToolSpec<'_>, id: String) -> ToolCall {
    ToolCall {
        id,
        name: spec.name.to_string(),
        input: example_input(spec.input_schema.as_ref().and_then(|s| s.json.as_ref())),
    }
}

/// Output tokens of a call: the words of its serialised input.
pub(crate) fn call_tokens(call: &ToolCall) -> u64 {
    count_words(&call.input.to_string())
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

fn conversation_hash(messages: &[Message<'_>], tool: &str) -> Fnv {
    let mut hash = Fnv::new();
    hash.field(tool.as_bytes());
    for message in messages {
        hash.field(message.role.as_bytes());
        for text in message.content.iter().filter_map(|b| b.text.as_deref()) {
            hash.field(text.as_bytes());
        }
    }
    hash
}

fn id_from(hash: u64) -> String {
    let mut id = String::with_capacity(30);
    id.push_str("tooluse_");
    for z in splitmix(hash).take(22) {
        let index = usize::try_from(z % ID_ALPHABET.len() as u64).unwrap_or(0);
        id.push(char::from(ID_ALPHABET[index]));
    }
    id
}

/// `tooluse_` and 22 alphanumerics derived from the conversation text and the tool name.
pub(crate) fn tool_use_id(messages: &[Message<'_>], tool: &str) -> String {
    id_from(conversation_hash(messages, tool).finish())
}

/// Like [`tool_use_id`], also keyed by the call's position so parallel calls never share an ID.
fn indexed_tool_use_id(messages: &[Message<'_>], tool: &str, index: usize) -> String {
    let mut hash = conversation_hash(messages, tool);
    hash.field(&index.to_le_bytes());
    id_from(hash.finish())
}
