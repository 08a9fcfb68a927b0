//! Request routing on the raw (still percent-encoded) path.
//!
//! Labels are cut out before any decoding, so an ARN whose `/` travels as `%2F` stays one label.
//! A new operation is one more row in [`ROUTES`] and one more [`Operation`] variant, handled in
//! its own module under `runtime/`.

use std::borrow::Cow;

use http::Method;
use percent_encoding::percent_decode_str;

/// Every operation the emulator knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Operation {
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

/// The Bedrock service an operation belongs to (the emulator serves all of them on one port).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Service {
    /// `bedrock-runtime`.
    Runtime,
    /// `bedrock-agent-runtime`.
    AgentRuntime,
    /// `bedrock`, the control plane.
    Control,
}

impl Operation {
    /// The AWS operation name, as recorded in [`RecordedRequest::operation`](crate::RecordedRequest).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Converse => "Converse",
            Self::ConverseStream => "ConverseStream",
            Self::InvokeModel => "InvokeModel",
            Self::InvokeModelWithResponseStream => "InvokeModelWithResponseStream",
            Self::CountTokens => "CountTokens",
            Self::StartAsyncInvoke => "StartAsyncInvoke",
            Self::GetAsyncInvoke => "GetAsyncInvoke",
            Self::ListAsyncInvokes => "ListAsyncInvokes",
            Self::Rerank => "Rerank",
            Self::RetrieveAndGenerate => "RetrieveAndGenerate",
            Self::RetrieveAndGenerateStream => "RetrieveAndGenerateStream",
            Self::CreateModelInvocationJob => "CreateModelInvocationJob",
            Self::GetModelInvocationJob => "GetModelInvocationJob",
            Self::ListModelInvocationJobs => "ListModelInvocationJobs",
            Self::StopModelInvocationJob => "StopModelInvocationJob",
        }
    }

    pub(crate) fn service(self) -> Service {
        match self {
            Self::Rerank | Self::RetrieveAndGenerate | Self::RetrieveAndGenerateStream => {
                Service::AgentRuntime
            }
            Self::CreateModelInvocationJob
            | Self::GetModelInvocationJob
            | Self::ListModelInvocationJobs
            | Self::StopModelInvocationJob => Service::Control,
            _ => Service::Runtime,
        }
    }

    /// The SigV4 service name the operation must be signed for (`sts`, `s3` for future ones).
    /// All three Bedrock services sign as `bedrock`.
    pub(crate) fn signing_name(self) -> &'static str {
        BEDROCK_SIGNING_NAME
    }

    /// Whether a Bedrock API key (`Authorization: Bearer`) may call it: not the agent runtime.
    pub(crate) fn accepts_bearer(self) -> bool {
        self.service() != Service::AgentRuntime
    }

    /// Whether the first path label is a model ID (what the recorder reports as `model_id`).
    fn has_model_label(self) -> bool {
        matches!(
            self,
            Self::Converse
                | Self::ConverseStream
                | Self::InvokeModel
                | Self::InvokeModelWithResponseStream
                | Self::CountTokens
        )
    }
}

/// Every Bedrock service signs as `bedrock`, whatever the host name; unrouted requests too.
pub(crate) const BEDROCK_SIGNING_NAME: &str = "bedrock";

/// Operation name recorded for requests that match no route.
pub(crate) const UNKNOWN_OPERATION: &str = "Unknown";

#[derive(Clone, Copy)]
enum Segment {
    Literal(&'static str),
    /// A path label; index into [`Routed::labels`].
    Label,
}

struct RouteSpec {
    method: Method,
    segments: &'static [Segment],
    operation: Operation,
}

use Segment::{Label, Literal};

/// A route row; `const` so the table stays a static.
const fn row(method: Method, segments: &'static [Segment], operation: Operation) -> RouteSpec {
    RouteSpec {
        method,
        segments,
        operation,
    }
}

const POST: Method = Method::POST;
const GET: Method = Method::GET;

const ROUTES: &[RouteSpec] = &[
    row(
        POST,
        &[Literal("model"), Label, Literal("converse")],
        Operation::Converse,
    ),
    row(
        POST,
        &[Literal("model"), Label, Literal("converse-stream")],
        Operation::ConverseStream,
    ),
    row(
        POST,
        &[Literal("model"), Label, Literal("invoke")],
        Operation::InvokeModel,
    ),
    row(
        POST,
        &[
            Literal("model"),
            Label,
            Literal("invoke-with-response-stream"),
        ],
        Operation::InvokeModelWithResponseStream,
    ),
    row(
        POST,
        &[Literal("model"), Label, Literal("count-tokens")],
        Operation::CountTokens,
    ),
    row(
        POST,
        &[Literal("async-invoke")],
        Operation::StartAsyncInvoke,
    ),
    row(
        GET,
        &[Literal("async-invoke"), Label],
        Operation::GetAsyncInvoke,
    ),
    row(GET, &[Literal("async-invoke")], Operation::ListAsyncInvokes),
    row(POST, &[Literal("rerank")], Operation::Rerank),
    row(
        POST,
        &[Literal("retrieveAndGenerate")],
        Operation::RetrieveAndGenerate,
    ),
    row(
        POST,
        &[Literal("retrieveAndGenerateStream")],
        Operation::RetrieveAndGenerateStream,
    ),
    row(
        POST,
        &[Literal("model-invocation-job")],
        Operation::CreateModelInvocationJob,
    ),
    row(
        GET,
        &[Literal("model-invocation-job"), Label],
        Operation::GetModelInvocationJob,
    ),
    row(
        GET,
        &[Literal("model-invocation-jobs")],
        Operation::ListModelInvocationJobs,
    ),
    row(
        POST,
        &[Literal("model-invocation-job"), Label, Literal("stop")],
        Operation::StopModelInvocationJob,
    ),
];

/// Most labels any route has.
const MAX_LABELS: usize = 2;

/// A matched route with its raw (still encoded) labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Routed<'a> {
    pub(crate) operation: Operation,
    labels: [&'a str; MAX_LABELS],
}

impl<'a> Routed<'a> {
    /// Percent-decoded label `index`; invalid UTF-8 is replaced, never an error.
    pub(crate) fn label(&self, index: usize) -> Cow<'a, str> {
        let raw = self.labels.get(index).copied().unwrap_or_default();
        percent_decode_str(raw).decode_utf8_lossy()
    }

