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
}

impl Operation {
    /// The AWS operation name, as recorded in [`RecordedRequest::operation`](crate::RecordedRequest).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Converse => "Converse",
            Self::ConverseStream => "ConverseStream",
        }
    }

    /// The SigV4 service name the operation must be signed for (`sts`, `s3` for future ones).
    pub(crate) fn signing_name(self) -> &'static str {
        match self {
            Self::Converse | Self::ConverseStream => BEDROCK_SIGNING_NAME,
        }
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

const ROUTES: &[RouteSpec] = &[
    RouteSpec {
        method: Method::POST,
        segments: &[Literal("model"), Label, Literal("converse")],
        operation: Operation::Converse,
    },
    RouteSpec {
        method: Method::POST,
        segments: &[Literal("model"), Label, Literal("converse-stream")],
        operation: Operation::ConverseStream,
    },
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

    /// The percent-decoded `{modelId}` label of the runtime operations.
    pub(crate) fn model_id(&self) -> Option<Cow<'a, str>> {
        match self.operation {
            Operation::Converse | Operation::ConverseStream => Some(self.label(0)),
        }
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
    fn invalid_utf8_in_a_label_is_replaced_not_fatal() {
        let routed = route(&Method::POST, "/model/a%FFb/converse").unwrap();
        assert_eq!(routed.model_id().unwrap(), "a\u{FFFD}b");
    }
}
