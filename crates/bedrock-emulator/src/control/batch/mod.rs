//! Batch inference: CreateModelInvocationJob, GetModelInvocationJob, ListModelInvocationJobs
//! and StopModelInvocationJob over the in-memory job records.

mod store;
mod validate;

pub(crate) use self::store::Jobs;

use std::time::Duration;

use http::Response;
use serde_json::{json, Map, Value};

use self::store::{Job, JobStatus, NewJob, RecordCounts};
use crate::body::ResponseBody;
use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorCode};
use crate::query;
use crate::runtime::{json_response, parse_json};
use crate::s3store::S3Store;
use crate::text::has_word;
use crate::time;

const DEFAULT_TIMEOUT_HOURS: u64 = 168;

pub(crate) fn create(ctx: &Ctx<'_>) -> Result<Response<ResponseBody>, ApiError> {
    let body: Value = parse_json(ctx.body)?;
    let job_name = validate::string(&body, "/jobName", "jobName")?;
    validate::job_name(job_name)?;
    let role_arn = validate::string(&body, "/roleArn", "roleArn")?;
    validate::role_arn(role_arn)?;
    let model_id = validate::string(&body, "/modelId", "modelId")?;
    validate::model(model_id)?;
    let input_uri = validate::string(
        &body,
        "/inputDataConfig/s3InputDataConfig/s3Uri",
        "inputDataConfig.s3InputDataConfig.s3Uri",
    )?;
    validate::s3_uri(input_uri, "inputDataConfig.s3InputDataConfig.s3Uri")?;
    let output_uri = validate::string(
        &body,
        "/outputDataConfig/s3OutputDataConfig/s3Uri",
        "outputDataConfig.s3OutputDataConfig.s3Uri",
    )?;
    validate::s3_uri(output_uri, "outputDataConfig.s3OutputDataConfig.s3Uri")?;
    validate::optional_members(&body)?;
    let token = match body.get("clientRequestToken") {
        None => None,
        Some(token) => {
            let token = token.as_str().unwrap_or_default();
            validate::client_request_token(token)?;
            Some(token.to_owned())
        }
    };
    let mut request = body.clone();
    if let Some(object) = request.as_object_mut() {
        object.remove("clientRequestToken");
    }
    let job = Job {
        id: String::new(),
        arn: String::new(),
        job_name: job_name.to_owned(),
        model_id: model_id.to_owned(),
        client_request_token: token,
        role_arn: role_arn.to_owned(),
        status: JobStatus::Submitted,
        message: None,
        submit_time: ctx.now,
        last_modified_time: ctx.now,
        end_time: None,
        input_data_config: body["inputDataConfig"].clone(),
        output_data_config: body["outputDataConfig"].clone(),
        vpc_config: body.get("vpcConfig").cloned(),
        timeout_hours: body
            .get("timeoutDurationInHours")
            .and_then(Value::as_u64)
            .unwrap_or(DEFAULT_TIMEOUT_HOURS),
        model_invocation_type: body
            .get("modelInvocationType")
            .and_then(Value::as_str)
            .unwrap_or("InvokeModel")
            .to_owned(),
        counts: RecordCounts::default(),
        fails: has_word(job_name, "fail"),
        reads: 0,
        stop_reads: 0,
    };
    let arn = ctx.stores.jobs.create(NewJob {
        request,
        region: ctx.region.to_owned(),
        job,
    })?;
    Ok(json_response(&json!({"jobArn": arn})))
}

/// Record counts of a completed job: every non-blank line of the JSONL objects stored at (or
/// under) the input URI is one successful record.
fn count_records(s3: &S3Store, job: &Job) -> RecordCounts {
    let uri = job
        .input_data_config
        .pointer("/s3InputDataConfig/s3Uri")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let lines: u64 = s3
        .list_uri(uri)
        .iter()
        .filter_map(|object| s3.get_uri(object))
        .map(|body| {
            body.split(|b| *b == b'\n')
                .filter(|line| line.iter().any(|b| !b.is_ascii_whitespace()))
                .count() as u64
        })
        .sum();
    RecordCounts {
        total: lines,
        processed: lines,
        success: lines,
        error: 0,
    }
}

fn not_found(identifier: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ResourceNotFoundException,
        format!("The model invocation job {identifier} could not be found."),
    )
}

