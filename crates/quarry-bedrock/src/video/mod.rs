//! Video generation over StartAsyncInvoke / GetAsyncInvoke / ListAsyncInvokes: pure
//! translators from OpenAI's videos API to the async-invoke bodies (one builder per model
//! family) and from Bedrock's job descriptions back to OpenAI's video object, plus the
//! stateless video ID codec.
//!
//! | file | owns |
//! |---|---|
//! | `family.rs` | model ID → family; the OpenAI knobs every family reads (`seconds`, `size`, extras) |
//! | `nova_reel.rs` | Nova Reel `TEXT_VIDEO` / `MULTI_SHOT_AUTOMATED` bodies |
//! | `luma.rs` | Luma Ray 2 bodies (`duration`, nearest `aspect_ratio`, `resolution`) |
//! | `start.rs` | the StartAsyncInvoke envelope and its idempotency token |
//! | `job.rs` | GetAsyncInvoke / ListAsyncInvokes answers → OpenAI's video object and list |
//! | `id.rs` | `video_<base64url(invocation ARN)>` and back |
//!
//! Decisions worth knowing:
//! - The video ID is the invocation ARN, base64url-encoded: no gateway state, any replica can
//!   answer; an ID that does not decode to an async-invoke ARN is "not found".
//! - `clientRequestToken` is a digest of the Bedrock request (and an optional caller key), so
//!   a retried identical request returns the same job instead of paying twice.
//! - GetAsyncInvoke does not echo the model input, so `seconds`/`size` are only on the create
//!   answer.

mod family;
mod id;
mod job;
mod luma;
mod nova_reel;
mod start;

#[cfg(test)]
mod tests;

pub use family::{VideoFamily, VideoSpec};
pub use id::{decode_video_id, encode_video_id, is_async_invoke_arn, VIDEO_ID_PREFIX};
pub use job::{
    invocation_arn_from_start, parse_iso8601, video_from_job, video_list_from_jobs, VideoListPage,
};
pub use start::{start_async_invoke_body, StartPlan};
