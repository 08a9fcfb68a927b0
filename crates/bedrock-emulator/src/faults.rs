//! Fault models: reserved model IDs that make the emulator misbehave in one precise way, so
//! clients can test their error paths against a real wire.

use std::time::Duration;

use crate::error::{ApiError, ErrorCode};

/// 429 `ThrottlingException`.
pub const FAULT_THROTTLE: &str = "quarry.fault-throttle";
/// 503 `ServiceUnavailableException`.
pub const FAULT_UNAVAILABLE: &str = "quarry.fault-unavailable";
/// 404 `ResourceNotFoundException`.
pub const FAULT_NOT_FOUND: &str = "quarry.fault-not-found";
/// 403 `AccessDeniedException`.
pub const FAULT_ACCESS_DENIED: &str = "quarry.fault-access-denied";
/// 408 `ModelTimeoutException`.
pub const FAULT_MODEL_TIMEOUT: &str = "quarry.fault-model-timeout";
/// 500 with `x-amzn-ErrorType: InternalServerException...` and an empty body.
pub const FAULT_EMPTY_ERROR: &str = "quarry.fault-empty-error";
/// 200 `application/json` whose body is `this is not json`.
pub const FAULT_GARBAGE: &str = "quarry.fault-garbage";
/// Prefix of `quarry.fault-slow-<ms>`: the normal answer, `<ms>` milliseconds late.
pub const FAULT_SLOW_PREFIX: &str = "quarry.fault-slow-";
/// Stream: two deltas, then a `modelStreamErrorException` frame.
pub const FAULT_STREAM_ERROR: &str = "quarry.fault-stream-error";
/// Stream: `messageStart`, then a `throttlingException` frame.
pub const FAULT_STREAM_THROTTLE: &str = "quarry.fault-stream-throttle";
/// Stream: `messageStart`, then an unmodeled `:message-type: error` frame.
pub const FAULT_ERROR_FRAME: &str = "quarry.fault-error-frame";
/// Stream: two deltas, then half a frame and the end of the body.
pub const FAULT_TRUNCATE: &str = "quarry.fault-truncate";
/// Stream: `messageStart`, then a frame with a wrong message CRC.
pub const FAULT_BAD_CRC: &str = "quarry.fault-bad-crc";

/// Longest accepted slow-down, so a typo cannot park a connection for hours.
const MAX_SLOW: Duration = Duration::from_secs(600);

pub(crate) const THROTTLING_MESSAGE: &str = "Too many requests, please wait before trying again.";

/// What a fault model does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Fault {
    /// Answer with this HTTP error, stream or not.
    Error(ApiError),
    /// 200 with a body that is not JSON.
    Garbage,
    /// Answer normally after this delay.
    Slow(Duration),
    /// Misbehave inside an event stream; `Converse` answers normally.
    Stream(StreamFault),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StreamFault {
    ModelStreamError,
    Throttle,
    ErrorFrame,
    Truncate,
    BadCrc,
}

/// The fault selected by a (percent-decoded) model ID, if any.
pub(crate) fn parse(model_id: &str) -> Option<Fault> {
    let rest = model_id.strip_prefix("quarry.fault-")?;
    let error = |code, message: &'static str| Some(Fault::Error(ApiError::new(code, message)));
    match rest {
        "throttle" => error(ErrorCode::ThrottlingException, THROTTLING_MESSAGE),
        "unavailable" => error(
            ErrorCode::ServiceUnavailableException,
            "Bedrock is unable to process your request.",
        ),
        "not-found" => error(
            ErrorCode::ResourceNotFoundException,
            "Could not resolve the foundation model from the provided model identifier.",
        ),
        "access-denied" => error(
            ErrorCode::AccessDeniedException,
            "You don't have access to the model with the specified model ID.",
        ),
        "model-timeout" => error(
            ErrorCode::ModelTimeoutException,
            "Model has timed out in processing the request. Try your request again.",
        ),
        "empty-error" => {
            let mut empty = ApiError::new(ErrorCode::InternalServerException, "");
            empty.empty_body = true;
            Some(Fault::Error(empty))
        }
        "garbage" => Some(Fault::Garbage),
        "stream-error" => Some(Fault::Stream(StreamFault::ModelStreamError)),
        "stream-throttle" => Some(Fault::Stream(StreamFault::Throttle)),
        "error-frame" => Some(Fault::Stream(StreamFault::ErrorFrame)),
        "truncate" => Some(Fault::Stream(StreamFault::Truncate)),
        "bad-crc" => Some(Fault::Stream(StreamFault::BadCrc)),
        _ => {
            let ms = rest.strip_prefix("slow-")?;
            if ms.is_empty() || !ms.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let ms = ms.parse::<u64>().unwrap_or(u64::MAX);
            Some(Fault::Slow(Duration::from_millis(ms).min(MAX_SLOW)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_constant_selects_a_fault() {
        for id in [
            FAULT_THROTTLE,
            FAULT_UNAVAILABLE,
            FAULT_NOT_FOUND,
            FAULT_ACCESS_DENIED,
            FAULT_MODEL_TIMEOUT,
            FAULT_EMPTY_ERROR,
            FAULT_GARBAGE,
            FAULT_STREAM_ERROR,
            FAULT_STREAM_THROTTLE,
            FAULT_ERROR_FRAME,
            FAULT_TRUNCATE,
            FAULT_BAD_CRC,
        ] {
            assert!(parse(id).is_some(), "{id}");
        }
    }

    #[test]
    fn http_faults_carry_the_right_codes() {
        let code = |id| match parse(id) {
            Some(Fault::Error(e)) => Some((e.code, e.empty_body)),
            _ => None,
        };
        assert_eq!(
            code(FAULT_THROTTLE),
            Some((ErrorCode::ThrottlingException, false))
        );
        assert_eq!(
            code(FAULT_MODEL_TIMEOUT),
            Some((ErrorCode::ModelTimeoutException, false))
        );
        assert_eq!(
            code(FAULT_EMPTY_ERROR),
            Some((ErrorCode::InternalServerException, true))
        );
    }

    #[test]
    fn slow_models_parse_their_delay() {
        assert_eq!(
            parse("quarry.fault-slow-2000"),
            Some(Fault::Slow(Duration::from_millis(2000)))
        );
        assert_eq!(
            parse("quarry.fault-slow-99999999999999999999"),
            Some(Fault::Slow(MAX_SLOW))
        );
        assert_eq!(parse("quarry.fault-slow-"), None);
        assert_eq!(parse("quarry.fault-slow-1s"), None);
    }

    #[test]
    fn ordinary_and_unknown_ids_are_not_faults() {
        assert_eq!(parse("anthropic.claude-3-haiku-20240307-v1:0"), None);
        assert_eq!(parse("quarry.fault-unknown"), None);
        assert_eq!(parse("us.quarry.fault-throttle"), None);
    }
}
