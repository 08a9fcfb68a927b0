//! What every operation handler gets: the authenticated, routed request and the emulator's
//! shared memory (prompt cache, async invocations, batch jobs, the object store).

use std::time::{Instant, SystemTime};

use http::HeaderMap;

use crate::control::batch::Jobs;
use crate::runtime::async_invoke::AsyncInvokes;
use crate::runtime::converse::PromptCache;
use crate::s3store::S3Store;

/// Region used when a request carries no SigV4 scope (bearer tokens, verification off).
pub(crate) const DEFAULT_REGION: &str = "us-east-1";

/// The account ID in every ARN the emulator makes.
pub(crate) const ACCOUNT_ID: &str = "123456789012";

/// Memory shared by all requests to one emulator.
#[derive(Default)]
pub(crate) struct Stores {
    pub(crate) prompt_cache: PromptCache,
    pub(crate) s3: S3Store,
    pub(crate) async_invokes: AsyncInvokes,
    pub(crate) jobs: Jobs,
}

pub(crate) struct Ctx<'a> {
    /// The first path label, percent-decoded: a model ID, an invocation ARN or a job
    /// identifier (empty for operations without one).
    pub(crate) label: &'a str,
    pub(crate) body: &'a [u8],
    pub(crate) headers: &'a HeaderMap,
    /// The raw (still encoded) query string, without `?`.
    pub(crate) query: &'a str,
    /// The region of the SigV4 scope, or [`DEFAULT_REGION`].
    pub(crate) region: &'a str,
    /// Wall-clock time of arrival, for the timestamps of created resources.
    pub(crate) now: SystemTime,
    /// When the request arrived; latency metrics count from here.
    pub(crate) started: Instant,
    pub(crate) stores: &'a Stores,
}

impl Ctx<'_> {
    /// The first value of a request header, if it is valid UTF-8.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}
