//! `POST /v1/embeddings`: the request, and a writer for the response.
//!
//! The response is written, not serialised: a float vector goes in as the JSON array text
//! Bedrock sent (already checked by the caller), so the numbers are copied without being
//! parsed and re-printed; a base64 vector goes in as its little-endian `f32` bytes.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::de::{Deserializer, Error as _};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// An embeddings request. Unknown fields (`input_type`, `extra_body`, …) land in `extra`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct EmbeddingRequest {
    #[serde(default)]
    pub model: Option<String>,
    pub input: EmbeddingInput,
    #[serde(default)]
    pub dimensions: Option<u32>,
    #[serde(default)]
    pub encoding_format: Option<EncodingFormat>,
    #[serde(default)]
    pub user: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// OpenAI's four input forms. Token forms parse so that a translator can refuse them with a
/// message naming the form instead of a generic type error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmbeddingInput {
    Text(String),
    Texts(Vec<String>),
    Tokens(Vec<u64>),
    TokenLists(Vec<Vec<u64>>),
}

impl Default for EmbeddingInput {
    fn default() -> Self {
        Self::Texts(Vec::new())
    }
}

impl EmbeddingInput {
    /// The form's name, for error messages.
    pub fn form(&self) -> &'static str {
        match self {
            Self::Text(_) => "a string",
            Self::Texts(_) => "an array of strings",
            Self::Tokens(_) => "an array of token IDs",
            Self::TokenLists(_) => "an array of token arrays",
        }
    }
}

impl<'de> Deserialize<'de> for EmbeddingInput {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Item {
            Text(String),
            Token(u64),
            Tokens(Vec<u64>),
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            List(Vec<Item>),
        }
        const EXPECTED: &str = "input must be a string, an array of strings, an array of token IDs or an array of token arrays";
        let raw = Raw::deserialize(deserializer).map_err(|_| D::Error::custom(EXPECTED))?;
        let list = match raw {
            Raw::Text(text) => return Ok(Self::Text(text)),
            Raw::List(list) => list,
        };
        match list.first() {
            None | Some(Item::Text(_)) => list
                .into_iter()
                .map(|i| match i {
                    Item::Text(t) => Ok(t),
                    _ => Err(D::Error::custom(EXPECTED)),
                })
                .collect::<Result<_, _>>()
                .map(Self::Texts),
            Some(Item::Token(_)) => list
                .into_iter()
                .map(|i| match i {
                    Item::Token(t) => Ok(t),
                    _ => Err(D::Error::custom(EXPECTED)),
                })
                .collect::<Result<_, _>>()
                .map(Self::Tokens),
            Some(Item::Tokens(_)) => list
                .into_iter()
                .map(|i| match i {
                    Item::Tokens(t) => Ok(t),
                    _ => Err(D::Error::custom(EXPECTED)),
                })
                .collect::<Result<_, _>>()
                .map(Self::TokenLists),
        }
    }
}

/// `encoding_format`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EncodingFormat {
    #[default]
    Float,
    /// Each vector as base64 of its little-endian `f32` bytes.
    Base64,
}

/// Writes `{"object":"list","data":[{"object":"embedding","index":i,"embedding":…},…],
/// "model":…,"usage":{…}}` item by item, in OpenAI's field order.
pub struct EmbeddingListWriter {
    out: Vec<u8>,
    index: usize,
}

impl EmbeddingListWriter {
    /// `capacity`: the expected size of the whole answer.
    pub fn new(capacity: usize) -> Self {
        let mut out = Vec::with_capacity(capacity);
        out.extend_from_slice(b"{\"object\":\"list\",\"data\":[");
        Self { out, index: 0 }
    }

    fn item_start(&mut self) {
        if self.index > 0 {
            self.out.push(b',');
        }
        self.out
            .extend_from_slice(b"{\"object\":\"embedding\",\"index\":");
        self.out
            .extend_from_slice(itoa_usize(self.index, &mut [0; 20]).as_bytes());
        self.out.extend_from_slice(b",\"embedding\":");
        self.index += 1;
    }

    /// The next vector as a JSON array of numbers; the caller guarantees `json_array` is one.
    pub fn float(&mut self, json_array: &str) {
        self.item_start();
        self.out.extend_from_slice(json_array.as_bytes());
        self.out.push(b'}');
    }

