//! The emulator's in-memory object store: what async invocations and batch jobs write to (and
//! read from) "S3". It is shared by every request of one emulator and never persisted.
//!
//! Objects are addressed by bucket and key; `s3://bucket/key` URIs are split by [`parse_uri`].
//! An S3 REST front end can be layered on top of [`S3Store`] without changing its callers.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use bytes::Bytes;

/// One stored object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct StoredObject {
    pub(crate) body: Bytes,
    pub(crate) content_type: Option<String>,
    pub(crate) last_modified: SystemTime,
}

#[derive(Default)]
pub(crate) struct S3Store {
    objects: Mutex<BTreeMap<(String, String), StoredObject>>,
}

/// `s3://bucket/key` as `(bucket, key)`; the key may be empty (`s3://bucket` or `s3://bucket/`).
pub(crate) fn parse_uri(uri: &str) -> Option<(&str, &str)> {
    let rest = uri.strip_prefix("s3://")?;
    let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
    (!bucket.is_empty()).then_some((bucket, key))
}

/// `base` (an `s3://` URI, with or without a trailing `/`) followed by `/` and `name`.
pub(crate) fn join(base: &str, name: &str) -> String {
    format!("{}/{name}", base.trim_end_matches('/'))
}

impl S3Store {
    fn lock(&self) -> MutexGuard<'_, BTreeMap<(String, String), StoredObject>> {
        self.objects.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Store (or replace) an object.
    pub(crate) fn put(&self, bucket: &str, key: &str, object: StoredObject) {
        self.lock()
            .insert((bucket.to_owned(), key.to_owned()), object);
    }

    pub(crate) fn get(&self, bucket: &str, key: &str) -> Option<StoredObject> {
        self.lock()
            .get(&(bucket.to_owned(), key.to_owned()))
            .cloned()
    }

    /// Objects of `bucket` whose key starts with `prefix`, in key order.
    pub(crate) fn list(&self, bucket: &str, prefix: &str) -> Vec<(String, StoredObject)> {
        self.lock()
            .range((bucket.to_owned(), prefix.to_owned())..)
            .take_while(|((b, k), _)| b == bucket && k.starts_with(prefix))
            .map(|((_, k), o)| (k.clone(), o.clone()))
            .collect()
    }

    /// Remove an object; true when it existed.
    pub(crate) fn delete(&self, bucket: &str, key: &str) -> bool {
        self.lock()
            .remove(&(bucket.to_owned(), key.to_owned()))
            .is_some()
    }

    /// [`put`](Self::put) by URI; false when `uri` is not an `s3://bucket/key` URI.
    pub(crate) fn put_uri(
        &self,
        uri: &str,
        body: Bytes,
        content_type: Option<&str>,
        now: SystemTime,
    ) -> bool {
        match parse_uri(uri) {
            Some((bucket, key)) if !key.is_empty() => {
                self.put(
                    bucket,
                    key,
                    StoredObject {
                        body,
                        content_type: content_type.map(str::to_owned),
                        last_modified: now,
                    },
                );
                true
            }
            _ => false,
        }
    }

    /// The body stored at `uri`.
    pub(crate) fn get_uri(&self, uri: &str) -> Option<Bytes> {
        let (bucket, key) = parse_uri(uri)?;
        self.get(bucket, key).map(|o| o.body)
    }

    /// [`delete`](Self::delete) by URI.
    pub(crate) fn delete_uri(&self, uri: &str) -> bool {
        parse_uri(uri).is_some_and(|(bucket, key)| self.delete(bucket, key))
    }

    /// The `s3://` URIs of the objects under the URI prefix `uri`, in key order.
    pub(crate) fn list_uri(&self, uri: &str) -> Vec<String> {
        let Some((bucket, prefix)) = parse_uri(uri) else {
            return Vec::new();
        };
        self.list(bucket, prefix)
            .into_iter()
            .map(|(key, _)| format!("s3://{bucket}/{key}"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn uris_split_into_bucket_and_key() {
        assert_eq!(parse_uri("s3://b/k/x.mp4"), Some(("b", "k/x.mp4")));
        assert_eq!(parse_uri("s3://b"), Some(("b", "")));
        assert_eq!(parse_uri("s3:///k"), None);
        assert_eq!(parse_uri("https://b/k"), None);
        assert_eq!(
            join("s3://b/out/", "id/output.mp4"),
            "s3://b/out/id/output.mp4"
        );
    }

    #[test]
    fn put_get_list_delete() {
        let store = S3Store::default();
        let now = SystemTime::UNIX_EPOCH;
        assert!(store.put_uri("s3://b/p/1", Bytes::from_static(b"one"), None, now));
        assert!(store.put_uri(
            "s3://b/p/2",
            Bytes::from_static(b"two"),
            Some("text/plain"),
            now
        ));
        assert!(store.put_uri("s3://b/q/3", Bytes::from_static(b"three"), None, now));
        assert!(store.put_uri("s3://c/p/4", Bytes::from_static(b"four"), None, now));
        assert!(!store.put_uri("s3://b", Bytes::new(), None, now));
        assert_eq!(
            store.get_uri("s3://b/p/2"),
            Some(Bytes::from_static(b"two"))
        );
        assert_eq!(
            store.get("b", "p/2").unwrap().content_type.as_deref(),
            Some("text/plain")
        );
        assert_eq!(store.list_uri("s3://b/p/"), ["s3://b/p/1", "s3://b/p/2"]);
        assert_eq!(store.list("b", "").len(), 3);
        assert!(store.delete("b", "p/1"));
        assert!(!store.delete("b", "p/1"));
        assert_eq!(store.get_uri("s3://b/p/1"), None);
    }
}
