//! Token usage of native calls, read from what Bedrock already sends: the Converse body's
//! `usage`, the ConverseStream `metadata` event, InvokeModel's `X-Amzn-Bedrock-*-Token-Count`
//! headers, and the `amazon-bedrock-invocationMetrics` of the last InvokeModelWithResponseStream
//! chunk. Pure: bytes and headers in, counts out. Counts follow the chat path's rule: prompt
//! tokens include cache reads and writes, `cached` is the cache reads.

use base64::Engine;
use http::HeaderMap;
use quarry_bedrock::chat::usage_from_bedrock;
use quarry_bedrock::eventstream::Frame;
use quarry_bedrock::wire::TokenUsage;
use serde::Deserialize;

use super::paths::Operation;
use crate::stats::Tokens;

fn tokens(usage: &TokenUsage) -> Tokens {
    let u = usage_from_bedrock(usage);
    Tokens {
        prompt: u.prompt_tokens,
        completion: u.completion_tokens,
        total: u.total_tokens,
        cached: u
            .prompt_tokens_details
            .as_ref()
            .map_or(0, |d| d.cached_tokens),
    }
}

fn usage_of(input: u64, output: u64, cache_read: Option<u64>, cache_write: Option<u64>) -> Tokens {
    tokens(&TokenUsage {
        input_tokens: input,
        output_tokens: output,
        total_tokens: input.saturating_add(output),
        cache_read_input_tokens: cache_read,
        cache_write_input_tokens: cache_write,
        cache_details: None,
    })
}

/// `usage` of a Converse response body or a ConverseStream `metadata` event payload.
pub fn from_usage_json(body: &[u8]) -> Option<Tokens> {
    #[derive(Deserialize)]
    struct WithUsage {
        usage: TokenUsage,
    }
    serde_json::from_slice::<WithUsage>(body)
        .ok()
        .map(|w| tokens(&w.usage))
}

/// InvokeModel's token-count headers; `None` when Bedrock sent no input count.
pub fn from_invoke_headers(headers: &HeaderMap) -> Option<Tokens> {
    let count = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
    };
    let input = count("x-amzn-bedrock-input-token-count")?;
    Some(usage_of(
        input,
        count("x-amzn-bedrock-output-token-count").unwrap_or(0),
        count("x-amzn-bedrock-cache-read-input-token-count"),
        count("x-amzn-bedrock-cache-write-input-token-count"),
    ))
}

const METRICS_KEY: &[u8] = b"amazon-bedrock-invocationMetrics";

