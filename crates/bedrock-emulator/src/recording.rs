//! The bounded log of received requests that tests inspect through
//! [`Emulator::requests`](crate::Emulator::requests).
//!
//! Recording takes one short mutex hold per request and copies headers into owned strings, so
//! it is switched off entirely (no lock, no copy) when `record_requests` is false.

use std::collections::VecDeque;
use std::fmt;
use std::sync::Mutex;

use bytes::Bytes;

/// How many requests are kept; older ones are dropped first.
pub(crate) const RECORD_CAPACITY: usize = 10_000;

/// What the emulator decided about a request's credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthOutcome {
    /// A SigV4 signature that the emulator recomputed and matched.
    SigV4Valid,
    /// An accepted `Authorization: Bearer` token.
    Bearer,
    /// Refused; carries the AWS error code sent back (e.g. `InvalidSignatureException`).
    Rejected(String),
    /// Signature verification is off, so nothing was checked.
    NotChecked,
}

/// One request as the emulator received it.
///
/// The fields hold everything verbatim; `Debug` masks credential-bearing header values.
#[derive(Clone)]
pub struct RecordedRequest {
    pub method: String,
    /// Path and query exactly as on the wire (still percent-encoded).
    pub raw_path: String,
    /// Header names in lower case, in arrival order (repeated names grouped).
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
    /// AWS operation name (`Converse`, `ConverseStream`, ...), or `Unknown`.
    pub operation: String,
    /// The percent-decoded `{modelId}` label, for operations that have one.
    pub model_id: Option<String>,
    /// Access key ID from a SigV4 `Authorization` header.
    pub access_key_id: Option<String>,
    /// The `SignedHeaders` list of a SigV4 `Authorization` header.
    pub signed_headers: Vec<String>,
    pub auth: AuthOutcome,
}

impl RecordedRequest {
    /// The first value of header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Headers whose values are credentials (bearer keys, session tokens).
const MASKED_HEADERS: &[&str] = &["authorization", "x-amz-security-token"];

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let shown = if MASKED_HEADERS.contains(&name.as_str()) {
                    "<redacted>"
                } else {
                    value.as_str()
                };
                (name.as_str(), shown)
            })
            .collect();
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("raw_path", &self.raw_path)
            .field("headers", &headers)
            .field("body", &self.body)
            .field("operation", &self.operation)
            .field("model_id", &self.model_id)
            .field("access_key_id", &self.access_key_id)
            .field("signed_headers", &self.signed_headers)
            .field("auth", &self.auth)
            .finish()
    }
}

pub(crate) struct Recorder {
    capacity: usize,
    log: Mutex<VecDeque<RecordedRequest>>,
}

impl Recorder {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            log: Mutex::new(VecDeque::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<RecordedRequest>> {
        // A panic while holding the lock cannot leave the deque half-updated; keep using it.
        self.log
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn push(&self, request: RecordedRequest) {
        if self.capacity == 0 {
            return;
        }
        let mut log = self.lock();
        while log.len() >= self.capacity {
            log.pop_front();
        }
        log.push_back(request);
    }

    pub(crate) fn snapshot(&self) -> Vec<RecordedRequest> {
        self.lock().iter().cloned().collect()
    }

    pub(crate) fn clear(&self) {
        self.lock().clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(n: usize) -> RecordedRequest {
        RecordedRequest {
            method: "POST".into(),
            raw_path: format!("/r/{n}"),
            headers: vec![("host".into(), "localhost".into())],
            body: Bytes::new(),
            operation: "Converse".into(),
            model_id: None,
            access_key_id: None,
            signed_headers: Vec::new(),
            auth: AuthOutcome::NotChecked,
        }
    }

    #[test]
    fn keeps_only_the_newest_requests() {
        let recorder = Recorder::new(3);
        for n in 0..5 {
            recorder.push(request(n));
        }
        let paths: Vec<String> = recorder
            .snapshot()
            .into_iter()
            .map(|r| r.raw_path)
            .collect();
        assert_eq!(paths, ["/r/2", "/r/3", "/r/4"]);
        recorder.clear();
        assert!(recorder.snapshot().is_empty());
    }

    #[test]
    fn debug_masks_credential_headers() {
        let mut recorded = request(0);
        recorded
            .headers
            .push(("authorization".into(), "Bearer ABSKsecret".into()));
        recorded
            .headers
            .push(("x-amz-security-token".into(), "sessiontok".into()));
        let shown = format!("{recorded:?}");
        assert!(!shown.contains("ABSKsecret") && !shown.contains("sessiontok"));
        assert!(shown.contains("localhost"));
    }

    #[test]
    fn header_lookup_finds_the_first_value() {
        assert_eq!(request(0).header("host"), Some("localhost"));
        assert_eq!(request(0).header("x-missing"), None);
    }
}
