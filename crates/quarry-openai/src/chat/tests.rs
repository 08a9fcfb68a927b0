#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::borrow::Cow;

use serde_json::json;

use super::*;

#[test]
fn request_with_every_content_form_parses() {
    let req: ChatRequest = serde_json::from_value(json!({
        "model": "claude",
        "messages": [
            {"role": "developer", "content": "be brief"},
            {"role": "user", "content": [
                {"type": "text", "text": "look", "cache_control": {"type": "ephemeral"}},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA", "detail": "low"}},
                {"type": "input_audio", "input_audio": {"data": "AAAA", "format": "wav"}},
                {"type": "file", "file": {"file_id": "file-1"}},
                {"type": "video_url", "video_url": {"url": "https://x"}},
                {"text": "no type"}
            ]},
            {"role": "assistant", "content": null, "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{\"a\":1}"}}
            ]},
            {"role": "tool", "tool_call_id": "call_1", "content": "42"}
        ],
        "max_completion_tokens": 100,
        "stop": ["a", "b"],
        "stream": true,
        "stream_options": {"include_usage": true},
        "guardrailConfig": {"guardrailIdentifier": "g1", "guardrailVersion": "1"},
        "some_future_openai_field": 3
    }))
    .unwrap();

    assert_eq!(req.messages.len(), 4);
    assert_eq!(req.messages[0].role, Role::Developer);
    assert_eq!(
        req.messages[0].content,
        Some(Content::Text("be brief".into()))
    );
    let Some(Content::Parts(parts)) = &req.messages[1].content else {
        panic!("parts expected")
    };
    let names: Vec<&str> = parts.iter().map(ContentPart::type_name).collect();
    assert_eq!(
        names,
        [
            "text",
            "image_url",
            "input_audio",
            "file",
            "video_url",
            "<missing>"
        ]
    );
    assert_eq!(
        parts[0],
        ContentPart::Text {
            text: "look".into(),
            cache_control: Some(json!({"type": "ephemeral"}))
        }
    );
    assert_eq!(
        parts[1],
        ContentPart::ImageUrl {
            image_url: ImageUrl {
                url: "data:image/png;base64,AAAA".into(),
                detail: Some("low".into())
            },
            cache_control: None
        }
    );
    assert_eq!(
        parts[4],
        ContentPart::Other(json!({"type": "video_url", "video_url": {"url": "https://x"}}))
    );
    assert_eq!(parts[5], ContentPart::Other(json!({"text": "no type"})));
    let calls = req.messages[2].tool_calls.as_ref().unwrap();
    assert_eq!(calls[0].function.arguments, "{\"a\":1}");
    assert_eq!(req.messages[3].tool_call_id.as_deref(), Some("call_1"));
    assert_eq!(req.stop, Some(Stop::Many(vec!["a".into(), "b".into()])));
    assert!(req.is_stream());
    assert!(req.include_usage());
    assert_eq!(req.max_completion_tokens, Some(100));
    assert_eq!(
        req.extra.keys().collect::<Vec<_>>(),
        ["guardrailConfig", "some_future_openai_field"]
    );
}

#[test]
fn stop_accepts_a_string_or_a_list() {
    let one: Stop = serde_json::from_value(json!("END")).unwrap();
    assert_eq!(one.iter().collect::<Vec<_>>(), ["END"]);
    let many: Stop = serde_json::from_value(json!(["a", "b"])).unwrap();
    assert_eq!(many.iter().collect::<Vec<_>>(), ["a", "b"]);
}

#[test]
fn bad_shapes_fail_with_a_message_naming_what_was_expected() {
    let err = serde_json::from_value::<ChatRequest>(
        json!({"messages": [{"role": "user", "content": 5}]}),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("a string or an array of content parts"),
        "{err}"
    );
    let err = serde_json::from_value::<ChatRequest>(json!({"messages": [{"role": "robot"}]}))
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown variant `robot`"), "{err}");
    let err = serde_json::from_value::<ChatRequest>(json!({"model": "m"}))
        .unwrap_err()
        .to_string();
    assert!(err.contains("missing field `messages`"), "{err}");
    let err = serde_json::from_value::<ChatRequest>(
        json!({"messages": [{"role": "user", "content": [{"type": "text"}]}]}),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("missing field `text`"), "{err}");
}

#[test]
fn content_parts_round_trip() {
    let parts = json!([
        {"type": "text", "text": "hi"},
        {"type": "text", "text": "cached", "cache_control": {"type": "ephemeral", "ttl": "1h"}},
        {"type": "image_url", "image_url": {"url": "https://x/y.png"}},
        {"type": "file", "file": {"file_data": "data:application/pdf;base64,AA=="}, "cache_control": {"type": "ephemeral"}},
        {"type": "refusal", "refusal": "no"},
        {"type": "mystery", "x": 1}
    ]);
    let content: Content = serde_json::from_value(parts.clone()).unwrap();
    assert_eq!(serde_json::to_value(&content).unwrap(), parts);
}

