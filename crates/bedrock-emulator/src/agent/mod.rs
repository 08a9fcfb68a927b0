//! The `bedrock-agent-runtime` operations the emulator serves: Rerank, RetrieveAndGenerate and
//! RetrieveAndGenerateStream. They accept SigV4 only (see
//! [`Operation::accepts_bearer`](crate::router::Operation)).

mod rag;
mod rag_stream;
mod rerank;

use http::Response;

use crate::body::ResponseBody;
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::router::Operation;

pub(crate) async fn dispatch(
    operation: Operation,
    ctx: &Ctx<'_>,
) -> Result<Response<ResponseBody>, ApiError> {
    match operation {
        Operation::Rerank => rerank::handle(ctx),
        Operation::RetrieveAndGenerate => rag::handle(ctx).await,
        Operation::RetrieveAndGenerateStream => rag_stream::handle(ctx),
        _ => Err(ApiError::unknown_operation()),
    }
}

/// A constraint failure in the agent runtime's words.
pub(crate) fn constraint(value: impl std::fmt::Display, at: &str, rule: &str) -> ApiError {
    ApiError::constraint(value, at, rule)
}

/// A required member that is missing.
pub(crate) fn not_null(at: &str) -> ApiError {
    ApiError::validation(format!(
        "1 validation error detected: Value null at '{at}' failed to satisfy constraint: Member must not be null"
    ))
}
