//! The emulator's memory of async invocations: their records in submission order, the
//! idempotency tokens, and the deterministic status progression.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use serde_json::Value;

use crate::error::{ApiError, ErrorCode};
use crate::hash::{base36, Fnv};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    InProgress,
    Completed,
    Failed,
}

impl Status {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::InProgress => "InProgress",
            Self::Completed => "Completed",
            Self::Failed => "Failed",
        }
    }

    pub(crate) fn parse(value: &str) -> Option<Self> {
        [Self::InProgress, Self::Completed, Self::Failed]
            .into_iter()
            .find(|s| s.as_str() == value)
    }
}

/// One async invocation.
#[derive(Clone, Debug)]
pub(crate) struct Invocation {
    /// The 12-character ID at the end of the ARN.
    pub(crate) id: String,
    pub(crate) arn: String,
    pub(crate) model_arn: String,
    pub(crate) client_request_token: Option<String>,
    /// `outputDataConfig` exactly as submitted.
    pub(crate) output_data_config: Value,
    /// `outputDataConfig.s3OutputDataConfig.s3Uri`.
    pub(crate) s3_uri: String,
    pub(crate) prompt: String,
    /// Ends `Failed` instead of `Completed`.
    pub(crate) fails: bool,
    pub(crate) status: Status,
    pub(crate) failure_message: Option<String>,
    pub(crate) submit_time: SystemTime,
    pub(crate) last_modified_time: SystemTime,
    pub(crate) end_time: Option<SystemTime>,
    /// How many times GetAsyncInvoke has read it.
    pub(crate) reads: u32,
}

/// What a new invocation is made from (everything but its ID and ARN).
pub(crate) struct Submission {
    /// The request members that must match on an idempotent retry.
    pub(crate) request: Value,
    pub(crate) client_request_token: Option<String>,
    pub(crate) region: String,
    pub(crate) model_arn: String,
    pub(crate) output_data_config: Value,
    pub(crate) s3_uri: String,
    pub(crate) prompt: String,
    pub(crate) fails: bool,
    pub(crate) now: SystemTime,
}

#[derive(Default)]
struct Inner {
    invocations: Vec<Invocation>,
    /// Idempotency token → (the request it came with, index in `invocations`).
    tokens: HashMap<String, (Value, usize)>,
}

#[derive(Default)]
pub(crate) struct AsyncInvokes {
    inner: Mutex<Inner>,
}

pub(crate) const FAILURE_MESSAGE: &str =
    "The video could not be generated: the prompt asked the emulator to fail.";
const CONFLICT: &str = "The client request token was already used with a different request.";

/// The ID of the `n`-th (1-based) invocation an emulator starts.
pub(crate) fn invocation_id(n: u64) -> String {
    base36(
        Fnv::new()
            .field(b"async-invoke")
            .field(&n.to_le_bytes())
            .finish(),
        12,
    )
}

impl AsyncInvokes {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Record a submission; a repeated token returns the original ARN, or a
    /// `ConflictException` when the request differs.
    pub(crate) fn start(&self, submission: Submission) -> Result<String, ApiError> {
        let mut inner = self.lock();
        if let Some(token) = &submission.client_request_token {
            if let Some((request, index)) = inner.tokens.get(token) {
                if *request != submission.request {
                    return Err(ApiError::new(ErrorCode::ConflictException, CONFLICT));
                }
                return Ok(inner.invocations[*index].arn.clone());
            }
        }
        let id = invocation_id(inner.invocations.len() as u64 + 1);
        let arn = format!(
            "arn:aws:bedrock:{}:{}:async-invoke/{id}",
            submission.region,
            crate::ctx::ACCOUNT_ID
        );
        let index = inner.invocations.len();
        if let Some(token) = &submission.client_request_token {
            inner
                .tokens
                .insert(token.clone(), (submission.request, index));
        }
        inner.invocations.push(Invocation {
            id,
            arn: arn.clone(),
            model_arn: submission.model_arn,
            client_request_token: submission.client_request_token,
            output_data_config: submission.output_data_config,
            s3_uri: submission.s3_uri,
            prompt: submission.prompt,
            fails: submission.fails,
            status: Status::InProgress,
            failure_message: None,
            submit_time: submission.now,
            last_modified_time: submission.now,
            end_time: None,
            reads: 0,
        });
        Ok(arn)
    }

