//! StartAsyncInvoke, GetAsyncInvoke and ListAsyncInvokes for the video models: validation, the
//! invocation records, and the video "written to S3" when an invocation completes.

mod store;
mod video;

pub(crate) use self::store::AsyncInvokes;

use bytes::Bytes;
use http::Response;
use serde_json::{json, Map, Value};

use self::store::{Invocation, Status, Submission};
use super::invoke::schema;
use super::{json_response, parse_json, Ctx};
use crate::body::ResponseBody;
use crate::error::ApiError;
use crate::faults::{self, Fault};
use crate::model_id;
use crate::query;
use crate::s3store;
use crate::text::has_word;
use crate::time;

const NOT_ASYNC: &str = "The provided model doesn't support asynchronous invocation.";

fn not_null(member: &str) -> ApiError {
    ApiError::validation(format!(
        "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
    ))
}

/// Bedrock's `S3Uri` pattern for async output: `s3://[a-z0-9][.\-a-z0-9]{1,61}[a-z0-9](/.*)?`.
fn valid_output_uri(uri: &str) -> bool {
    let Some((bucket, _)) = s3store::parse_uri(uri) else {
        return false;
    };
    let b = bucket.as_bytes();
    (3..=63).contains(&b.len())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'.' | b'-'))
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
}

/// The `modelArn` Bedrock reports: a foundation-model ARN for a base model ID.
fn model_arn(model_id: &str, region: &str) -> String {
    if model_id.starts_with("arn:") {
        model_id.to_owned()
    } else {
        format!(
            "arn:aws:bedrock:{region}::foundation-model/{}",
            model_id::base_id(model_id)
        )
    }
}

pub(crate) fn start(ctx: &Ctx<'_>) -> Result<Response<ResponseBody>, ApiError> {
    let body: Value = parse_json(ctx.body)?;
    let root = schema::root(&body)?;
    let model_id = root
        .get("modelId")
        .and_then(Value::as_str)
        .ok_or_else(|| not_null("modelId"))?;
    if let Some(Fault::Error(error)) = faults::parse(model_id) {
        return Err(error);
    }
    let model = video::detect(model_id).ok_or_else(|| {
        ApiError::validation(if model_id::is_valid(model_id) {
            NOT_ASYNC
        } else {
            "The provided model identifier is invalid."
        })
    })?;
    let input = root
        .get("modelInput")
        .ok_or_else(|| not_null("modelInput"))?;
    let output = root
        .get("outputDataConfig")
        .ok_or_else(|| not_null("outputDataConfig"))?;
    let s3_uri = output
        .pointer("/s3OutputDataConfig/s3Uri")
        .and_then(Value::as_str)
        .ok_or_else(|| not_null("outputDataConfig.s3OutputDataConfig.s3Uri"))?;
    if !valid_output_uri(s3_uri) {
        return Err(ApiError::constraint(
            s3_uri,
            "outputDataConfig.s3OutputDataConfig.s3Uri",
            "Member must satisfy regular expression pattern: s3://[a-z0-9][\\.\\-a-z0-9]{1,61}[a-z0-9](/.*)?",
        ));
    }
    let token = match root.get("clientRequestToken") {
        None => None,
        Some(token) => {
            let token = schema::as_str(token, "clientRequestToken")?;
            if token.is_empty()
                || token.len() > 256
                || !token.bytes().all(|b| (b'!'..=b'~').contains(&b))
            {
                return Err(ApiError::constraint(
                    token,
                    "clientRequestToken",
                    "Member must satisfy regular expression pattern: [!-~]*",
                ));
            }
            Some(token.to_owned())
        }
    };
    let prompt = video::prompt(model, input)?;
    let mut request = root.clone();
    request.remove("clientRequestToken");
    let arn = ctx.stores.async_invokes.start(Submission {
        request: Value::Object(request),
        client_request_token: token,
        region: ctx.region.to_owned(),
        model_arn: model_arn(model_id, ctx.region),
        output_data_config: output.clone(),
        s3_uri: s3_uri.to_owned(),
        fails: has_word(&prompt, "fail"),
        prompt,
        now: ctx.now,
    })?;
    Ok(json_response(&json!({"invocationArn": arn})))
}

/// The `{s3Uri}/{invocationId}/output.mp4` an invocation writes when it completes.
pub(crate) fn output_uri(invocation: &Invocation) -> String {
    s3store::join(&invocation.s3_uri, &format!("{}/output.mp4", invocation.id))
}

/// GetAsyncInvoke's (and each list summary's) JSON.
fn describe(invocation: &Invocation) -> Value {
    let mut out = Map::new();
    out.insert("invocationArn".into(), invocation.arn.clone().into());
    out.insert("modelArn".into(), invocation.model_arn.clone().into());
    if let Some(token) = &invocation.client_request_token {
        out.insert("clientRequestToken".into(), token.clone().into());
    }
    out.insert("status".into(), invocation.status.as_str().into());
    if let Some(message) = &invocation.failure_message {
        out.insert("failureMessage".into(), message.clone().into());
    }
    out.insert(
        "submitTime".into(),
        time::format(invocation.submit_time).into(),
    );
    out.insert(
        "lastModifiedTime".into(),
        time::format(invocation.last_modified_time).into(),
    );
    if let Some(end) = invocation.end_time {
        out.insert("endTime".into(), time::format(end).into());
    }
    out.insert(
        "outputDataConfig".into(),
        invocation.output_data_config.clone(),
    );
    Value::Object(out)
}

pub(crate) fn get(ctx: &Ctx<'_>) -> Result<Response<ResponseBody>, ApiError> {
    let (invocation, finished) = ctx
        .stores
        .async_invokes
        .read(ctx.label, ctx.now)
        .ok_or_else(|| {
            ApiError::validation(format!(
                "The async invocation {} does not exist.",
                ctx.label
            ))
        })?;
    if finished && invocation.status == Status::Completed {
        let video = video::fake_mp4(&invocation.prompt);
        ctx.stores.s3.put_uri(
            &output_uri(&invocation),
            Bytes::from(video),
            Some("video/mp4"),
            ctx.now,
        );
    }
    Ok(json_response(&describe(&invocation)))
}

pub(crate) fn list(ctx: &Ctx<'_>) -> Result<Response<ResponseBody>, ApiError> {
    let pairs = query::pairs(ctx.query);
    let status = match query::get(&pairs, "statusEquals") {
        None => None,
        Some(raw) => Some(Status::parse(raw).ok_or_else(|| {
            ApiError::constraint(
                raw,
                "statusEquals",
                "Member must satisfy enum value set: [InProgress, Completed, Failed]",
            )
        })?),
    };
    let descending = query::sort_descending(&pairs, "SubmissionTime")?;
    let after = query::time_filter(&pairs, "submitTimeAfter")?;
    let before = query::time_filter(&pairs, "submitTimeBefore")?;
    let mut matching: Vec<Invocation> = ctx
        .stores
        .async_invokes
        .snapshot()
        .into_iter()
        .filter(|i| status.is_none_or(|s| i.status == s))
        .filter(|i| after.is_none_or(|t| i.submit_time > t))
        .filter(|i| before.is_none_or(|t| i.submit_time < t))
        .collect();
    if descending {
        matching.reverse();
    }
    let (page, next) = query::paginate(
        matching,
        query::get(&pairs, "maxResults"),
        query::get(&pairs, "nextToken"),
    )?;
    let mut out = json!({"asyncInvokeSummaries": page.iter().map(describe).collect::<Vec<_>>()});
    if let Some(next) = next {
        out["nextToken"] = next.into();
    }
    Ok(json_response(&out))
}
