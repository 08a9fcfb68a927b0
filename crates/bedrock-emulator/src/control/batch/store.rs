//! The emulator's memory of batch jobs: records in submission order, idempotency tokens, and
//! the deterministic status progression (one step per GetModelInvocationJob).

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use serde_json::Value;

use crate::error::{ApiError, ErrorCode};
use crate::hash::{base36, Fnv};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum JobStatus {
    Submitted,
    Validating,
    Scheduled,
    InProgress,
    Completed,
    PartiallyCompleted,
    Failed,
    Stopping,
    Stopped,
    Expired,
}

pub(crate) const ALL_STATUSES: [JobStatus; 10] = [
    JobStatus::Submitted,
    JobStatus::Validating,
    JobStatus::Scheduled,
    JobStatus::InProgress,
    JobStatus::Completed,
    JobStatus::PartiallyCompleted,
    JobStatus::Failed,
    JobStatus::Stopping,
    JobStatus::Stopped,
    JobStatus::Expired,
];

impl JobStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "Submitted",
            Self::Validating => "Validating",
            Self::Scheduled => "Scheduled",
            Self::InProgress => "InProgress",
            Self::Completed => "Completed",
            Self::PartiallyCompleted => "PartiallyCompleted",
            Self::Failed => "Failed",
            Self::Stopping => "Stopping",
            Self::Stopped => "Stopped",
            Self::Expired => "Expired",
        }
    }

    pub(crate) fn parse(value: &str) -> Option<Self> {
        ALL_STATUSES.into_iter().find(|s| s.as_str() == value)
    }

    pub(crate) fn is_terminal(self) -> bool {
        matches!(
            self,
            Self::Completed
                | Self::PartiallyCompleted
                | Self::Failed
                | Self::Stopped
                | Self::Expired
        )
    }
}

/// The record counts of a job (all zero until it completes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct RecordCounts {
    pub(crate) total: u64,
    pub(crate) processed: u64,
    pub(crate) success: u64,
    pub(crate) error: u64,
}

/// One batch job. The request's configuration members are kept as sent, so later work (reading
/// the JSONL input, writing `.out` files) finds everything here.
#[derive(Clone, Debug)]
pub(crate) struct Job {
    /// The 12-character ID at the end of the ARN.
    pub(crate) id: String,
    pub(crate) arn: String,
    pub(crate) job_name: String,
    pub(crate) model_id: String,
    pub(crate) client_request_token: Option<String>,
    pub(crate) role_arn: String,
    pub(crate) status: JobStatus,
    pub(crate) message: Option<String>,
    pub(crate) submit_time: SystemTime,
    pub(crate) last_modified_time: SystemTime,
    pub(crate) end_time: Option<SystemTime>,
    pub(crate) input_data_config: Value,
    pub(crate) output_data_config: Value,
    pub(crate) vpc_config: Option<Value>,
    pub(crate) timeout_hours: u64,
    pub(crate) model_invocation_type: String,
    pub(crate) counts: RecordCounts,
    /// Ends `Failed` instead of `Completed`.
    pub(crate) fails: bool,
    /// GetModelInvocationJob reads while the job ran / while it was stopping.
    pub(crate) reads: u32,
    pub(crate) stop_reads: u32,
}

/// A validated CreateModelInvocationJob request, before it has an ID.
pub(crate) struct NewJob {
    /// The request members that must match on an idempotent retry.
    pub(crate) request: Value,
    pub(crate) region: String,
    pub(crate) job: Job,
}

#[derive(Default)]
struct Inner {
    jobs: Vec<Job>,
    tokens: HashMap<String, (Value, usize)>,
}

#[derive(Default)]
pub(crate) struct Jobs {
    inner: Mutex<Inner>,
}

/// What GET *n* (1-based) shows while the job runs: Submitted, Validating, Scheduled,
/// InProgress, then the final status from the fifth on.
const PROGRESSION: [JobStatus; 4] = [
    JobStatus::Submitted,
    JobStatus::Validating,
    JobStatus::Scheduled,
    JobStatus::InProgress,
];

