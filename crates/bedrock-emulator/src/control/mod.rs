//! The `bedrock` control-plane operations the emulator serves: batch inference (model
//! invocation jobs).

pub(crate) mod batch;

use http::Response;

use crate::body::ResponseBody;
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::router::Operation;

pub(crate) fn dispatch(
    operation: Operation,
    ctx: &Ctx<'_>,
) -> Result<Response<ResponseBody>, ApiError> {
    match operation {
        Operation::CreateModelInvocationJob => batch::create(ctx),
        Operation::GetModelInvocationJob => batch::get(ctx),
        Operation::ListModelInvocationJobs => batch::list(ctx),
        Operation::StopModelInvocationJob => batch::stop(ctx),
        _ => Err(ApiError::unknown_operation()),
    }
}
