#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Event sequences decoded back with the SDK's frame decoder.

use aws_smithy_eventstream::frame::read_message_from;
use aws_smithy_types::event_stream::Message;
use serde_json::{json, Value};

use super::super::engine::{Reasoning, StopReason, ToolCall};
use super::*;

fn header(message: &Message, name: &str) -> Option<String> {
    message
        .headers()
        .iter()
        .find(|h| h.name().as_str() == name)
        .map(|h| h.value().as_string().unwrap().as_str().to_owned())
}

fn decode(frames: &[Bytes]) -> Vec<(String, Value)> {
    frames
        .iter()
        .map(|frame| {
            let message = read_message_from(frame.clone()).unwrap();
            assert_eq!(header(&message, ":message-type").as_deref(), Some("event"));
            assert_eq!(
                header(&message, ":content-type").as_deref(),
                Some("application/json")
            );
            let payload: Value = serde_json::from_slice(message.payload()).unwrap();
            assert!(payload["p"].is_string(), "every event is padded");
            (header(&message, ":event-type").unwrap(), payload)
        })
        .collect()
}

fn reply(text: &str, tool_call: Option<ToolCall>) -> Reply {
    Reply {
        reasoning: None,
        text: text.to_owned(),
        stop_reason: if tool_call.is_some() {
            StopReason::ToolUse
        } else {
            StopReason::EndTurn
        },
        stop_sequence: None,
        tool_calls: tool_call.into_iter().collect(),
        usage: Usage {
            input_tokens: 2,
            output_tokens: 3,
            total_tokens: 5,
            ..Usage::default()
        },
        trace: None,
    }
}

#[test]
fn word_pieces_concatenate_back_to_the_text() {
    for text in [
        "Hello from the emulator",
        "  lead",
        "trail  ",
        "a  b\tc",
        "",
        "one",
        "é ü",
    ] {
        let pieces = word_pieces(text);
        assert_eq!(pieces.concat(), text, "{text:?}");
        assert!(pieces
            .iter()
            .skip(1)
            .all(|p| p.starts_with(char::is_whitespace)));
    }
    assert_eq!(
        word_pieces("Hello from  here "),
        ["Hello", " from", "  here "]
    );
}

#[test]
fn json_fragments_split_in_two_or_three() {
    assert_eq!(json_fragments("{}"), ["{", "}"]);
    let input = r#"{"city":"example"}"#;
    let fragments = json_fragments(input);
    assert_eq!(fragments.len(), 3);
    assert_eq!(fragments.concat(), input);
}

