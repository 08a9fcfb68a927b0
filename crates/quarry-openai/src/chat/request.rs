//! `POST /v1/chat/completions` request body.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A chat completion request. Fields Quarry does not map yet are kept as raw JSON so a
/// translator can refuse or ignore them deliberately; every other field lands in `extra`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChatRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    pub messages: Vec<Message>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_completion_tokens: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    /// Not part of OpenAI's API, but many clients send it; accepted and mapped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_k: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop: Option<Stop>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logprobs: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_logprobs: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_options: Option<StreamOptions>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallel_tool_calls: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_format: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_effort: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency_penalty: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presence_penalty: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logit_bias: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_tier: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<Value>,
    /// Every other field: Bedrock passthrough fields (`guardrailConfig`, …), `extra_body`, and
    /// OpenAI fields Quarry ignores.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ChatRequest {
    /// Whether the client asked for server-sent events.
    pub fn is_stream(&self) -> bool {
        self.stream == Some(true)
    }

    /// Whether the client asked for a final usage chunk in a stream.
    pub fn include_usage(&self) -> bool {
        self.stream_options
            .as_ref()
            .and_then(|o| o.include_usage)
            .unwrap_or(false)
    }
}

/// `stop`: one sequence or a list of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Stop {
    One(String),
    Many(Vec<String>),
}

impl Stop {
    /// The sequences as a slice-like iterator, whichever form the client used.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let (one, many) = match self {
            Stop::One(s) => (Some(s.as_str()), &[][..]),
            Stop::Many(v) => (None, v.as_slice()),
        };
        one.into_iter().chain(many.iter().map(String::as_str))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StreamOptions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_usage: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    Developer,
    User,
    Assistant,
    Tool,
    Function,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::Developer => "developer",
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::Tool => "tool",
            Role::Function => "function",
        }
    }
}

/// One message of the conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Content>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_calls: Option<Vec<ToolCall>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_call_id: Option<String>,
    /// An earlier assistant turn's reasoning text, as responses carry it (LiteLLM's field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_content: Option<String>,
    /// An earlier assistant turn's signed reasoning blocks (`{"type": "thinking", "thinking",
    /// "signature"}` / `{"type": "redacted_thinking", "data"}`), kept raw so a translator can
    /// name a malformed one in its error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinking_blocks: Option<Value>,
    /// Anthropic-style prompt-cache marker for the whole message (`{"type": "ephemeral"}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_control: Option<Value>,
}

impl Message {
    /// A message with only a role and content, as most are.
    pub fn new(role: Role, content: Option<Content>) -> Self {
        Self {
            role,
            content,
            name: None,
            tool_calls: None,
            tool_call_id: None,
            reasoning_content: None,
            thinking_blocks: None,
            cache_control: None,
        }
    }
}

/// A tool call made by the assistant (in a request's history or a response).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    pub id: String,
    /// Always `function` in OpenAI's API today; missing in some clients' histories.
    #[serde(rename = "type", default = "function_type")]
    pub kind: String,
    pub function: FunctionCall,
}

fn function_type() -> String {
    "function".to_owned()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionCall {
    pub name: String,
    /// The arguments as a JSON document in a string, as OpenAI sends them.
    #[serde(default)]
    pub arguments: String,
}

/// Message content: a plain string or a list of typed parts.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    Text(String),
    Parts(Vec<ContentPart>),
}