#[test]
fn completion_serializes_like_openai() {
    let completion = ChatCompletion::new(
        "chatcmpl-1".into(),
        1_700_000_000,
        "claude".into(),
        vec![Choice {
            index: 0,
            message: ResponseMessage::assistant(Some("Hello".into()), None),
            logprobs: None,
            finish_reason: Some(Cow::Borrowed("stop")),
        }],
        Usage {
            prompt_tokens: 10,
            completion_tokens: 2,
            total_tokens: 12,
            prompt_tokens_details: Some(PromptTokensDetails { cached_tokens: 4 }),
            completion_tokens_details: None,
        },
    );
    assert_eq!(
        serde_json::to_string(&completion).unwrap(),
        concat!(
            r#"{"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"claude","#,
            r#""choices":[{"index":0,"message":{"role":"assistant","content":"Hello","refusal":null},"#,
            r#""logprobs":null,"finish_reason":"stop"}],"#,
            r#""usage":{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12,"prompt_tokens_details":{"cached_tokens":4}}}"#
        )
    );
}

#[test]
fn chunks_serialize_like_openai() {
    let chunk = ChatCompletionChunk::new(
        "chatcmpl-1",
        7,
        "m",
        vec![ChunkChoice::delta(Delta {
            tool_calls: Some(vec![ToolCallChunk {
                index: 0,
                id: Some("t1".into()),
                kind: Some("function".into()),
                function: Some(FunctionCallChunk {
                    name: Some("get".into()),
                    arguments: Some("".into()),
                }),
            }]),
            ..Delta::default()
        })],
    );
    assert_eq!(
        serde_json::to_string(&chunk).unwrap(),
        concat!(
            r#"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"#,
            r#""delta":{"tool_calls":[{"index":0,"id":"t1","type":"function","function":{"name":"get","arguments":""}}]},"#,
            r#""logprobs":null,"finish_reason":null}]}"#
        )
    );
    let mut usage_chunk = ChatCompletionChunk::new("c", 7, "m", vec![]);
    usage_chunk.usage = Some(Usage::default());
    assert_eq!(
        serde_json::to_string(&usage_chunk).unwrap(),
        r#"{"id":"c","object":"chat.completion.chunk","created":7,"model":"m","choices":[],"usage":{"prompt_tokens":0,"completion_tokens":0,"total_tokens":0}}"#
    );
}

#[test]
fn replayed_reasoning_and_cache_markers_parse_on_messages() {
    let req: ChatRequest = serde_json::from_value(json!({"messages": [
        {"role": "user", "content": "hi", "cache_control": {"type": "ephemeral"}},
        {"role": "assistant", "content": "yo", "reasoning_content": "think",
         "thinking_blocks": [{"type": "thinking", "thinking": "think", "signature": "s"}]}
    ]}))
    .unwrap();
    assert_eq!(
        req.messages[0].cache_control,
        Some(json!({"type": "ephemeral"}))
    );
    assert_eq!(req.messages[1].reasoning_content.as_deref(), Some("think"));
    assert_eq!(
        req.messages[1].thinking_blocks,
        Some(json!([{"type": "thinking", "thinking": "think", "signature": "s"}]))
    );
    // They serialize back only when present.
    let plain = Message::new(Role::User, Some(Content::Text("x".into())));
    assert_eq!(
        serde_json::to_string(&plain).unwrap(),
        r#"{"role":"user","content":"x"}"#
    );
}

#[test]
fn thinking_blocks_use_litellms_shape() {
    let blocks = vec![
        ThinkingBlock::Thinking {
            thinking: "a".into(),
            signature: Some("s".into()),
        },
        ThinkingBlock::Thinking {
            thinking: String::new(),
            signature: None,
        },
        ThinkingBlock::Redacted {
            data: "ZA==".into(),
        },
    ];
    let text = serde_json::to_string(&blocks).unwrap();
    assert_eq!(
        text,
        concat!(
            r#"[{"type":"thinking","thinking":"a","signature":"s"},"#,
            r#"{"type":"thinking","thinking":""},"#,
            r#"{"type":"redacted_thinking","data":"ZA=="}]"#
        )
    );
    // A signature-only block (no `thinking`) still parses.
    let parsed: ThinkingBlock =
        serde_json::from_str(r#"{"type":"thinking","signature":"only"}"#).unwrap();
    assert_eq!(
        parsed,
        ThinkingBlock::Thinking {
            thinking: String::new(),
            signature: Some("only".into())
        }
    );
}
