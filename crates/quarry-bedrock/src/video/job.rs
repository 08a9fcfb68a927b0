//! Bedrock's job descriptions (GetAsyncInvoke, the items of ListAsyncInvokes, the
//! StartAsyncInvoke answer) as OpenAI's video object and list.

use quarry_openai::video::{Video, VideoError, VideoList, VideoStatus};
use serde::Deserialize;

use super::id::{encode_video_id, is_async_invoke_arn};
use crate::invoke::BadResponse;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Job {
    invocation_arn: String,
    #[serde(default)]
    model_arn: String,
    status: String,
    #[serde(default)]
    failure_message: Option<String>,
    #[serde(default)]
    submit_time: Option<String>,
    #[serde(default)]
    end_time: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Jobs {
    #[serde(default)]
    async_invoke_summaries: Vec<Job>,
    #[serde(default)]
    next_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Started {
    invocation_arn: String,
}

/// One page of `GET /v1/videos` and the token of the next page, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoListPage {
    pub list: VideoList,
    pub next_token: Option<String>,
}

/// The `invocationArn` of a StartAsyncInvoke answer.
pub fn invocation_arn_from_start(body: &[u8]) -> Result<String, BadResponse> {
    let started: Started = serde_json::from_slice(body)
        .map_err(|e| BadResponse(format!("StartAsyncInvoke answer is not as expected: {e}")))?;
    if !is_async_invoke_arn(&started.invocation_arn) {
        return Err(BadResponse(
            "StartAsyncInvoke answered an invocationArn that is not an async-invoke ARN".into(),
        ));
    }
    Ok(started.invocation_arn)
}

/// A GetAsyncInvoke answer as OpenAI's video object.
pub fn video_from_job(body: &[u8]) -> Result<Video, BadResponse> {
    let job: Job = serde_json::from_slice(body)
        .map_err(|e| BadResponse(format!("GetAsyncInvoke answer is not as expected: {e}")))?;
    Ok(to_video(job))
}

/// A ListAsyncInvokes answer as OpenAI's list; `has_more` when Bedrock gave a next token.
pub fn video_list_from_jobs(body: &[u8]) -> Result<VideoListPage, BadResponse> {
    let jobs: Jobs = serde_json::from_slice(body)
        .map_err(|e| BadResponse(format!("ListAsyncInvokes answer is not as expected: {e}")))?;
    let data: Vec<Video> = jobs
        .async_invoke_summaries
        .into_iter()
        .map(to_video)
        .collect();
    let next_token = jobs.next_token.filter(|t| !t.is_empty());
    Ok(VideoListPage {
        list: VideoList {
            object: "list".into(),
            first_id: data.first().map(|v| v.id.clone()),
            last_id: data.last().map(|v| v.id.clone()),
            has_more: next_token.is_some(),
            data,
        },
        next_token,
    })
}

fn to_video(job: Job) -> Video {
    let status = match job.status.as_str() {
        "Completed" => VideoStatus::Completed,
        "Failed" => VideoStatus::Failed,
        _ => VideoStatus::InProgress,
    };
    let error = (status == VideoStatus::Failed).then(|| VideoError {
        code: "video_generation_failed".into(),
        message: job
            .failure_message
            .unwrap_or_else(|| "Bedrock reported the job as failed".into()),
    });
    Video {
        id: encode_video_id(&job.invocation_arn),
        object: "video".into(),
        model: model_of(&job.model_arn).to_owned(),
        status,
        created_at: job
            .submit_time
            .as_deref()
            .and_then(parse_iso8601)
            .unwrap_or(0),
        completed_at: job.end_time.as_deref().and_then(parse_iso8601),
        progress: (status == VideoStatus::Completed).then_some(100),
        seconds: None,
        size: None,
        error,
    }
}

/// `arn:…:foundation-model/amazon.nova-reel-v1:1` → `amazon.nova-reel-v1:1`; other ARNs as given.
fn model_of(model_arn: &str) -> &str {
    model_arn
        .split_once(":foundation-model/")
        .map_or(model_arn, |(_, id)| id)
}

/// `2025-01-15T12:00:00Z` (fractional seconds and a `±hh:mm` offset allowed) as Unix seconds.
pub fn parse_iso8601(text: &str) -> Option<u64> {
    let (date, time) = text.split_once(['T', 't'])?;
    let mut d = date.splitn(3, '-');
    let (y, m, day): (i64, i64, i64) = (
        d.next()?.parse().ok()?,
        d.next()?.parse().ok()?,
        d.next()?.parse().ok()?,
    );
    let (clock, offset) = if let Some(c) = time.strip_suffix(['Z', 'z']) {
        (c, 0)
    } else {
        let at = time.rfind(['+', '-'])?;
        let (c, off) = time.split_at(at);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let (oh, om) = off[1..].split_once(':')?;
        (
            c,
            sign * (oh.parse::<i64>().ok()? * 3600 + om.parse::<i64>().ok()? * 60),
        )
    };
    let clock = clock.split('.').next()?;
    let mut c = clock.splitn(3, ':');
    let (h, mi, s): (i64, i64, i64) = (
        c.next()?.parse().ok()?,
        c.next()?.parse().ok()?,
        c.next()?.parse().ok()?,
    );
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let yy = if m <= 2 { y - 1 } else { y };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    u64::try_from(days * 86_400 + h * 3600 + mi * 60 + s - offset).ok()
}
