//! ConverseStream: the event sequence for a reply, and the broken sequences of the stream faults.

use bytes::Bytes;
use serde::Serialize;
use serde_json::{json, Value};

use super::engine::{Reply, ToolCall};
use super::response::{Metrics, Usage};
use crate::eventstream;
use crate::faults::{StreamFault, THROTTLING_MESSAGE};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TextDelta<'a> {
    content_block_index: u32,
    delta: TextDeltaInner<'a>,
}

#[derive(Serialize)]
struct TextDeltaInner<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BlockIndex {
    content_block_index: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MessageStop {
    stop_reason: &'static str,
}

#[derive(Serialize)]
struct Metadata<'a> {
    usage: Usage,
    metrics: Metrics,
    #[serde(skip_serializing_if = "Option::is_none")]
    trace: Option<&'a Value>,
}

fn message_start() -> Bytes {
    eventstream::event("messageStart", &json!({"role": "assistant"}))
}

fn text_delta(index: u32, text: &str) -> Bytes {
    eventstream::event(
        "contentBlockDelta",
        &TextDelta {
            content_block_index: index,
            delta: TextDeltaInner { text },
        },
    )
}

fn block_stop(index: u32) -> Bytes {
    eventstream::event(
        "contentBlockStop",
        &BlockIndex {
            content_block_index: index,
        },
    )
}

/// Split `text` into one piece per word, each keeping the whitespace before it; leading
/// whitespace stays on the first piece and trailing whitespace on the last, so the pieces
/// concatenate back to `text`. An empty text is one empty piece.
pub(crate) fn word_pieces(text: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut seen_word = false;
    let mut gap_start = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            gap_start.get_or_insert(i);
            continue;
        }
        if let (true, Some(gap)) = (seen_word, gap_start) {
            pieces.push(&text[start..gap]);
            start = gap;
        }
        seen_word = true;
        gap_start = None;
    }
    pieces.push(&text[start..]);
    pieces
}

/// Split serialised JSON into up to three non-empty fragments on character boundaries.
pub(crate) fn json_fragments(json: &str) -> Vec<&str> {
    let offsets: Vec<usize> = json
        .char_indices()
        .map(|(i, _)| i)
        .chain([json.len()])
        .collect();
    let chars = offsets.len() - 1;
    let parts = chars.clamp(1, 3);
    (0..parts)
        .map(|p| &json[offsets[chars * p / parts]..offsets[chars * (p + 1) / parts]])
        .filter(|s| !s.is_empty())
        .collect()
}

fn reasoning_delta(index: u32, delta: &Value) -> Bytes {
    eventstream::event(
        "contentBlockDelta",
        &json!({"contentBlockIndex": index, "delta": {"reasoningContent": delta}}),
    )
}

/// `contentBlockStart` with the call's ID and name, its input in fragments, `contentBlockStop`.
fn push_tool_call(out: &mut Vec<Bytes>, index: u32, call: &ToolCall) {
    out.push(eventstream::event(
        "contentBlockStart",
        &json!({
            "contentBlockIndex": index,
            "start": {"toolUse": {"toolUseId": call.id, "name": call.name}},
        }),
    ));
    let input = call.input.to_string();
    for fragment in json_fragments(&input) {
        out.push(eventstream::event(
            "contentBlockDelta",
            &json!({"contentBlockIndex": index, "delta": {"toolUse": {"input": fragment}}}),
        ));
    }
    out.push(block_stop(index));
}

/// The full event sequence for `reply`: blocks in order (reasoning, text, tool calls), each
/// closed before the next starts, then `messageStop` and `metadata`.
pub(crate) fn frames(reply: &Reply, latency_ms: u64) -> Vec<Bytes> {
    let pieces = word_pieces(&reply.text);
    let mut out = Vec::with_capacity(pieces.len() + 8 + 5 * reply.tool_calls.len());
    out.push(message_start());
    let mut index = 0;
    if let Some(reasoning) = &reply.reasoning {
        for piece in word_pieces(&reasoning.text) {
            out.push(reasoning_delta(index, &json!({"text": piece})));
        }
        out.push(reasoning_delta(
            index,
            &json!({"signature": reasoning.signature}),
        ));
        out.push(block_stop(index));
        index += 1;
    }
    for piece in pieces {
        out.push(text_delta(index, piece));
    }
    out.push(block_stop(index));
    for call in &reply.tool_calls {
        index += 1;
        push_tool_call(&mut out, index, call);
    }
    out.push(eventstream::event(
        "messageStop",
        &MessageStop {
            stop_reason: reply.stop_reason.as_str(),
        },
    ));
    out.push(eventstream::event(
        "metadata",
        &Metadata {
            usage: reply.usage,
            metrics: Metrics { latency_ms },
            trace: reply.trace.as_ref(),
        },
    ));
    out
}

/// The broken sequence a stream fault sends instead of [`frames`].
pub(crate) fn fault_frames(fault: StreamFault) -> Vec<Bytes> {
    match fault {
        StreamFault::ModelStreamError => vec![
            message_start(),
            text_delta(0, "Hello"),
            text_delta(0, " from"),
            eventstream::exception(
                "modelStreamErrorException",
                &json!({
                    "message": "The model encountered an error while streaming its response. Try your request again.",
                    "originalStatusCode": 500,
                    "originalMessage": "Internal error in the model while streaming.",
                }),
            ),
        ],
        StreamFault::Throttle => vec![
            message_start(),
            eventstream::exception(
                "throttlingException",
                &json!({"message": THROTTLING_MESSAGE}),
            ),
        ],
        StreamFault::ErrorFrame => vec![
            message_start(),
            eventstream::error("InternalFailure", "An internal error occurred"),
        ],
        StreamFault::Truncate => {
            let next = text_delta(0, " the");
            vec![
                message_start(),
                text_delta(0, "Hello"),
                text_delta(0, " from"),
                next.slice(..next.len() / 2),
            ]
        }
        StreamFault::BadCrc => vec![
            message_start(),
            eventstream::corrupt_crc(&text_delta(0, "Hello")),
        ],
    }
}

#[cfg(test)]
#[path = "stream_tests.rs"]
mod tests;
