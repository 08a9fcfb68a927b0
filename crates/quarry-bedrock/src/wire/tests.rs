#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::json;

use super::*;

#[test]
fn request_round_trips_byte_for_byte() {
    let body = concat!(
        r#"{"messages":[{"role":"user","content":[{"text":"hi"},{"image":{"format":"png","source":{"bytes":"iVBORw=="}}},{"cachePoint":{"type":"default"}}]},"#,
        r#"{"role":"assistant","content":[{"toolUse":{"toolUseId":"t1","name":"get","input":{"q":1}}}]},"#,
        r#"{"role":"user","content":[{"toolResult":{"toolUseId":"t1","content":[{"json":{"ok":true}},{"text":"done"}],"status":"success"}}]}],"#,
        r#""system":[{"text":"be brief"},{"cachePoint":{"type":"default","ttl":"1h"}}],"#,
        r#""inferenceConfig":{"maxTokens":100,"temperature":0.5,"topP":0.9,"stopSequences":["END"]},"#,
        r#""toolConfig":{"tools":[{"toolSpec":{"name":"get","description":"d","inputSchema":{"json":{"type":"object"}}}}],"toolChoice":{"auto":{}}},"#,
        r#""guardrailConfig":{"guardrailIdentifier":"g","guardrailVersion":"1"},"#,
        r#""additionalModelRequestFields":{"top_k":5},"#,
        r#""additionalModelResponseFieldPaths":["/stop_sequence"],"#,
        r#""requestMetadata":{"team":"a"},"#,
        r#""performanceConfig":{"latency":"optimized"},"#,
        r#""serviceTier":{"type":"priority"}}"#
    );
    let parsed: ConverseRequest = serde_json::from_str(body).unwrap();
    assert_eq!(parsed.messages.len(), 3);
    assert!(matches!(
        &parsed.messages[0].content[1],
        ContentBlock::Image(ImageBlock { source: ImageSource::Bytes(b), .. }) if b == "iVBORw=="
    ));
    assert!(matches!(
        &parsed.tool_config.as_ref().unwrap().tool_choice,
        Some(ToolChoice::Auto(_))
    ));
    assert_eq!(serde_json::to_string(&parsed).unwrap(), body);
}

#[test]
fn empty_request_parts_are_omitted_not_null() {
    let req = ConverseRequest {
        messages: vec![Message {
            role: ConversationRole::User,
            content: vec![ContentBlock::Text("x".into())],
        }],
        inference_config: Some(InferenceConfig {
            max_tokens: Some(5),
            ..InferenceConfig::default()
        }),
        ..ConverseRequest::default()
    };
    assert_eq!(
        serde_json::to_string(&req).unwrap(),
        r#"{"messages":[{"role":"user","content":[{"text":"x"}]}],"inferenceConfig":{"maxTokens":5}}"#
    );
}