    /// GetAsyncInvoke's read: the first read sees `InProgress`, every later one the final
    /// status. Returns the record and whether this read finished it.
    pub(crate) fn read(&self, arn: &str, now: SystemTime) -> Option<(Invocation, bool)> {
        let mut inner = self.lock();
        let invocation = inner.invocations.iter_mut().find(|i| i.arn == arn)?;
        invocation.reads = invocation.reads.saturating_add(1);
        let finished = invocation.reads >= 2 && invocation.status == Status::InProgress;
        if finished {
            if invocation.fails {
                invocation.status = Status::Failed;
                invocation.failure_message = Some(FAILURE_MESSAGE.to_owned());
            } else {
                invocation.status = Status::Completed;
            }
            invocation.last_modified_time = now;
            invocation.end_time = Some(now);
        }
        Some((invocation.clone(), finished))
    }

    /// Every invocation, in submission order, without advancing any.
    pub(crate) fn snapshot(&self) -> Vec<Invocation> {
        self.lock().invocations.clone()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use serde_json::json;

    fn submission(token: Option<&str>, prompt: &str, fails: bool) -> Submission {
        Submission {
            request: json!({"prompt": prompt}),
            client_request_token: token.map(str::to_owned),
            region: "eu-west-1".into(),
            model_arn: "arn:aws:bedrock:eu-west-1::foundation-model/luma.ray-v2:0".into(),
            output_data_config: json!({"s3OutputDataConfig": {"s3Uri": "s3://b/o"}}),
            s3_uri: "s3://b/o".into(),
            prompt: prompt.into(),
            fails,
            now: SystemTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn the_documented_ids() {
        assert_eq!(invocation_id(1), "hdp5sjj67w4a");
        assert_eq!(invocation_id(2), "yb88d0p7q3x8");
    }

    #[test]
    fn arns_are_sequential_and_tokens_idempotent() {
        let store = AsyncInvokes::default();
        let first = store.start(submission(Some("t1"), "a", false)).unwrap();
        assert_eq!(
            first,
            format!(
                "arn:aws:bedrock:eu-west-1:123456789012:async-invoke/{}",
                invocation_id(1)
            )
        );
        assert_eq!(
            store.start(submission(Some("t1"), "a", false)).unwrap(),
            first
        );
        let conflict = store.start(submission(Some("t1"), "b", false)).unwrap_err();
        assert_eq!(conflict.code, ErrorCode::ConflictException);
        let second = store.start(submission(None, "a", false)).unwrap();
        assert!(second.ends_with(&invocation_id(2)));
        assert_eq!(store.snapshot().len(), 2);
    }

    #[test]
    fn reads_progress_to_the_final_status() {
        let store = AsyncInvokes::default();
        let ok = store.start(submission(None, "a", false)).unwrap();
        let bad = store.start(submission(None, "fail", true)).unwrap();
        let now = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(5);
        let (first, finished) = store.read(&ok, now).unwrap();
        assert_eq!((first.status, finished), (Status::InProgress, false));
        let (second, finished) = store.read(&ok, now).unwrap();
        assert_eq!((second.status, finished), (Status::Completed, true));
        assert_eq!(second.end_time, Some(now));
        let (third, finished) = store.read(&ok, now).unwrap();
        assert_eq!((third.status, finished), (Status::Completed, false));
        store.read(&bad, now);
        let (failed, _) = store.read(&bad, now).unwrap();
        assert_eq!(failed.status, Status::Failed);
        assert_eq!(failed.failure_message.as_deref(), Some(FAILURE_MESSAGE));
        assert!(store.read("arn:nope", now).is_none());
    }
}
