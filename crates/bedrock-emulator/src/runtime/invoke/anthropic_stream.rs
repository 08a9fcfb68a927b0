//! InvokeModelWithResponseStream for Anthropic bodies: each Anthropic streaming event is one
//! `chunk` frame whose `bytes` are the event's JSON (base64 on the wire), the last one carrying
//! `amazon-bedrock-invocationMetrics`; and the broken sequences of the stream faults.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bytes::Bytes;
use serde_json::{json, Value};

use super::anthropic::{self, Exchange};
use crate::eventstream;
use crate::faults::{StreamFault, THROTTLING_MESSAGE};
use crate::runtime::converse::stream::{json_fragments, word_pieces};

/// A `chunk` event frame carrying `event` (with Bedrock's `p` padding next to `bytes`).
pub(crate) fn chunk(event: &Value) -> Bytes {
    let inner = serde_json::to_vec(event).unwrap_or_default();
    eventstream::event("chunk", &json!({"bytes": STANDARD.encode(inner)}))
}

/// Latencies reported in the final chunk, in milliseconds.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Latency {
    pub(crate) first_byte: u64,
    pub(crate) total: u64,
}

fn message_start(id: &str, model: &str, usage: Value) -> Value {
    json!({"type": "message_start", "message": {
        "id": id, "type": "message", "role": "assistant", "model": model, "content": [],
        "stop_reason": null, "stop_sequence": null, "usage": usage,
    }})
}

fn block_start(index: usize, block: Value) -> Value {
    json!({"type": "content_block_start", "index": index, "content_block": block})
}

fn delta(index: usize, delta: Value) -> Value {
    json!({"type": "content_block_delta", "index": index, "delta": delta})
}

fn text_delta(index: usize, text: &str) -> Value {
    delta(index, json!({"type": "text_delta", "text": text}))
}

fn block_stop(index: usize) -> Value {
    json!({"type": "content_block_stop", "index": index})
}

/// The inner Anthropic events for an exchange, in order.
pub(crate) fn events(exchange: &Exchange, latency: Latency) -> Vec<Value> {
    let reply = &exchange.reply;
    let mut out = vec![message_start(
        &exchange.id,
        &exchange.model,
        anthropic::usage(reply, 1),
    )];
    let mut index = 0;
    if let Some(reasoning) = &reply.reasoning {
        out.push(block_start(
            index,
            json!({"type": "thinking", "thinking": ""}),
        ));
        for piece in word_pieces(&reasoning.text) {
            out.push(delta(
                index,
                json!({"type": "thinking_delta", "thinking": piece}),
            ));
        }
        out.push(delta(
            index,
            json!({"type": "signature_delta", "signature": reasoning.signature}),
        ));
        out.push(block_stop(index));
        index += 1;
    }
    out.push(block_start(index, json!({"type": "text", "text": ""})));
    for piece in word_pieces(&reply.text) {
        out.push(text_delta(index, piece));
    }
    out.push(block_stop(index));
    for call in &reply.tool_calls {
        index += 1;
        out.push(block_start(
            index,
            json!({"type": "tool_use", "id": anthropic::tool_id(&call.id), "name": call.name, "input": {}}),
        ));
        let input = call.input.to_string();
        for fragment in json_fragments(&input) {
            out.push(delta(
                index,
                json!({"type": "input_json_delta", "partial_json": fragment}),
            ));
        }
        out.push(block_stop(index));
    }
    out.push(json!({
        "type": "message_delta",
        "delta": {"stop_reason": anthropic::stop_reason(reply.stop_reason), "stop_sequence": reply.stop_sequence},
        "usage": {"output_tokens": reply.usage.output_tokens},
    }));
    let mut metrics = json!({
        "inputTokenCount": reply.usage.input_tokens,
        "outputTokenCount": reply.usage.output_tokens,
        "invocationLatency": latency.total,
        "firstByteLatency": latency.first_byte,
    });
    if let Some(read) = reply.usage.cache_read_input_tokens {
        metrics["cacheReadInputTokenCount"] = read.into();
    }
    if let Some(write) = reply.usage.cache_write_input_tokens {
        metrics["cacheWriteInputTokenCount"] = write.into();
    }
    out.push(json!({"type": "message_stop", "amazon-bedrock-invocationMetrics": metrics}));
    out
}

/// The `chunk` frames for an exchange.
pub(crate) fn frames(exchange: &Exchange, latency: Latency) -> Vec<Bytes> {
    events(exchange, latency).iter().map(chunk).collect()
}

/// The broken sequence a stream fault sends: it starts like a real answer
/// (`message_start`, `content_block_start`, deltas `Hello`, ` from`) and then breaks.
pub(crate) fn fault_frames(fault: StreamFault, exchange: &Exchange) -> Vec<Bytes> {
    let start = chunk(&message_start(
        &exchange.id,
        &exchange.model,
        anthropic::usage(&exchange.reply, 1),
    ));
    let opening = || {
        vec![
            start.clone(),
            chunk(&block_start(0, json!({"type": "text", "text": ""}))),
            chunk(&text_delta(0, "Hello")),
            chunk(&text_delta(0, " from")),
        ]
    };
    match fault {
        StreamFault::ModelStreamError => {
            let mut frames = opening();
            frames.push(eventstream::exception(
                "modelStreamErrorException",
                &json!({
                    "message": "The model encountered an error while streaming its response. Try your request again.",
                    "originalStatusCode": 500,
                    "originalMessage": "Internal error in the model while streaming.",
                }),
            ));
            frames
        }
        StreamFault::Throttle => vec![
            start,
            eventstream::exception(
                "throttlingException",
                &json!({"message": THROTTLING_MESSAGE}),
            ),
        ],
        StreamFault::ErrorFrame => vec![
            start,
            eventstream::error("InternalFailure", "An internal error occurred"),
        ],
        StreamFault::Truncate => {
            let mut frames = opening();
            let next = chunk(&text_delta(0, " the"));
            frames.push(next.slice(..next.len() / 2));
            frames
        }
        StreamFault::BadCrc => vec![
            start,
            eventstream::corrupt_crc(&chunk(&text_delta(0, "Hello"))),
        ],
    }
}