/// The `amazon-bedrock-invocationMetrics` inside an InvokeModelWithResponseStream `chunk`
/// payload (`{"bytes": "<base64 of the model's JSON event>"}`); `None` for other chunks.
pub fn from_invoke_chunk(payload: &[u8]) -> Option<Tokens> {
    #[derive(Deserialize)]
    struct Chunk {
        bytes: String,
    }
    #[derive(Deserialize)]
    struct Inner {
        #[serde(rename = "amazon-bedrock-invocationMetrics")]
        metrics: Metrics,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Metrics {
        input_token_count: u64,
        #[serde(default)]
        output_token_count: u64,
        cache_read_input_token_count: Option<u64>,
        cache_write_input_token_count: Option<u64>,
    }
    let chunk: Chunk = serde_json::from_slice(payload).ok()?;
    let inner = base64::engine::general_purpose::STANDARD
        .decode(chunk.bytes.as_bytes())
        .ok()?;
    // Only the last chunk carries metrics; skip the JSON parse for every other one.
    if !inner.windows(METRICS_KEY.len()).any(|w| w == METRICS_KEY) {
        return None;
    }
    let m = serde_json::from_slice::<Inner>(&inner).ok()?.metrics;
    Some(usage_of(
        m.input_token_count,
        m.output_token_count,
        m.cache_read_input_token_count,
        m.cache_write_input_token_count,
    ))
}

/// Image-generation models (Titan Image, Nova Canvas, Stability), also behind a geography
/// prefix or an ARN: their InvokeModel calls are logged without tokens.
pub fn is_image_model(model: &str) -> bool {
    const PREFIXES: &[&str] = &["amazon.titan-image", "amazon.nova-canvas", "stability."];
    let name = model.rsplit('/').next().unwrap_or(model);
    let unprefixed = name.split_once('.').map_or(name, |(_, rest)| rest);
    [name, unprefixed]
        .iter()
        .any(|n| PREFIXES.iter().any(|p| n.starts_with(p)))
}

/// What a relayed stream's side decoder learns, frame by frame.
#[derive(Debug, Default)]
pub struct StreamUsage {
    pub tokens: Option<Tokens>,
    /// The first frame after the stream's opening event (content, or the first chunk).
    pub first_content_seen: bool,
    /// An exception or error frame went by.
    pub exception: bool,
}

impl StreamUsage {
    pub fn on_frame(&mut self, operation: Operation, frame: &Frame) {
        match frame {
            Frame::Event {
                event_type,
                payload,
            } => {
                if event_type != "messageStart" {
                    self.first_content_seen = true;
                }
                match (operation, event_type.as_str()) {
                    (Operation::ConverseStream, "metadata") => {
                        self.tokens = from_usage_json(payload).or(self.tokens);
                    }
                    (Operation::InvokeModelWithResponseStream, "chunk") => {
                        self.tokens = from_invoke_chunk(payload).or(self.tokens);
                    }
                    _ => {}
                }
            }
            Frame::Exception { .. } | Frame::Error { .. } => self.exception = true,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use bytes::Bytes;
    use http::HeaderValue;

    #[test]
    fn converse_usage_counts_cache_reads_and_writes_as_prompt_tokens() {
        let body = br#"{"output":{},"usage":{"inputTokens":10,"outputTokens":5,"totalTokens":25,
            "cacheReadInputTokens":7,"cacheWriteInputTokens":3}}"#;
        assert_eq!(
            from_usage_json(body),
            Some(Tokens {
                prompt: 20,
                completion: 5,
                total: 25,
                cached: 7
            })
        );
        assert_eq!(from_usage_json(b"{\"output\":{}}"), None);
        assert_eq!(from_usage_json(b"not json"), None);
    }

    #[test]
    fn invoke_headers_give_tokens_only_with_an_input_count() {
        let mut headers = HeaderMap::new();
        assert_eq!(from_invoke_headers(&headers), None);
        headers.insert(
            "x-amzn-bedrock-input-token-count",
            HeaderValue::from_static("12"),
        );
        headers.insert(
            "x-amzn-bedrock-output-token-count",
            HeaderValue::from_static("4"),
        );
        assert_eq!(
            from_invoke_headers(&headers),
            Some(Tokens {
                prompt: 12,
                completion: 4,
                total: 16,
                cached: 0
            })
        );
        headers.insert(
            "x-amzn-bedrock-cache-read-input-token-count",
            HeaderValue::from_static("8"),
        );
        assert_eq!(from_invoke_headers(&headers).unwrap().cached, 8);
        assert_eq!(from_invoke_headers(&headers).unwrap().prompt, 20);
    }

    fn chunk(inner: &str) -> Vec<u8> {
        let b64 = base64::engine::general_purpose::STANDARD.encode(inner);
        format!(r#"{{"bytes":"{b64}","p":"abc"}}"#).into_bytes()
    }

    #[test]
    fn invoke_stream_metrics_come_from_the_last_chunk() {
        assert_eq!(
            from_invoke_chunk(&chunk(r#"{"type":"content_block_delta"}"#)),
            None
        );
        let last = chunk(
            r#"{"type":"message_stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":9,
            "outputTokenCount":3,"invocationLatency":120,"firstByteLatency":40}}"#,
        );
        assert_eq!(
            from_invoke_chunk(&last),
            Some(Tokens {
                prompt: 9,
                completion: 3,
                total: 12,
                cached: 0
            })
        );
        assert_eq!(from_invoke_chunk(br#"{"bytes":"!!notbase64"}"#), None);
    }

    #[test]
    fn image_models_are_recognised_behind_prefixes_and_arns() {
        for m in [
            "amazon.titan-image-generator-v2:0",
            "amazon.nova-canvas-v1:0",
            "stability.sd3-5-large-v1:0",
            "us.stability.stable-image-core-v1:1",
            "arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-canvas-v1:0",
        ] {
            assert!(is_image_model(m), "{m}");
        }
        for m in [
            "anthropic.claude-3-haiku-20240307-v1:0",
            "amazon.titan-embed-text-v2:0",
            "amazon.nova-lite-v1:0",
        ] {
            assert!(!is_image_model(m), "{m}");
        }
    }

    #[test]
    fn stream_usage_reads_metadata_and_notes_content_and_exceptions() {
        let mut s = StreamUsage::default();
        let event = |t: &str, p: &str| Frame::Event {
            event_type: t.into(),
            payload: Bytes::from(p.to_owned()),
        };
        s.on_frame(
            Operation::ConverseStream,
            &event("messageStart", r#"{"role":"assistant"}"#),
        );
        assert!(!s.first_content_seen);
        s.on_frame(
            Operation::ConverseStream,
            &event("contentBlockDelta", r#"{"delta":{"text":"hi"}}"#),
        );
        assert!(s.first_content_seen);
        s.on_frame(
            Operation::ConverseStream,
            &event(
                "metadata",
                r#"{"usage":{"inputTokens":2,"outputTokens":1,"totalTokens":3},"metrics":{"latencyMs":1}}"#,
            ),
        );
        assert_eq!(s.tokens.unwrap().total, 3);
        assert!(!s.exception);
        s.on_frame(
            Operation::ConverseStream,
            &Frame::Exception {
                exception_type: "throttlingException".into(),
                payload: Bytes::new(),
            },
        );
        assert!(s.exception);
        // A metadata event of another operation's stream is not read as usage.
        let mut other = StreamUsage::default();
        other.on_frame(
            Operation::RetrieveAndGenerateStream,
            &event(
                "metadata",
                r#"{"usage":{"inputTokens":2,"outputTokens":1,"totalTokens":3}}"#,
            ),
        );
        assert_eq!(other.tokens, None);
    }
}
