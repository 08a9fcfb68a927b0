//! The Bedrock runtime operations, one module per operation family. A new family (invoke,
//! async invoke, count tokens, ...) is a new module plus its rows in the router.

pub(crate) mod converse;

use std::time::Instant;

use http::Response;

use crate::body::ResponseBody;
use crate::error::ApiError;
use crate::router::Operation;

/// What a handler gets: the authenticated, routed request.
pub(crate) struct Ctx<'a> {
    /// The percent-decoded `{modelId}` label.
    pub(crate) model_id: &'a str,
    pub(crate) body: &'a [u8],
    /// Prompt prefixes this emulator has cached (shared by all requests).
    pub(crate) prompt_cache: &'a converse::PromptCache,
    /// When the request arrived; latency metrics count from here.
    pub(crate) started: Instant,
}

pub(crate) async fn dispatch(
    operation: Operation,
    ctx: &Ctx<'_>,
) -> Result<Response<ResponseBody>, ApiError> {
    match operation {
        Operation::Converse => converse::handle(ctx, false).await,
        Operation::ConverseStream => converse::handle(ctx, true).await,
    }
}