#[test]
fn response_keeps_unknown_blocks_and_ignores_unknown_fields() {
    let resp: ConverseResponse = serde_json::from_value(json!({
        "output": {"message": {"role": "assistant", "content": [
            {"reasoningContent": {"reasoningText": {"text": "hmm", "signature": "sig"}}},
            {"text": "Hello"},
            {"toolUse": {"toolUseId": "t1", "name": "get", "input": {}}},
            {"hologram": {"depth": 3}}
        ]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 3, "outputTokens": 4, "totalTokens": 7,
                  "cacheReadInputTokens": 10, "cacheWriteInputTokens": 2},
        "metrics": {"latencyMs": 120},
        "brandNewField": {"x": 1}
    }))
    .unwrap();
    let ConverseOutput::Message(message) = &resp.output else {
        panic!("message expected")
    };
    assert_eq!(message.role, ConversationRole::Assistant);
    assert_eq!(
        message.content[0],
        ContentBlock::ReasoningContent(ReasoningContentBlock::ReasoningText(ReasoningTextBlock {
            text: "hmm".into(),
            signature: Some("sig".into())
        }))
    );
    assert_eq!(
        message.content[3],
        ContentBlock::Other {
            key: "hologram".into(),
            value: json!({"depth": 3})
        }
    );
    assert_eq!(resp.usage.cache_read_input_tokens, Some(10));
    assert_eq!(resp.usage.cache_write_input_tokens, Some(2));
    assert_eq!(resp.metrics, Some(ConverseMetrics { latency_ms: 120 }));
}

#[test]
fn a_union_needs_exactly_one_member() {
    let err = serde_json::from_str::<ContentBlock>(r#"{"text":"a","toolUse":{}}"#)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("ContentBlock must have exactly one member, found `text` and `toolUse`"),
        "{err}"
    );
    let err = serde_json::from_str::<ContentBlock>("{}")
        .unwrap_err()
        .to_string();
    assert!(err.contains("ContentBlock has no member"), "{err}");
    let err = serde_json::from_str::<ContentBlock>(r#""text""#)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("a ContentBlock object with exactly one member"),
        "{err}"
    );
    // Escaped member names are still recognised.
    let block: ContentBlock = serde_json::from_str(r#"{"t\u0065xt":"a"}"#).unwrap();
    assert_eq!(block, ContentBlock::Text("a".into()));
}

#[test]
fn stream_events_parse_with_padding() {
    let p = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX";
    let cases: Vec<(&str, String)> = vec![
        (
            "messageStart",
            format!(r#"{{"role":"assistant","p":"{p}"}}"#),
        ),
        (
            "contentBlockStart",
            format!(
                r#"{{"contentBlockIndex":1,"start":{{"toolUse":{{"toolUseId":"t1","name":"get"}}}},"p":"{p}"}}"#
            ),
        ),
        (
            "contentBlockDelta",
            format!(r#"{{"contentBlockIndex":0,"delta":{{"text":" German"}},"p":"{p}"}}"#),
        ),
        (
            "contentBlockDelta",
            format!(
                r#"{{"contentBlockIndex":1,"delta":{{"toolUse":{{"input":"{{\"a\""}}}},"p":"{p}"}}"#
            ),
        ),
        (
            "contentBlockStop",
            format!(r#"{{"contentBlockIndex":0,"p":"{p}"}}"#),
        ),
        (
            "messageStop",
            format!(r#"{{"stopReason":"end_turn","p":"{p}"}}"#),
        ),
        (
            "metadata",
            format!(
                r#"{{"usage":{{"inputTokens":1,"outputTokens":2,"totalTokens":3}},"metrics":{{"latencyMs":9}},"p":"{p}"}}"#
            ),
        ),
    ];
    let events: Vec<ConverseStreamEvent> = cases
        .iter()
        .map(|(t, payload)| {
            ConverseStreamEvent::parse(t, payload.as_bytes())
                .unwrap()
                .unwrap()
        })
        .collect();
    assert!(matches!(
        &events[1],
        ConverseStreamEvent::ContentBlockStart(ContentBlockStartEvent {
            content_block_index: 1,
            start: ContentBlockStart::ToolUse(ToolUseBlockStart { tool_use_id, name, .. })
        }) if tool_use_id == "t1" && name == "get"
    ));
    assert!(matches!(
        &events[2],
        ConverseStreamEvent::ContentBlockDelta(ContentBlockDeltaEvent {
            delta: ContentBlockDelta::Text(t), ..
        }) if t == " German"
    ));
    assert!(matches!(
        &events[3],
        ConverseStreamEvent::ContentBlockDelta(ContentBlockDeltaEvent {
            delta: ContentBlockDelta::ToolUse(ToolUseBlockDelta { input }), ..
        }) if input == "{\"a\""
    ));
    assert!(matches!(
        &events[6],
        ConverseStreamEvent::Metadata(MetadataEvent {
            usage: TokenUsage {
                total_tokens: 3,
                ..
            },
            ..
        })
    ));
    assert_eq!(
        ConverseStreamEvent::parse("somethingNew", b"not even json").unwrap(),
        None
    );
    assert!(ConverseStreamEvent::parse("messageStop", b"{}").is_err());
}
