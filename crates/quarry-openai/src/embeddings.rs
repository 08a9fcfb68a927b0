//! `POST /v1/embeddings`: the request and the response.
//!
//! The response borrows each float vector as raw JSON (`&RawValue`) so a gateway can copy the
//! numbers Bedrock wrote straight into OpenAI's shape without parsing and re-printing them.

use serde::de::{Deserializer, Error as _};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// `object` of the response.
pub const EMBEDDING_LIST_OBJECT: &str = "list";
/// `object` of each item.
pub const EMBEDDING_OBJECT: &str = "embedding";

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

/// The response: `{"object":"list","data":[…],"model","usage"}`.
#[derive(Debug, Serialize)]
pub struct EmbeddingResponse<'a> {
    pub object: &'static str,
    pub data: Vec<EmbeddingData<'a>>,
    pub model: &'a str,
    pub usage: EmbeddingUsage,
}

/// One vector, at the position of its input.
#[derive(Debug, Serialize)]
pub struct EmbeddingData<'a> {
    pub object: &'static str,
    pub index: usize,
    pub embedding: EmbeddingVector<'a>,
}

/// A vector as OpenAI returns it for each `encoding_format`.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum EmbeddingVector<'a> {
    /// A JSON array of numbers, written exactly as given.
    Float(&'a RawValue),
    Base64(String),
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
    fn response_copies_raw_vectors_verbatim() {
        let raw = RawValue::from_string("[0.5,-1.25e-3]".into()).unwrap();
        let response = EmbeddingResponse {
            object: EMBEDDING_LIST_OBJECT,
            data: vec![
                EmbeddingData {
                    object: EMBEDDING_OBJECT,
                    index: 0,
                    embedding: EmbeddingVector::Float(&raw),
                },
                EmbeddingData {
                    object: EMBEDDING_OBJECT,
                    index: 1,
                    embedding: EmbeddingVector::Base64("AAAAPw==".into()),
                },
            ],
            model: "m",
            usage: EmbeddingUsage {
                prompt_tokens: 3,
                total_tokens: 3,
            },
        };
        assert_eq!(
            serde_json::to_string(&response).unwrap(),
            r#"{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.5,-1.25e-3]},{"object":"embedding","index":1,"embedding":"AAAAPw=="}],"model":"m","usage":{"prompt_tokens":3,"total_tokens":3}}"#
        );
    }
}
