//! Criterion benches for the per-request pure functions: the chat request mapping (parse the
//! OpenAI JSON, translate, encode the Converse JSON), the response mapping, SigV4 signing, and
//! the stream translation (decode event-stream frames, write SSE), and the embeddings mapping
//! of a 96-input request (plan the InvokeModel bodies; parse 96 answers and write OpenAI's list).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_smithy_eventstream::frame::write_message_to;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use bytes::BytesMut;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use quarry_bedrock::chat::{self, ChatDefaults, ResponseMeta, StreamFormat, StreamTranslator};
use quarry_bedrock::embeddings::{self, EmbeddingDefaults, EmbeddingFamily};
use quarry_bedrock::eventstream::{Frame, FrameDecoder};
use quarry_bedrock::sign::{sign_v4, ToSign, BEDROCK_SERVICE};
use quarry_openai::embeddings::{EmbeddingRequest, EncodingFormat};

const CHAT: &str = r#"{"model":"us.anthropic.claude-sonnet-4-5-20250929-v1:0","max_tokens":512,"temperature":0.7,"stop":["END"],"messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"What is the capital of France?"},{"role":"assistant","content":"Paris."},{"role":"user","content":[{"type":"text","text":"And of Germany? Answer in one word."}]}]}"#;

const CONVERSE_RESPONSE: &str = r#"{"output":{"message":{"role":"assistant","content":[{"text":"Berlin."}]}},"stopReason":"end_turn","usage":{"inputTokens":42,"outputTokens":3,"totalTokens":45,"cacheReadInputTokens":0,"cacheWriteInputTokens":0},"metrics":{"latencyMs":312}}"#;

/// A 20-turn agent conversation with 10 tools: the shape of a coding-agent request.
fn agent_request() -> String {
    let tools: Vec<serde_json::Value> = (0..10)
        .map(|i| {
            serde_json::json!({"type": "function", "function": {
                "name": format!("tool_{i}"),
                "description": format!("Tool number {i}: reads or writes part of the workspace"),
                "parameters": {"type": "object", "properties": {
                    "path": {"type": "string", "description": "A path in the workspace"},
                    "limit": {"type": "integer", "minimum": 1},
                    "flags": {"type": "array", "items": {"type": "string"}}
                }, "required": ["path"]}
            }})
        })
        .collect();
    let mut messages = vec![
        serde_json::json!({"role": "system", "content": "You are a careful coding agent. Use the tools."}),
    ];
    for turn in 0..5 {
        messages.push(serde_json::json!({"role": "user", "content": format!("Step {turn}: look at src/file_{turn}.rs and fix the bug you find there.")}));
        messages.push(serde_json::json!({"role": "assistant", "content": "Let me look.", "tool_calls": [
            {"id": format!("call_{turn}_a"), "type": "function", "function": {"name": format!("tool_{turn}"), "arguments": format!("{{\"path\":\"src/file_{turn}.rs\",\"limit\":200}}")}},
            {"id": format!("call_{turn}_b"), "type": "function", "function": {"name": "tool_9", "arguments": "{\"path\":\".\"}"}}
        ]}));
        messages.push(serde_json::json!({"role": "tool", "tool_call_id": format!("call_{turn}_a"), "content": "fn main() {\n    let x = 1;\n    println!(\"{}\", x + 1);\n}\n"}));
        messages.push(serde_json::json!({"role": "tool", "tool_call_id": format!("call_{turn}_b"), "content": "{\"files\": [\"a.rs\", \"b.rs\"], \"count\": 2}"}));
    }
    serde_json::json!({
        "model": "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "max_tokens": 4096,
        "temperature": 0.2,
        "messages": messages,
        "tools": tools,
        "tool_choice": "auto"
    })
    .to_string()
}

fn frame(event_type: &str, payload: &str) -> Vec<u8> {
    let message = Message::new_from_parts(
        vec![
            Header::new(
                ":event-type",
                HeaderValue::String(event_type.to_owned().into()),
            ),
            Header::new(
                ":content-type",
                HeaderValue::String("application/json".into()),
            ),
            Header::new(":message-type", HeaderValue::String("event".into())),
        ],
        payload.as_bytes().to_vec(),
    );
    let mut out = Vec::new();
    write_message_to(&message, &mut out).unwrap();
    out
}

