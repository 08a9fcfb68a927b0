//! RetrieveAndGenerateStream (`POST /retrieveAndGenerateStream`): the same answer as
//! RetrieveAndGenerate as `output` events (one per word), one `citation` event and, with a
//! guardrail, a `guardrail` event; the session ID travels in a response header.

use std::time::Duration;

use bytes::Bytes;
use http::header::HeaderValue;
use http::Response;
use serde_json::{json, Value};

use super::rag::{self, Answer};
use crate::body::{Pacing, ResponseBody};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::eventstream;
use crate::faults::{Fault, StreamFault, THROTTLING_MESSAGE};
use crate::runtime::converse::stream::word_pieces;
use crate::runtime::{with_type, EVENT_STREAM};

pub(crate) const SESSION_HEADER: &str = "x-amzn-bedrock-knowledge-base-session-id";

fn output(text: &str) -> Bytes {
    eventstream::event_raw(
        "output",
        serde_json::to_vec(&json!({"text": text})).unwrap_or_default(),
    )
}

fn event(kind: &'static str, payload: &Value) -> Bytes {
    eventstream::event_raw(kind, serde_json::to_vec(payload).unwrap_or_default())
}

/// The full event sequence for an answer.
fn frames(answer: &Answer) -> Vec<Bytes> {
    let mut out: Vec<Bytes> = word_pieces(&answer.text).into_iter().map(output).collect();
    if let Some(citation) = &answer.citation {
        let mut payload = citation.clone();
        payload["citation"] = citation.clone();
        out.push(event("citation", &payload));
    }
    if let Some(action) = answer.guardrail_action {
        out.push(event("guardrail", &json!({"action": action})));
    }
    out
}

/// The broken sequences of the stream faults (selected by the model ARN).
fn fault_frames(fault: StreamFault) -> Vec<Bytes> {
    let opening = || vec![output("Emulated"), output(" answer")];
    match fault {
        StreamFault::ModelStreamError => {
            let mut frames = opening();
            frames.push(eventstream::exception(
                "dependencyFailedException",
                &json!({"message": "The model failed while generating the answer.", "resourceName": "model"}),
            ));
            frames
        }
        StreamFault::Throttle => vec![
            output("Emulated"),
            eventstream::exception(
                "throttlingException",
                &json!({"message": THROTTLING_MESSAGE}),
            ),
        ],
        StreamFault::ErrorFrame => vec![
            output("Emulated"),
            eventstream::error("InternalFailure", "An internal error occurred"),
        ],
        StreamFault::Truncate => {
            let mut frames = opening();
            let next = output(" to");
            frames.push(next.slice(..next.len() / 2));
            frames
        }
        StreamFault::BadCrc => vec![eventstream::corrupt_crc(&output("Emulated"))],
    }
}

pub(crate) fn handle(ctx: &Ctx<'_>) -> Result<Response<ResponseBody>, ApiError> {
    let answer = rag::answer(ctx)?;
    let (frames, delay) = match &answer.fault {
        Some(Fault::Stream(fault)) => (fault_frames(*fault), Duration::ZERO),
        Some(Fault::Slow(delay)) => (frames(&answer), *delay),
        _ => (frames(&answer), Duration::ZERO),
    };
    let pacing = Pacing::spread(delay, frames.len());
    let mut response = with_type(ResponseBody::frames(frames, pacing), EVENT_STREAM);
    if let Ok(session) = HeaderValue::from_str(&answer.session_id) {
        response.headers_mut().insert(SESSION_HEADER, session);
    }
    Ok(response)
}
