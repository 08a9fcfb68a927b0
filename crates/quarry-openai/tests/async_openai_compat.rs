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
fn every_kind_of_chunk_parses() {
    let role = ChatCompletionChunk::new(
        "c",
        1,
        "m",
        vec![ChunkChoice::delta(Delta {
            role: Some("assistant".into()),
            content: Some("".into()),
            tool_calls: None,
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

    for chunk in [&role, &tool, &stop, &usage_chunk] {
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