impl Serialize for Content {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Content::Text(t) => s.serialize_str(t),
            Content::Parts(p) => p.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Content {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Content;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or an array of content parts")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Content, E> {
                Ok(Content::Text(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Content, E> {
                Ok(Content::Text(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Content, A::Error> {
                let mut parts = Vec::with_capacity(seq.size_hint().unwrap_or(1));
                while let Some(p) = seq.next_element()? {
                    parts.push(p);
                }
                Ok(Content::Parts(parts))
            }
        }
        d.deserialize_any(V)
    }
}

/// One part of a content array, tagged by `type`. Unknown types are kept as [`ContentPart::Other`]
/// so a translator can name them in a clear error instead of failing the whole parse. Media and
/// text parts keep an Anthropic-style `cache_control` marker raw, for the translator to check.
#[derive(Debug, Clone, PartialEq)]
pub enum ContentPart {
    Text {
        text: String,
        cache_control: Option<Value>,
    },
    ImageUrl {
        image_url: ImageUrl,
        cache_control: Option<Value>,
    },
    InputAudio {
        input_audio: Value,
        cache_control: Option<Value>,
    },
    File {
        file: Value,
        cache_control: Option<Value>,
    },
    Refusal {
        refusal: String,
    },
    Other(Value),
}

impl ContentPart {
    /// A plain text part.
    pub fn text(text: impl Into<String>) -> Self {
        ContentPart::Text {
            text: text.into(),
            cache_control: None,
        }
    }

    /// The part's `type` as the client wrote it (`"<missing>"` when absent).
    pub fn type_name(&self) -> &str {
        match self {
            ContentPart::Text { .. } => "text",
            ContentPart::ImageUrl { .. } => "image_url",
            ContentPart::InputAudio { .. } => "input_audio",
            ContentPart::File { .. } => "file",
            ContentPart::Refusal { .. } => "refusal",
            ContentPart::Other(v) => v.get("type").and_then(Value::as_str).unwrap_or("<missing>"),
        }
    }

    /// The part's `cache_control` marker, if it has one.
    pub fn cache_control(&self) -> Option<&Value> {
        match self {
            ContentPart::Text { cache_control, .. }
            | ContentPart::ImageUrl { cache_control, .. }
            | ContentPart::InputAudio { cache_control, .. }
            | ContentPart::File { cache_control, .. } => cache_control.as_ref(),
            ContentPart::Refusal { .. } | ContentPart::Other(_) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageUrl {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Serialize for ContentPart {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if let ContentPart::Other(v) = self {
            return v.serialize(s);
        }
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("type", self.type_name())?;
        match self {
            ContentPart::Text { text, .. } => m.serialize_entry("text", text)?,
            ContentPart::ImageUrl { image_url, .. } => m.serialize_entry("image_url", image_url)?,
            ContentPart::InputAudio { input_audio, .. } => {
                m.serialize_entry("input_audio", input_audio)?
            }
            ContentPart::File { file, .. } => m.serialize_entry("file", file)?,
            ContentPart::Refusal { refusal } => m.serialize_entry("refusal", refusal)?,
            ContentPart::Other(_) => {}
        }
        if let Some(cache_control) = self.cache_control() {
            m.serialize_entry("cache_control", cache_control)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for ContentPart {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ContentPart;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a content part object with a `type`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ContentPart, A::Error> {
                let mut kind: Option<String> = None;
                let mut text: Option<String> = None;
                let mut rest = Map::new();
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "type" => kind = Some(map.next_value()?),
                        "text" => text = Some(map.next_value()?),
                        _ => {
                            let v: Value = map.next_value()?;
                            rest.insert(key, v);
                        }
                    }
                }
                let take = |rest: &mut Map<String, Value>, k: &str| {
                    rest.remove(k)
                        .ok_or_else(|| de::Error::custom(format_args!("missing field `{k}`")))
                };
                let known = matches!(
                    kind.as_deref(),
                    Some("text" | "image_url" | "input_audio" | "file")
                );
                let cache_control = if known {
                    rest.remove("cache_control").filter(|v| !v.is_null())
                } else {
                    None
                };
                Ok(match kind.as_deref() {
                    Some("text") => ContentPart::Text {
                        text: text.ok_or_else(|| de::Error::missing_field("text"))?,
                        cache_control,
                    },
                    Some("image_url") => {
                        let v = take(&mut rest, "image_url")?;
                        // Some clients send `image_url` as a bare string.
                        let image_url = match v {
                            Value::String(url) => ImageUrl { url, detail: None },
                            v => serde_json::from_value(v).map_err(de::Error::custom)?,
                        };
                        ContentPart::ImageUrl {
                            image_url,
                            cache_control,
                        }
                    }
                    Some("input_audio") => ContentPart::InputAudio {
                        input_audio: take(&mut rest, "input_audio")?,
                        cache_control,
                    },
                    Some("file") => ContentPart::File {
                        file: take(&mut rest, "file")?,
                        cache_control,
                    },
                    Some("refusal") => match rest.remove("refusal") {
                        Some(Value::String(refusal)) => ContentPart::Refusal { refusal },
                        _ => return Err(de::Error::missing_field("refusal")),
                    },
                    _ => {
                        if let Some(k) = kind {
                            rest.insert("type".to_owned(), Value::String(k));
                        }
                        if let Some(t) = text {
                            rest.insert("text".to_owned(), Value::String(t));
                        }
                        ContentPart::Other(Value::Object(rest))
                    }
                })
            }
        }
        d.deserialize_map(V)
    }
}
