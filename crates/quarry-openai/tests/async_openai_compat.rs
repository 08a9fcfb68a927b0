//! Quarry's JSON must parse with the types of `async-openai`, the OpenAI client used in
//! end-to-end tests; these checks catch a missing or mistyped field early.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::borrow::Cow;

use async_openai::types::chat::{
    CreateChatCompletionResponse, CreateChatCompletionStreamResponse, FinishReason,
};
use async_openai::types::completions::CreateCompletionResponse;
use quarry_openai::chat::*;
use quarry_openai::completions::{CompletionChoice, TextCompletion};

fn usage() -> Usage {
    Usage {
        prompt_tokens: 30,
        completion_tokens: 5,
        total_tokens: 35,
        prompt_tokens_details: Some(PromptTokensDetails { cached_tokens: 20 }),
        completion_tokens_details: None,
    }
}

#[test]
fn chat_completion_with_tool_calls_parses() {
    let completion = ChatCompletion::new(
        "chatcmpl-1".into(),
        1_700_000_000,
        "claude".into(),
        vec![Choice {
            index: 0,
            message: ResponseMessage::assistant(
                None,
                Some(vec![ToolCall {
                    id: "tooluse_1".into(),
                    kind: "function".into(),
                    function: FunctionCall {
                        name: "get_weather".into(),
                        arguments: r#"{"city":"Paris"}"#.into(),
                    },
                }]),
            ),
            logprobs: None,
            finish_reason: Some(Cow::Borrowed("tool_calls")),
        }],
        usage(),
    );
    let json = serde_json::to_vec(&completion).unwrap();
    let parsed: CreateChatCompletionResponse = serde_json::from_slice(&json).unwrap();
    assert_eq!(parsed.id, "chatcmpl-1");
    assert_eq!(
        parsed.choices[0].finish_reason,
        Some(FinishReason::ToolCalls)
    );
    assert_eq!(parsed.choices[0].message.content, None);
    let calls = parsed.choices[0].message.tool_calls.as_ref().unwrap();
    assert_eq!(calls.len(), 1);
    let usage = parsed.usage.unwrap();
    assert_eq!(usage.prompt_tokens, 30);
    assert_eq!(usage.prompt_tokens_details.unwrap().cached_tokens, Some(20));
}

#[test]
fn reasoning_trace_and_extra_fields_do_not_disturb_the_client() {
    let mut message = ResponseMessage::assistant(Some("42".into()), None);
    message.reasoning_content = Some("think".into());
    message.thinking_blocks = Some(vec![
        ThinkingBlock::Thinking {
            thinking: "think".into(),
            signature: Some("sig".into()),
        },
        ThinkingBlock::Redacted {
            data: "ZGF0YQ==".into(),
        },
    ]);
    let mut completion = ChatCompletion::new(
        "chatcmpl-2".into(),
        1,
        "m".into(),
        vec![Choice {
            index: 0,
            message,
            logprobs: None,
            finish_reason: Some(Cow::Borrowed("content_filter")),
        }],
        usage(),
    );
    completion.trace = Some(serde_json::json!({"guardrail": {"modelOutput": ["x"]}}));
    completion.additional_model_response_fields = Some(serde_json::json!({"stop_sequence": null}));
    let json = serde_json::to_vec(&completion).unwrap();
    let parsed: CreateChatCompletionResponse = serde_json::from_slice(&json).unwrap();
    assert_eq!(parsed.choices[0].message.content.as_deref(), Some("42"));
    assert_eq!(
        parsed.choices[0].finish_reason,
        Some(FinishReason::ContentFilter)
    );
}

#[test]
fn every_kind_of_chunk_parses() {
    let role = ChatCompletionChunk::new(
        "c",
        1,
        "m",
        vec![ChunkChoice::delta(Delta {
            role: Some("assistant".into()),
            content: Some("".into()),
            ..Delta::default()
        })],
    );
    let tool = ChatCompletionChunk::new(
        "c",
        1,
        "m",
        vec![ChunkChoice::delta(Delta {
            tool_calls: Some(vec![ToolCallChunk {
                index: 0,
                id: None,
                kind: None,
                function: Some(FunctionCallChunk {
                    name: None,
                    arguments: Some("{\"a\"".into()),
                }),
            }]),
            ..Delta::default()
        })],
    );
    let mut stop =
        ChatCompletionChunk::new("c", 1, "m", vec![ChunkChoice::delta(Delta::default())]);
    stop.choices[0].finish_reason = Some("length".into());
    let mut usage_chunk = ChatCompletionChunk::new("c", 1, "m", vec![]);
    usage_chunk.usage = Some(usage());
    usage_chunk.trace = Some(serde_json::json!({"guardrail": {"actionReason": "x"}}));
    let reasoning = ChatCompletionChunk::new(
        "c",
        1,
        "m",
        vec![ChunkChoice::delta(Delta {
            reasoning_content: Some("hmm".into()),
            thinking_blocks: Some(vec![ThinkingBlock::Thinking {
                thinking: "hmm".into(),
                signature: Some("sig".into()),
            }]),
            ..Delta::default()
        })],
    );

    for chunk in [&role, &tool, &stop, &usage_chunk, &reasoning] {
        let json = serde_json::to_vec(chunk).unwrap();
        let parsed: CreateChatCompletionStreamResponse = serde_json::from_slice(&json)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&json)));
        assert_eq!(parsed.object, "chat.completion.chunk");
    }
    let parsed: CreateChatCompletionStreamResponse =
        serde_json::from_slice(&serde_json::to_vec(&stop).unwrap()).unwrap();
    assert_eq!(parsed.choices[0].finish_reason, Some(FinishReason::Length));
    let parsed: CreateChatCompletionStreamResponse =
        serde_json::from_slice(&serde_json::to_vec(&usage_chunk).unwrap()).unwrap();
    assert!(parsed.choices.is_empty());
    assert_eq!(parsed.usage.unwrap().total_tokens, 35);
}

#[test]
fn text_completion_and_its_chunks_parse() {
    let whole = TextCompletion::new(
        "cmpl-1",
        1,
        "m",
        vec![CompletionChoice::new("Hello", Some("stop"))],
        Some(usage()),
    );
    let chunk = TextCompletion::new(
        "cmpl-1",
        1,
        "m",
        vec![CompletionChoice::new("He", None)],
        None,
    );
    for value in [&whole, &chunk] {
        let json = serde_json::to_vec(value).unwrap();
        let parsed: CreateCompletionResponse = serde_json::from_slice(&json)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&json)));
        assert_eq!(parsed.object, "text_completion");
    }
    let parsed: CreateCompletionResponse =
        serde_json::from_slice(&serde_json::to_vec(&whole).unwrap()).unwrap();
    assert_eq!(parsed.choices[0].text, "Hello");
    assert_eq!(parsed.usage.unwrap().completion_tokens, 5);
}
