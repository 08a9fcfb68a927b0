#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Event sequences decoded back with the SDK's frame decoder.

use aws_smithy_eventstream::frame::read_message_from;
use aws_smithy_types::event_stream::Message;
use serde_json::{json, Value};

use super::super::engine::{StopReason, ToolCall};
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
        text: text.to_owned(),
        stop_reason: if tool_call.is_some() {
            StopReason::ToolUse
        } else {
            StopReason::EndTurn
        },
        tool_call,
        usage: Usage {
            input_tokens: 2,
            output_tokens: 3,
            total_tokens: 5,
        },
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