pub(crate) const FAILURE_MESSAGE: &str =
    "The batch job failed: its name asked the emulator to fail.";
const CONFLICT: &str = "The client request token was already used with a different request.";

/// The ID of the `n`-th (1-based) job an emulator creates.
pub(crate) fn job_id(n: u64) -> String {
    base36(
        Fnv::new()
            .field(b"model-invocation-job")
            .field(&n.to_le_bytes())
            .finish(),
        12,
    )
}

impl Jobs {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Record a new job (or return the original ARN for a repeated token).
    pub(crate) fn create(&self, new: NewJob) -> Result<String, ApiError> {
        let mut inner = self.lock();
        let token = new.job.client_request_token.clone();
        if let Some(token) = &token {
            if let Some((request, index)) = inner.tokens.get(token) {
                if *request != new.request {
                    return Err(ApiError::new(ErrorCode::ConflictException, CONFLICT));
                }
                return Ok(inner.jobs[*index].arn.clone());
            }
        }
        let mut job = new.job;
        job.id = job_id(inner.jobs.len() as u64 + 1);
        job.arn = format!(
            "arn:aws:bedrock:{}:{}:model-invocation-job/{}",
            new.region,
            crate::ctx::ACCOUNT_ID,
            job.id
        );
        let arn = job.arn.clone();
        let index = inner.jobs.len();
        if let Some(token) = token {
            inner.tokens.insert(token, (new.request, index));
        }
        inner.jobs.push(job);
        Ok(arn)
    }

    fn find<'a>(jobs: &'a mut [Job], identifier: &str) -> Option<&'a mut Job> {
        jobs.iter_mut()
            .find(|j| j.id == identifier || j.arn == identifier)
    }

    /// GetModelInvocationJob's read: advance the job one step. `on_finish` gives the record
    /// counts when this read completes it.
    pub(crate) fn read(
        &self,
        identifier: &str,
        now: SystemTime,
        on_finish: impl FnOnce(&Job) -> RecordCounts,
    ) -> Option<Job> {
        let mut inner = self.lock();
        let job = Self::find(&mut inner.jobs, identifier)?;
        let before = job.status;
        match job.status {
            JobStatus::Stopping => {
                job.stop_reads += 1;
                if job.stop_reads >= 2 {
                    job.status = JobStatus::Stopped;
                    job.end_time = Some(now);
                }
            }
            status if status.is_terminal() => {}
            _ => {
                job.reads = job.reads.saturating_add(1);
                let step = usize::try_from(job.reads - 1).unwrap_or(usize::MAX);
                job.status = match PROGRESSION.get(step) {
                    Some(status) => *status,
                    None if job.fails => JobStatus::Failed,
                    None => JobStatus::Completed,
                };
                if job.status.is_terminal() {
                    job.end_time = Some(now);
                    if job.fails {
                        job.message = Some(FAILURE_MESSAGE.to_owned());
                    } else {
                        job.counts = on_finish(job);
                    }
                }
            }
        }
        if job.status != before {
            job.last_modified_time = now;
        }
        Some(job.clone())
    }

    /// StopModelInvocationJob: `Stopping` (then `Stopped` on the second GET); a job already
    /// stopping stays so; a finished job cannot be stopped.
    pub(crate) fn stop(&self, identifier: &str, now: SystemTime) -> Option<Result<(), JobStatus>> {
        let mut inner = self.lock();
        let job = Self::find(&mut inner.jobs, identifier)?;
        Some(match job.status {
            JobStatus::Stopping => Ok(()),
            status if status.is_terminal() => Err(status),
            _ => {
                job.status = JobStatus::Stopping;
                job.last_modified_time = now;
                Ok(())
            }
        })
    }

    /// Every job, in submission order, without advancing any.
    pub(crate) fn snapshot(&self) -> Vec<Job> {
        self.lock().jobs.clone()
    }
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