/// GetModelInvocationJob's (and each list summary's) JSON.
fn describe(job: &Job) -> Value {
    let mut out = Map::new();
    let mut put = |key: &str, value: Value| {
        out.insert(key.to_owned(), value);
    };
    put("jobArn", job.arn.clone().into());
    put("jobName", job.job_name.clone().into());
    put("modelId", job.model_id.clone().into());
    if let Some(token) = &job.client_request_token {
        put("clientRequestToken", token.clone().into());
    }
    put("roleArn", job.role_arn.clone().into());
    put("status", job.status.as_str().into());
    if let Some(message) = &job.message {
        put("message", message.clone().into());
    }
    put("submitTime", time::format(job.submit_time).into());
    put(
        "lastModifiedTime",
        time::format(job.last_modified_time).into(),
    );
    if let Some(end) = job.end_time {
        put("endTime", time::format(end).into());
    }
    put("inputDataConfig", job.input_data_config.clone());
    put("outputDataConfig", job.output_data_config.clone());
    if let Some(vpc) = &job.vpc_config {
        put("vpcConfig", vpc.clone());
    }
    put("timeoutDurationInHours", job.timeout_hours.into());
    let expires = job.submit_time + Duration::from_secs(job.timeout_hours * 3600);
    put("jobExpirationTime", time::format(expires).into());
    put(
        "modelInvocationType",
        job.model_invocation_type.clone().into(),
    );
    put("totalRecordCount", job.counts.total.into());
    put("processedRecordCount", job.counts.processed.into());
    put("successRecordCount", job.counts.success.into());
    put("errorRecordCount", job.counts.error.into());
    Value::Object(out)
}

pub(crate) fn get(ctx: &Ctx<'_>) -> Result<Response<ResponseBody>, ApiError> {
    let s3 = &ctx.stores.s3;
    let job = ctx
        .stores
        .jobs
        .read(ctx.label, ctx.now, |job| count_records(s3, job))
        .ok_or_else(|| not_found(ctx.label))?;
    Ok(json_response(&describe(&job)))
}

pub(crate) fn stop(ctx: &Ctx<'_>) -> Result<Response<ResponseBody>, ApiError> {
    match ctx.stores.jobs.stop(ctx.label, ctx.now) {
        None => Err(not_found(ctx.label)),
        Some(Err(status)) => Err(ApiError::validation(format!(
            "The model invocation job {} is {} and can't be stopped.",
            ctx.label,
            status.as_str()
        ))),
        Some(Ok(())) => Ok(json_response(&json!({}))),
    }
}

pub(crate) fn list(ctx: &Ctx<'_>) -> Result<Response<ResponseBody>, ApiError> {
    let pairs = query::pairs(ctx.query);
    let status = match query::get(&pairs, "statusEquals") {
        None => None,
        Some(raw) => Some(JobStatus::parse(raw).ok_or_else(|| {
            ApiError::constraint(
                raw,
                "statusEquals",
                "Member must satisfy enum value set: [Submitted, InProgress, Completed, Failed, Stopping, Stopped, PartiallyCompleted, Expired, Validating, Scheduled]",
            )
        })?),
    };
    let descending = query::sort_descending(&pairs, "CreationTime")?;
    let name_contains = query::get(&pairs, "nameContains");
    let after = query::time_filter(&pairs, "submitTimeAfter")?;
    let before = query::time_filter(&pairs, "submitTimeBefore")?;
    let mut matching: Vec<Job> = ctx
        .stores
        .jobs
        .snapshot()
        .into_iter()
        .filter(|j| status.is_none_or(|s| j.status == s))
        .filter(|j| name_contains.is_none_or(|n| j.job_name.contains(n)))
        .filter(|j| after.is_none_or(|t| j.submit_time > t))
        .filter(|j| before.is_none_or(|t| j.submit_time < t))
        .collect();
    if descending {
        matching.reverse();
    }
    let (page, next) = query::paginate(
        matching,
        query::get(&pairs, "maxResults"),
        query::get(&pairs, "nextToken"),
    )?;
    let mut out = json!({"invocationJobSummaries": page.iter().map(describe).collect::<Vec<_>>()});
    if let Some(next) = next {
        out["nextToken"] = next.into();
    }
    Ok(json_response(&out))
}