/// A 60-delta ConverseStream body, as Bedrock sends it (with `p` padding).
fn stream_body() -> Vec<u8> {
    let mut body = frame("messageStart", r#"{"role":"assistant","p":"abcdefgh"}"#);
    for i in 0..60 {
        body.extend(frame(
            "contentBlockDelta",
            &format!(r#"{{"contentBlockIndex":0,"delta":{{"text":" word{i}"}},"p":"abcdefghijklmnopqrstuvwxyzABCDEF"}}"#),
        ));
    }
    body.extend(frame("contentBlockStop", r#"{"contentBlockIndex":0}"#));
    body.extend(frame("messageStop", r#"{"stopReason":"end_turn"}"#));
    body.extend(frame(
        "metadata",
        r#"{"usage":{"inputTokens":12,"outputTokens":60,"totalTokens":72},"metrics":{"latencyMs":900}}"#,
    ));
    body
}

fn meta() -> ResponseMeta {
    ResponseMeta {
        id: "chatcmpl-0123456789abcdefghijklmn".into(),
        created: 1_736_942_400,
        model: "us.anthropic.claude-sonnet-4-5-20250929-v1:0".into(),
    }
}

fn benches(c: &mut Criterion) {
    let defaults = ChatDefaults::default();
    c.bench_function("chat_request_mapping", |b| {
        b.iter(|| {
            let req: quarry_openai::chat::ChatRequest =
                serde_json::from_slice(black_box(CHAT.as_bytes())).unwrap();
            let converse = chat::converse_from_chat(&req, &defaults).unwrap();
            black_box(serde_json::to_vec(&converse).unwrap())
        })
    });

    let agent = agent_request();
    c.bench_function("chat_request_mapping_10_tools_20_turns", |b| {
        b.iter(|| {
            let req: quarry_openai::chat::ChatRequest =
                serde_json::from_slice(black_box(agent.as_bytes())).unwrap();
            let converse = chat::converse_from_chat_for_model(
                &req,
                &defaults,
                "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                false,
            )
            .unwrap();
            black_box(serde_json::to_vec(&converse).unwrap())
        })
    });

    c.bench_function("chat_response_mapping", |b| {
        let meta = meta();
        b.iter(|| {
            let resp =
                chat::parse_converse_response(black_box(CONVERSE_RESPONSE.as_bytes())).unwrap();
            black_box(serde_json::to_vec(&chat::chat_from_converse(resp, &meta)).unwrap())
        })
    });

    let creds = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
        None,
        "bench",
    );
    let body = br#"{"messages":[{"role":"user","content":[{"text":"hi"}]}]}"#;
    c.bench_function("sigv4_sign_converse", |b| {
        b.iter(|| {
            black_box(
                sign_v4(
                    &ToSign {
                        method: "POST",
                        url: "https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse",
                        headers: &[("content-type", "application/json")],
                        body,
                    },
                    &creds,
                    "us-east-1",
                    BEDROCK_SERVICE,
                    SystemTime::UNIX_EPOCH + Duration::from_secs(1_736_942_400),
                )
                .unwrap(),
            )
        })
    });

    let stream = stream_body();
    let mut group = c.benchmark_group("stream_translation");
    group.throughput(Throughput::Elements(64));
    group.bench_function("converse_stream_64_events_to_sse", |b| {
        b.iter(|| {
            let mut decoder = FrameDecoder::new();
            let mut translator = StreamTranslator::new(StreamFormat::Chat, meta(), true);
            let mut out = BytesMut::with_capacity(16 * 1024);
            // Network-sized reads that split frames.
            for piece in stream.chunks(1400) {
                decoder.push(piece);
                while let Some(frame) = decoder.next_frame().unwrap() {
                    if let Frame::Event {
                        event_type,
                        payload,
                    } = frame
                    {
                        translator
                            .on_event(&event_type, &payload, &mut out)
                            .unwrap();
                    }
                }
            }
            translator.finish(&mut out);
            black_box(out.len())
        })
    });
    group.finish();
}

/// 96 Titan v2 answers of 1024 single-precision components each, written as Bedrock writes
/// them (shortest round-trip `f32` decimals, e.g. `-0.05614313`), with both `embedding` and
/// the duplicate `embeddingsByType.float`.
fn titan_answers() -> Vec<Vec<u8>> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..96)
        .map(|i| {
            let vector: Vec<f32> = (0..1024)
                .map(|_| {
                    state = state
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407);
                    ((state >> 40) as f32 / (1u64 << 24) as f32) * 0.2 - 0.1
                })
                .collect();
            let floats = serde_json::to_string(&vector).unwrap();
            format!(
                r#"{{"embedding":{floats},"embeddingsByType":{{"float":{floats}}},"inputTextTokenCount":{}}}"#,
                5 + i % 7
            )
            .into_bytes()
        })
        .collect()
}

fn embeddings_benches(c: &mut Criterion) {
    let texts: Vec<String> = (0..96)
        .map(|i| format!("Document {i}: a short passage about topic {i} to embed for search."))
        .collect();
    let request = serde_json::to_vec(&serde_json::json!({
        "model": "amazon.titan-embed-text-v2:0", "input": texts, "dimensions": 1024
    }))
    .unwrap();
    let defaults = EmbeddingDefaults::default();
    c.bench_function("embeddings_request_mapping_96", |b| {
        b.iter(|| {
            let req: EmbeddingRequest = serde_json::from_slice(black_box(&request)).unwrap();
            black_box(
                embeddings::plan_embeddings(&req, &defaults, "amazon.titan-embed-text-v2:0")
                    .unwrap(),
            )
        })
    });

    let answers = titan_answers();
    for (name, encoding) in [
        ("embeddings_response_mapping_96", EncodingFormat::Float),
        (
            "embeddings_response_mapping_96_base64",
            EncodingFormat::Base64,
        ),
    ] {
        c.bench_function(name, |b| {
            b.iter(|| {
                let mut vectors = Vec::with_capacity(96);
                let mut tokens = 0;
                for answer in &answers {
                    tokens += embeddings::parse_embeddings_call(
                        EmbeddingFamily::TitanV2,
                        black_box(answer),
                        None,
                        &mut vectors,
                    )
                    .unwrap();
                }
                black_box(
                    embeddings::embeddings_response(
                        "amazon.titan-embed-text-v2:0",
                        encoding,
                        &vectors,
                        tokens,
                    )
                    .unwrap(),
                )
            })
        });
    }
}

criterion_group!(hot_paths, benches, embeddings_benches);
criterion_main!(hot_paths);