#[test]
fn a_text_reply_streams_start_deltas_stop_and_metadata() {
    let events = decode(&frames(&reply("Hello from here", None), 7));
    let names: Vec<&str> = events.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "messageStart",
            "contentBlockDelta",
            "contentBlockDelta",
            "contentBlockDelta",
            "contentBlockStop",
            "messageStop",
            "metadata"
        ]
    );
    assert_eq!(events[0].1["role"], "assistant");
    let text: String = events
        .iter()
        .filter(|(n, _)| n == "contentBlockDelta")
        .map(|(_, p)| p["delta"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(text, "Hello from here");
    assert_eq!(events[5].1["stopReason"], "end_turn");
    assert_eq!(
        events[6].1["usage"],
        json!({"inputTokens": 2, "outputTokens": 3, "totalTokens": 5})
    );
    assert_eq!(events[6].1["metrics"]["latencyMs"], 7);
}

#[test]
fn a_tool_call_streams_its_input_in_fragments() {
    let call = ToolCall {
        id: "tooluse_abc".into(),
        name: "get_weather".into(),
        input: json!({"city": "example", "days": 1}),
    };
    let events = decode(&frames(&reply("Calling get_weather.", Some(call)), 0));
    let start = events
        .iter()
        .find(|(n, _)| n == "contentBlockStart")
        .unwrap();
    assert_eq!(
        start.1["start"]["toolUse"],
        json!({"toolUseId": "tooluse_abc", "name": "get_weather"})
    );
    assert_eq!(start.1["contentBlockIndex"], 1);
    let fragments: Vec<&str> = events
        .iter()
        .filter_map(|(_, p)| p["delta"]["toolUse"]["input"].as_str())
        .collect();
    assert!((2..=3).contains(&fragments.len()));
    let input: Value = serde_json::from_str(&fragments.concat()).unwrap();
    assert_eq!(input, json!({"city": "example", "days": 1}));
    let stops: Vec<&Value> = events
        .iter()
        .filter(|(n, _)| n == "contentBlockStop")
        .map(|(_, p)| &p["contentBlockIndex"])
        .collect();
    assert_eq!(stops, [&json!(0), &json!(1)]);
    assert_eq!(events[events.len() - 2].1["stopReason"], "tool_use");
}

#[test]
fn fault_streams_break_where_documented() {
    let error = fault_frames(StreamFault::ModelStreamError);
    let last = read_message_from(error[3].clone()).unwrap();
    assert_eq!(header(&last, ":message-type").as_deref(), Some("exception"));
    assert_eq!(
        header(&last, ":exception-type").as_deref(),
        Some("modelStreamErrorException")
    );
    let payload: Value = serde_json::from_slice(last.payload()).unwrap();
    assert_eq!(payload["originalStatusCode"], 500);

    let error_frame = fault_frames(StreamFault::ErrorFrame);
    let last = read_message_from(error_frame[1].clone()).unwrap();
    assert_eq!(
        header(&last, ":error-code").as_deref(),
        Some("InternalFailure")
    );
    assert!(last.payload().is_empty());

    let truncated = fault_frames(StreamFault::Truncate);
    assert_eq!(decode(&truncated[..3]).len(), 3);
    assert!(read_message_from(truncated[3].clone()).is_err());

    let bad = fault_frames(StreamFault::BadCrc);
    assert!(read_message_from(bad[1].clone()).is_err());
}

fn call(id: &str, name: &str) -> ToolCall {
    ToolCall {
        id: id.into(),
        name: name.into(),
        input: json!({"city": "example"}),
    }
}

/// (event, contentBlockIndex, delta kind) per frame, for checking block structure.
fn outline(events: &[(String, Value)]) -> Vec<(String, Option<u64>, String)> {
    events
        .iter()
        .map(|(name, p)| {
            let kind = p["delta"]
                .as_object()
                .or_else(|| p["start"].as_object())
                .and_then(|o| o.keys().next().cloned())
                .unwrap_or_default();
            (name.clone(), p["contentBlockIndex"].as_u64(), kind)
        })
        .collect()
}

#[test]
fn reasoning_streams_word_deltas_then_its_signature_before_the_text() {
    let mut thinking = reply("Hello there", Some(call("tooluse_a", "get_weather")));
    thinking.reasoning = Some(Reasoning {
        text: "Thinking about: hi".into(),
        signature: "sig-0123456789abcdef".into(),
    });
    let events = decode(&frames(&thinking, 0));
    let shape = outline(&events);
    let row =
        |name: &str, index: Option<u64>, kind: &str| (name.to_owned(), index, kind.to_owned());
    let tool_deltas = shape
        .iter()
        .filter(|(n, i, _)| n == "contentBlockDelta" && *i == Some(2))
        .count();
    assert!((2..=3).contains(&tool_deltas));
    let mut expected = vec![row("messageStart", None, "")];
    expected.extend(vec![
        row("contentBlockDelta", Some(0), "reasoningContent");
        4
    ]);
    expected.push(row("contentBlockStop", Some(0), ""));
    expected.extend(vec![row("contentBlockDelta", Some(1), "text"); 2]);
    expected.push(row("contentBlockStop", Some(1), ""));
    expected.push(row("contentBlockStart", Some(2), "toolUse"));
    expected.extend(vec![
        row("contentBlockDelta", Some(2), "toolUse");
        tool_deltas
    ]);
    expected.push(row("contentBlockStop", Some(2), ""));
    expected.extend([row("messageStop", None, ""), row("metadata", None, "")]);
    assert_eq!(shape, expected);

    let reasoning: Vec<&Value> = events
        .iter()
        .filter_map(|(_, p)| p["delta"].get("reasoningContent"))
        .collect();
    let text: String = reasoning[..3]
        .iter()
        .map(|d| d["text"].as_str().unwrap())
        .collect();
    assert_eq!(text, "Thinking about: hi");
    assert_eq!(reasoning[3], &json!({"signature": "sig-0123456789abcdef"}));
}

#[test]
fn parallel_tool_calls_each_get_their_own_block() {
    let mut multi = reply("Calling 2 tools.", None);
    multi.stop_reason = StopReason::ToolUse;
    multi.tool_calls = vec![
        call("tooluse_a", "get_weather"),
        call("tooluse_b", "get_time"),
    ];
    let events = decode(&frames(&multi, 0));
    let starts: Vec<(u64, &Value)> = events
        .iter()
        .filter(|(n, _)| n == "contentBlockStart")
        .map(|(_, p)| {
            (
                p["contentBlockIndex"].as_u64().unwrap(),
                &p["start"]["toolUse"],
            )
        })
        .collect();
    assert_eq!(
        starts,
        [
            (1, &json!({"toolUseId": "tooluse_a", "name": "get_weather"})),
            (2, &json!({"toolUseId": "tooluse_b", "name": "get_time"})),
        ]
    );
    let stops: Vec<u64> = events
        .iter()
        .filter(|(n, _)| n == "contentBlockStop")
        .map(|(_, p)| p["contentBlockIndex"].as_u64().unwrap())
        .collect();
    assert_eq!(stops, [0, 1, 2]);
    for index in [1, 2] {
        let input: String = events
            .iter()
            .filter(|(_, p)| p["contentBlockIndex"] == index)
            .filter_map(|(_, p)| p["delta"]["toolUse"]["input"].as_str())
            .collect();
        assert_eq!(input, r#"{"city":"example"}"#);
    }
    // Each block closes before the next one starts.
    let order: Vec<(String, Option<u64>)> = outline(&events)
        .into_iter()
        .filter(|(n, _, _)| n.starts_with("contentBlock"))
        .map(|(n, i, _)| (n, i))
        .collect();
    let mut current = 0;
    for (name, index) in order {
        let index = index.unwrap();
        assert!(index >= current, "{name} {index} after {current}");
        current = index;
    }
}

#[test]
fn metadata_carries_cache_usage_and_the_guardrail_trace() {
    let mut guarded = reply("Sorry, the model cannot answer this question.", None);
    guarded.stop_reason = StopReason::GuardrailIntervened;
    guarded.usage = Usage {
        input_tokens: 1,
        output_tokens: 7,
        total_tokens: 13,
        cache_read_input_tokens: Some(5),
        cache_write_input_tokens: Some(0),
    };
    guarded.trace = Some(json!({"guardrail": {"inputAssessment": {"abc": {}}}}));
    let events = decode(&frames(&guarded, 3));
    let (name, stop) = &events[events.len() - 2];
    assert_eq!(name, "messageStop");
    assert_eq!(stop["stopReason"], "guardrail_intervened");
    let (name, metadata) = events.last().unwrap();
    assert_eq!(name, "metadata");
    assert_eq!(
        metadata["usage"],
        json!({"inputTokens": 1, "outputTokens": 7, "totalTokens": 13,
               "cacheReadInputTokens": 5, "cacheWriteInputTokens": 0})
    );
    assert_eq!(
        metadata["trace"],
        json!({"guardrail": {"inputAssessment": {"abc": {}}}})
    );
    let plain = decode(&frames(&reply("hi", None), 0));
    assert!(plain.last().unwrap().1.get("trace").is_none());
}