    /// The percent-decoded `{modelId}` label of the model operations.
    pub(crate) fn model_id(&self) -> Option<Cow<'a, str>> {
        self.operation.has_model_label().then(|| self.label(0))
    }
}

/// Match `path` (without the query) against the route table.
pub(crate) fn route<'a>(method: &Method, path: &'a str) -> Option<Routed<'a>> {
    let rest = path.strip_prefix('/')?;
    'routes: for spec in ROUTES {
        if spec.method != *method {
            continue;
        }
        let mut labels = [""; MAX_LABELS];
        let mut label_count = 0;
        let mut parts = rest.split('/');
        for segment in spec.segments {
            let Some(part) = parts.next() else {
                continue 'routes;
            };
            match segment {
                Literal(literal) if part == *literal => {}
                Literal(_) => continue 'routes,
                Label if part.is_empty() || label_count == MAX_LABELS => continue 'routes,
                Label => {
                    labels[label_count] = part;
                    label_count += 1;
                }
            }
        }
        if parts.next().is_none() {
            return Some(Routed {
                operation: spec.operation,
                labels,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn routes_converse_and_decodes_the_model_label() {
        let routed = route(
            &Method::POST,
            "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse",
        )
        .unwrap();
        assert_eq!(routed.operation, Operation::Converse);
        assert_eq!(
            routed.model_id().unwrap(),
            "anthropic.claude-3-haiku-20240307-v1:0"
        );
    }

    #[test]
    fn an_encoded_slash_stays_inside_the_label() {
        let path = "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream";
        let routed = route(&Method::POST, path).unwrap();
        assert_eq!(routed.operation, Operation::ConverseStream);
        assert_eq!(
            routed.model_id().unwrap(),
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0"
        );
    }

    #[test]
    fn a_literal_slash_in_the_model_id_does_not_match() {
        assert_eq!(
            route(
                &Method::POST,
                "/model/arn:aws:bedrock:us-east-1:1:inference-profile/x/converse"
            ),
            None
        );
    }

    #[test]
    fn unknown_paths_methods_and_empty_labels_do_not_match() {
        assert_eq!(route(&Method::GET, "/model/m.x/converse"), None);
        assert_eq!(route(&Method::POST, "/model//converse"), None);
        assert_eq!(route(&Method::POST, "/model/m.x/converse/"), None);
        assert_eq!(route(&Method::POST, "/model/m.x/chat"), None);
        assert_eq!(route(&Method::POST, "/"), None);
        assert_eq!(route(&Method::POST, ""), None);
    }

    #[test]
    fn every_service_routes_by_path_alone() {
        let cases = [
            (Method::POST, "/model/m.x/invoke", Operation::InvokeModel),
            (
                Method::POST,
                "/model/m.x/invoke-with-response-stream",
                Operation::InvokeModelWithResponseStream,
            ),
            (
                Method::POST,
                "/model/m.x/count-tokens",
                Operation::CountTokens,
            ),
            (Method::POST, "/async-invoke", Operation::StartAsyncInvoke),
            (Method::GET, "/async-invoke", Operation::ListAsyncInvokes),
            (
                Method::GET,
                "/async-invoke/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aasync-invoke%2Fabc",
                Operation::GetAsyncInvoke,
            ),
            (Method::POST, "/rerank", Operation::Rerank),
            (
                Method::POST,
                "/retrieveAndGenerate",
                Operation::RetrieveAndGenerate,
            ),
            (
                Method::POST,
                "/retrieveAndGenerateStream",
                Operation::RetrieveAndGenerateStream,
            ),
            (
                Method::POST,
                "/model-invocation-job",
                Operation::CreateModelInvocationJob,
            ),
            (
                Method::GET,
                "/model-invocation-job/abc123def456",
                Operation::GetModelInvocationJob,
            ),
            (
                Method::GET,
                "/model-invocation-jobs",
                Operation::ListModelInvocationJobs,
            ),
            (
                Method::POST,
                "/model-invocation-job/abc123def456/stop",
                Operation::StopModelInvocationJob,
            ),
        ];
        for (method, path, operation) in cases {
            assert_eq!(route(&method, path).unwrap().operation, operation, "{path}");
        }
        let get = route(
            &Method::GET,
            "/async-invoke/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aasync-invoke%2Fabc",
        )
        .unwrap();
        assert_eq!(
            get.label(0),
            "arn:aws:bedrock:us-east-1:123456789012:async-invoke/abc"
        );
        assert_eq!(get.model_id(), None);
        assert!(!Operation::Rerank.accepts_bearer());
        assert!(Operation::GetModelInvocationJob.accepts_bearer());
        assert_eq!(route(&Method::GET, "/rerank"), None);
        assert_eq!(route(&Method::POST, "/model-invocation-jobs"), None);
    }

    #[test]
    fn invalid_utf8_in_a_label_is_replaced_not_fatal() {
        let routed = route(&Method::POST, "/model/a%FFb/converse").unwrap();
        assert_eq!(routed.model_id().unwrap(), "a\u{FFFD}b");
    }
}