    /// The next vector as base64 of `le_f32_bytes`.
    pub fn base64(&mut self, le_f32_bytes: &[u8]) {
        self.item_start();
        self.out.push(b'"');
        let start = self.out.len();
        self.out.resize(
            start + base64::encoded_len(le_f32_bytes.len(), true).unwrap_or(0),
            0,
        );
        let written = STANDARD
            .encode_slice(le_f32_bytes, &mut self.out[start..])
            .unwrap_or(0);
        self.out.truncate(start + written);
        self.out.extend_from_slice(b"\"}");
    }

    /// Closes the list with the model name and usage and returns the JSON.
    pub fn finish(mut self, model: &str, usage: EmbeddingUsage) -> Vec<u8> {
        self.out.extend_from_slice(b"],\"model\":");
        // Writing a string into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut self.out, model);
        self.out.extend_from_slice(b",\"usage\":");
        let _ = serde_json::to_writer(&mut self.out, &usage);
        self.out.push(b'}');
        self.out
    }
}

fn itoa_usize(mut n: usize, buf: &mut [u8; 20]) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[i..]).unwrap_or("0")
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmbeddingUsage {
    pub prompt_tokens: u64,
    pub total_tokens: u64,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use serde_json::json;

    fn input(value: Value) -> Result<EmbeddingInput, String> {
        serde_json::from_value::<EmbeddingRequest>(json!({"input": value}))
            .map(|r| r.input)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn every_input_form_parses() {
        assert_eq!(input(json!("a")), Ok(EmbeddingInput::Text("a".into())));
        assert_eq!(
            input(json!(["a", "b"])),
            Ok(EmbeddingInput::Texts(vec!["a".into(), "b".into()]))
        );
        assert_eq!(input(json!([1, 2])), Ok(EmbeddingInput::Tokens(vec![1, 2])));
        assert_eq!(
            input(json!([[1], [2, 3]])),
            Ok(EmbeddingInput::TokenLists(vec![vec![1], vec![2, 3]]))
        );
        assert_eq!(input(json!([])), Ok(EmbeddingInput::Texts(vec![])));
    }

    #[test]
    fn mixed_or_wrong_inputs_are_refused_by_name() {
        for bad in [
            json!(["a", 1]),
            json!([1, "a"]),
            json!({"text": "a"}),
            json!(3),
        ] {
            let err = input(bad.clone()).unwrap_err();
            assert!(err.contains("input must be a string"), "{bad}: {err}");
        }
    }

    #[test]
    fn request_fields_and_extras() {
        let req: EmbeddingRequest = serde_json::from_value(json!({
            "model": "m", "input": "x", "dimensions": 256, "encoding_format": "base64",
            "user": "u", "input_type": "search_query", "extra_body": {"truncate": "END"}
        }))
        .unwrap();
        assert_eq!(req.dimensions, Some(256));
        assert_eq!(req.encoding_format, Some(EncodingFormat::Base64));
        assert_eq!(req.extra["input_type"], "search_query");
        assert_eq!(req.extra["extra_body"]["truncate"], "END");
        let bad = serde_json::from_value::<EmbeddingRequest>(
            json!({"input": "x", "encoding_format": "int8"}),
        );
        assert!(bad.unwrap_err().to_string().contains("unknown variant"));
    }

    #[test]
    fn writer_copies_float_arrays_verbatim_and_encodes_base64() {
        let mut writer = EmbeddingListWriter::new(0);
        writer.float("[0.5,-1.25e-3]");
        writer.base64(&0.5f32.to_le_bytes());
        for _ in 0..9 {
            writer.float("[]");
        }
        let out = writer.finish(
            "m\"x",
            EmbeddingUsage {
                prompt_tokens: 3,
                total_tokens: 3,
            },
        );
        let text = std::str::from_utf8(&out).unwrap();
        assert!(text.starts_with(
            r#"{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.5,-1.25e-3]},{"object":"embedding","index":1,"embedding":"AAAAPw=="},"#
        ), "{text}");
        assert!(text.ends_with(
            r#"{"object":"embedding","index":10,"embedding":[]}],"model":"m\"x","usage":{"prompt_tokens":3,"total_tokens":3}}"#
        ), "{text}");
        let parsed: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(parsed["data"].as_array().unwrap().len(), 11);
        assert_eq!(parsed["model"], "m\"x");
    }

    #[test]
    fn an_empty_list_is_valid_json() {
        let out = EmbeddingListWriter::new(0).finish("m", EmbeddingUsage::default());
        assert_eq!(
            std::str::from_utf8(&out).unwrap(),
            r#"{"object":"list","data":[],"model":"m","usage":{"prompt_tokens":0,"total_tokens":0}}"#
        );
    }
}
