//! The stateless video ID: `video_` followed by the invocation ARN in unpadded base64url.
//! Decoding checks that the result is an async-invoke ARN, so a crafted ID never reaches
//! Bedrock as an arbitrary path.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

pub const VIDEO_ID_PREFIX: &str = "video_";
/// Longest ID decoded (an ARN is far shorter); longer ones are not ours.
const MAX_ID_LEN: usize = 512;

/// `video_<base64url(arn)>`.
pub fn encode_video_id(invocation_arn: &str) -> String {
    format!(
        "{VIDEO_ID_PREFIX}{}",
        URL_SAFE_NO_PAD.encode(invocation_arn)
    )
}

/// The invocation ARN of a video ID, or `None` when the ID is not one Quarry made.
pub fn decode_video_id(id: &str) -> Option<String> {
    if id.len() > MAX_ID_LEN {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(id.strip_prefix(VIDEO_ID_PREFIX)?)
        .ok()?;
    let arn = String::from_utf8(bytes).ok()?;
    is_async_invoke_arn(&arn).then_some(arn)
}

/// `arn:{partition}:bedrock:{region}:{12 digits}:async-invoke/{alphanumeric id}`.
pub fn is_async_invoke_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [arn_lit, partition, service, region, account, resource] = parts[..] else {
        return false;
    };
    let Some(job) = resource.strip_prefix("async-invoke/") else {
        return false;
    };
    arn_lit == "arn"
        && partition.starts_with("aws")
        && partition
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'-')
        && service == "bedrock"
        && !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && (1..=64).contains(&job.len())
        && job.bytes().all(|b| b.is_ascii_alphanumeric())
}
