//! Native Bedrock paths: which operation a path names, its labels decoded once and checked,
//! and the upstream path with each label encoded once again.
//!
//! Pure: takes the method, the path remainder after the route's matched prefix (still
//! percent-encoded, as on the wire) and the query; no I/O.
//!
//! A label (model ID, async-invoke ARN, job identifier) must stay one path segment upstream:
//! it is percent-decoded exactly once and re-encoded with `encode_model_id`, so `/`, `..` or a
//! control character can never become part of the upstream path's structure. Beyond that, a
//! decoded label is refused when it is `.`/`..`, holds a control character, has a malformed
//! escape or is not UTF-8, or holds a `/` without being a well-formed Bedrock ARN (whose
//! region is checked by `arn_region`, since it may pick the upstream host).

use http::Method;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use quarry_bedrock::endpoint::{self, Service};

/// Every operation the native relay forwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Converse,
    ConverseStream,
    InvokeModel,
    InvokeModelWithResponseStream,
    CountTokens,
    StartAsyncInvoke,
    GetAsyncInvoke,
    ListAsyncInvokes,
    Rerank,
    RetrieveAndGenerate,
    RetrieveAndGenerateStream,
    CreateModelInvocationJob,
    GetModelInvocationJob,
    ListModelInvocationJobs,
    StopModelInvocationJob,
}

impl Operation {
    pub fn service(self) -> Service {
        match self {
            Self::Rerank | Self::RetrieveAndGenerate | Self::RetrieveAndGenerateStream => {
                Service::AgentRuntime
            }
            Self::CreateModelInvocationJob
            | Self::GetModelInvocationJob
            | Self::ListModelInvocationJobs
            | Self::StopModelInvocationJob => Service::ControlPlane,
            _ => Service::Runtime,
        }
    }

    pub fn method(self) -> Method {
        match self {
            Self::GetAsyncInvoke
            | Self::ListAsyncInvokes
            | Self::GetModelInvocationJob
            | Self::ListModelInvocationJobs => Method::GET,
            _ => Method::POST,
        }
    }

    /// Whether a successful answer is an event stream (`request_mode: stream`).
    pub fn streams(self) -> bool {
        matches!(
            self,
            Self::ConverseStream
                | Self::InvokeModelWithResponseStream
                | Self::RetrieveAndGenerateStream
        )
    }

    /// The query parameters the operation defines; only these are forwarded.
    fn query_params(self) -> &'static [&'static str] {
        const LIST_ASYNC: &[&str] = &[
            "submitTimeAfter",
            "submitTimeBefore",
            "statusEquals",
            "maxResults",
            "nextToken",
            "sortBy",
            "sortOrder",
        ];
        const LIST_JOBS: &[&str] = &[
            "submitTimeAfter",
            "submitTimeBefore",
            "statusEquals",
            "nameContains",
            "maxResults",
            "nextToken",
            "sortBy",
            "sortOrder",
        ];
        match self {
            Self::ListAsyncInvokes => LIST_ASYNC,
            Self::ListModelInvocationJobs => LIST_JOBS,
            _ => &[],
        }
    }

    fn from_model_operation(name: &str) -> Option<Self> {
        Some(match name {
            "converse" => Self::Converse,
            "converse-stream" => Self::ConverseStream,
            "invoke" => Self::InvokeModel,
            "invoke-with-response-stream" => Self::InvokeModelWithResponseStream,
            "count-tokens" => Self::CountTokens,
            _ => return None,
        })
    }
}

/// A parsed native request line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NativeCall {
    pub operation: Operation,
    /// The decoded `{modelId}` label of the `/model/{modelId}/…` operations.
    pub model: Option<String>,
    /// The region of an ARN label (model, async-invoke or job ARN), validated.
    pub arn_region: Option<String>,
    /// Upstream path and query: labels encoded once, only the operation's query parameters.
    pub path_and_query: String,
}

/// Why a path is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathError {
    /// No Bedrock operation has this path (AWS: 404 `UnknownOperationException`).
    Unknown(String),
    /// The path names an operation but breaks its shape or carries a bad label (400).
    Invalid(String),
    /// The operation exists with another method (405).
    Method { allowed: Method, path: String },
    /// A real operation the relay does not forward.
    Unsupported(&'static str),
}

/// Parses `path` (the remainder after the route's prefix, starting with `/`).
pub fn parse(method: &Method, path: &str, query: Option<&str>) -> Result<NativeCall, PathError> {
    let unknown = || PathError::Unknown(format!("no Bedrock operation has the path {path:?}"));
    let rest = path.strip_prefix('/').ok_or_else(unknown)?;
    let segments: Vec<&str> = rest.split('/').collect();
    let shape = || {
        PathError::Invalid(format!(
            "the path {path:?} does not have the shape of a Bedrock operation (a label \
             containing '/' must be percent-encoded as %2F)"
        ))
    };
    // (operation, label, the segment after the label)
    let (operation, label, suffix) = match segments.as_slice() {
        ["model", id, op] => match Operation::from_model_operation(op) {
            Some(operation) => (operation, Some(*id), Some(*op)),
            None if *op == "invoke-with-bidirectional-stream" => {
                return Err(PathError::Unsupported(
                    "InvokeModelWithBidirectionalStream (an HTTP/2 bidirectional stream) is not \
                     relayed",
                ))
            }
            None => return Err(unknown()),
        },
        ["async-invoke"] if method == Method::GET => (Operation::ListAsyncInvokes, None, None),
        ["async-invoke"] => (Operation::StartAsyncInvoke, None, None),
        ["async-invoke", arn] => (Operation::GetAsyncInvoke, Some(*arn), None),
        ["rerank"] => (Operation::Rerank, None, None),
        ["retrieveAndGenerate"] => (Operation::RetrieveAndGenerate, None, None),
        ["retrieveAndGenerateStream"] => (Operation::RetrieveAndGenerateStream, None, None),
        ["model-invocation-job"] => (Operation::CreateModelInvocationJob, None, None),
        ["model-invocation-job", id] => (Operation::GetModelInvocationJob, Some(*id), None),
        ["model-invocation-job", id, "stop"] => {
            (Operation::StopModelInvocationJob, Some(*id), Some("stop"))
        }
        ["model-invocation-jobs"] => (Operation::ListModelInvocationJobs, None, None),
        [first, ..]
            if matches!(
                *first,
                "model"
                    | "async-invoke"
                    | "rerank"
                    | "retrieveAndGenerate"
                    | "retrieveAndGenerateStream"
                    | "model-invocation-job"
                    | "model-invocation-jobs"
            ) =>
        {
            return Err(shape())
        }
        _ => return Err(unknown()),
    };
    if *method != operation.method() {
        return Err(PathError::Method {
            allowed: operation.method(),
            path: path.to_owned(),
        });
    }
    let decoded = label.map(decode_label).transpose()?;
    let arn_region = match &decoded {
        Some(label) => endpoint::arn_region(label)
            .map_err(|e| PathError::Invalid(format!("{label:?} is not usable: {e}")))?
            .map(str::to_owned),
        None => None,
    };
    let encoded = decoded
        .as_deref()
        .map(|label| {
            endpoint::encode_model_id(label)
                .map_err(|e| PathError::Invalid(format!("{:?} is not usable: {e}", label)))
        })
        .transpose()?;
    // Literal segments are rebuilt from the matched table; only the label is re-encoded.
    let mut path_and_query = format!("/{}", segments[0]);
    for part in encoded.iter().map(String::as_str).chain(suffix) {
        path_and_query.push('/');
        path_and_query.push_str(part);
    }
    if let Some(query) = forwarded_query(query, operation.query_params()) {
        path_and_query.push('?');
        path_and_query.push_str(&query);
    }
    let model = match operation {
        Operation::Converse
        | Operation::ConverseStream
        | Operation::InvokeModel
        | Operation::InvokeModelWithResponseStream
        | Operation::CountTokens => decoded,
        _ => None,
    };
    Ok(NativeCall {
        operation,
        model,
        arn_region,
        path_and_query,
    })
}

/// Decodes a raw label once and checks it cannot leave its path segment.
fn decode_label(raw: &str) -> Result<String, PathError> {
    let invalid = |why: &str| PathError::Invalid(format!("the path label {raw:?} {why}"));
    let bytes = raw.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'%'
            && !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
        {
            return Err(invalid("has a malformed percent escape"));
        }
    }
    let decoded = percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| invalid("is not UTF-8 once decoded"))?
        .into_owned();
    if decoded.is_empty() {
        return Err(invalid("is empty"));
    }
    if decoded.chars().any(char::is_control) {
        return Err(invalid("contains control characters"));
    }
    if decoded.contains('/') && !decoded.starts_with("arn:") {
        return Err(invalid(
            "contains '/' but is not an ARN: a model ID or identifier is one path segment",
        ));
    }
    if decoded
        .split('/')
        .any(|s| s.is_empty() || s == "." || s == "..")
    {
        return Err(invalid("contains an empty, '.' or '..' segment"));
    }
    Ok(decoded)
}

/// RFC 3986 unreserved characters stay; everything else is encoded, as the signer expects.
const QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The operation's own query parameters, each decoded once and re-encoded strictly so the
/// wire query and the canonical query agree. Everything else (a key-auth `apikey`, cache
/// busters) stays behind. `+` is kept as a literal plus (AWS SDKs encode spaces as `%20`).
fn forwarded_query(query: Option<&str>, allowed: &[&str]) -> Option<String> {
    let query = query.filter(|q| !q.is_empty() && !allowed.is_empty())?;
    let mut out = Vec::new();
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode_str(key).decode_utf8_lossy();
        if !allowed.contains(&key.as_ref()) {
            continue;
        }
        let value = percent_decode_str(value).decode_utf8_lossy();
        out.push(format!(
            "{}={}",
            utf8_percent_encode(&key, QUERY),
            utf8_percent_encode(&value, QUERY)
        ));
    }
    (!out.is_empty()).then(|| out.join("&"))
}

/// The operation of a request whose path matched a route prefix `matched_len` long: the
/// remainder after the prefix must be a native path. Kong instead looks for
/// `/model/{id}/{operation}` at the end of the whole path, so a Kong route such as
/// `paths: ["/model"]` also works: when the remainder names no operation at all, the whole
/// path is tried. A refused label is never retried.
pub fn parse_routed(
    method: &Method,
    path: &str,
    matched_len: usize,
    query: Option<&str>,
) -> Result<NativeCall, PathError> {
    let first = match remainder(path, matched_len) {
        Some(rest) => parse(method, &rest, query),
        None => Err(PathError::Unknown(format!(
            "the path {path:?} does not continue the route's path with a Bedrock operation"
        ))),
    };
    match first {
        Err(PathError::Unknown(message)) if matched_len > 0 => match parse(method, path, query) {
            Err(PathError::Unknown(_)) => Err(PathError::Unknown(message)),
            whole => whole,
        },
        first => first,
    }
}

/// The remainder of `path` after the route's matched prefix, as a path starting with `/`.
/// A prefix that ends with `/` keeps it for the remainder; a prefix that ends inside a
/// segment (`/bedrock` matching `/bedrockx/...`) leaves no native path.
pub fn remainder(path: &str, matched_len: usize) -> Option<String> {
    let (matched, rest) = (path.get(..matched_len)?, path.get(matched_len..)?);
    if rest.starts_with('/') {
        Some(rest.to_owned())
    } else if matched.ends_with('/') {
        Some(format!("/{rest}"))
    } else if rest.is_empty() {
        Some("/".to_owned())
    } else {
        None
    }
}

#[cfg(test)]
#[path = "paths_tests.rs"]
mod tests;
