//! CreateModelInvocationJob's request checks, with the control plane's constraint messages.

use serde_json::Value;

use crate::error::ApiError;
use crate::model_id;
use crate::s3store;

pub(crate) const JOB_NAME_PATTERN: &str = "[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9\\+\\-\\.]){0,63}";
const ROLE_PATTERN: &str = "arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+";
const TOKEN_PATTERN: &str = "[a-zA-Z0-9]{1,256}(-*[a-zA-Z0-9]){0,256}";
const S3_PATTERN: &str =
    "s3://[a-z0-9][-.a-z0-9]{1,61}[a-z0-9](?:/[-!_*'().a-z0-9A-Z]+(?:/[-!_*'().a-z0-9A-Z]+)*)?/?";

fn not_null(at: &str) -> ApiError {
    ApiError::validation(format!(
        "1 validation error detected: Value null at '{at}' failed to satisfy constraint: Member must not be null"
    ))
}

fn pattern(value: &str, at: &str, pattern: &str) -> ApiError {
    ApiError::constraint(
        value,
        at,
        &format!("Member must satisfy regular expression pattern: {pattern}"),
    )
}

/// A required string member at the JSON pointer `pointer` (reported as `at`).
pub(crate) fn string<'v>(body: &'v Value, pointer: &str, at: &str) -> Result<&'v str, ApiError> {
    body.pointer(pointer)
        .and_then(Value::as_str)
        .ok_or_else(|| not_null(at))
}

pub(crate) fn job_name(name: &str) -> Result<(), ApiError> {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if name.len() > 63 || !first_ok || !rest_ok {
        return Err(pattern(name, "jobName", JOB_NAME_PATTERN));
    }
    Ok(())
}

pub(crate) fn role_arn(arn: &str) -> Result<(), ApiError> {
    let ok = (|| {
        let rest = arn.strip_prefix("arn:")?;
        let (partition, rest) = rest.split_once(':')?;
        if partition != "aws" && !partition.starts_with("aws-") {
            return None;
        }
        let rest = rest.strip_prefix("iam::")?;
        let (account, role) = rest.split_once(':')?;
        let account_ok = account.is_empty()
            || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()));
        let role_ok = role.strip_prefix("role/").is_some_and(|r| !r.is_empty());
        (account_ok && role_ok).then_some(())
    })()
    .is_some();
    if ok && arn.len() <= 2048 {
        Ok(())
    } else {
        Err(pattern(arn, "roleArn", ROLE_PATTERN))
    }
}

pub(crate) fn client_request_token(token: &str) -> Result<(), ApiError> {
    let ok = !token.is_empty()
        && token.len() <= 256
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && token.as_bytes()[0].is_ascii_alphanumeric()
        && !token.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(pattern(token, "clientRequestToken", TOKEN_PATTERN))
    }
}

pub(crate) fn model(model_id: &str) -> Result<(), ApiError> {
    if model_id::is_valid(model_id) {
        Ok(())
    } else {
        Err(ApiError::validation(
            "The provided model identifier is invalid.",
        ))
    }
}

/// A batch job's `s3://bucket[/key...]` URI (Bedrock's `S3Uri` pattern for jobs).
pub(crate) fn s3_uri(uri: &str, at: &str) -> Result<(), ApiError> {
    let ok = s3store::parse_uri(uri).is_some_and(|(bucket, key)| {
        let b = bucket.as_bytes();
        (3..=63).contains(&b.len())
            && b.iter()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'-' | b'.'))
            && b[0].is_ascii_alphanumeric()
            && b[b.len() - 1].is_ascii_alphanumeric()
            && !key.contains("//")
            && key.bytes().all(|c| {
                c.is_ascii_alphanumeric()
                    || matches!(
                        c,
                        b'/' | b'-' | b'!' | b'_' | b'*' | b'\'' | b'(' | b')' | b'.'
                    )
            })
    });
    if ok && uri.len() <= 1024 {
        Ok(())
    } else {
        Err(pattern(uri, at, S3_PATTERN))
    }
}

/// The optional members: `s3InputFormat`, `timeoutDurationInHours`, `modelInvocationType`,
/// `vpcConfig`, `tags`.
pub(crate) fn optional_members(body: &Value) -> Result<(), ApiError> {
    if let Some(format) = body.pointer("/inputDataConfig/s3InputDataConfig/s3InputFormat") {
        if format.as_str() != Some("JSONL") {
            return Err(ApiError::constraint(
                format,
                "inputDataConfig.s3InputDataConfig.s3InputFormat",
                "Member must satisfy enum value set: [JSONL]",
            ));
        }
    }
    if let Some(hours) = body.get("timeoutDurationInHours") {
        if !hours.as_i64().is_some_and(|h| (24..=168).contains(&h)) {
            return Err(ApiError::constraint(
                hours,
                "timeoutDurationInHours",
                "Member must have value between 24 and 168",
            ));
        }
    }
    if let Some(kind) = body.get("modelInvocationType") {
        if !matches!(kind.as_str(), Some("InvokeModel" | "Converse")) {
            return Err(ApiError::constraint(
                kind,
                "modelInvocationType",
                "Member must satisfy enum value set: [InvokeModel, Converse]",
            ));
        }
    }
    if let Some(vpc) = body.get("vpcConfig") {
        for (member, max) in [("subnetIds", 16), ("securityGroupIds", 5)] {
            let count = vpc.get(member).and_then(Value::as_array).map(Vec::len);
            if !count.is_some_and(|n| (1..=max).contains(&n)) {
                return Err(ApiError::constraint(
                    vpc.get(member).unwrap_or(&Value::Null),
                    &format!("vpcConfig.{member}"),
                    &format!("Member must have length between 1 and {max}"),
                ));
            }
        }
    }
    if let Some(tags) = body.get("tags").and_then(Value::as_array) {
        if tags.len() > 200 {
            return Err(ApiError::constraint(
                format!("[{} tags]", tags.len()),
                "tags",
                "Member must have length less than or equal to 200",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_names() {
        for ok in ["a", "job-1", "Job.2+x", "x--y"] {
            assert!(job_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "-job", "job_1", "job 1", &"a".repeat(64)] {
            assert!(job_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn role_arns_tokens_and_uris() {
        assert!(role_arn("arn:aws:iam::123456789012:role/BatchRole").is_ok());
        assert!(role_arn("arn:aws-us-gov:iam:::role/x").is_ok());
        assert!(role_arn("arn:aws:iam::123:role/x").is_err());
        assert!(role_arn("arn:aws:s3:::bucket").is_err());
        assert!(client_request_token("3f2a-11ee-b962").is_ok());
        assert!(client_request_token("-x").is_err());
        assert!(client_request_token("a_b").is_err());
        assert!(s3_uri("s3://my-bucket/input/records.jsonl", "x").is_ok());
        assert!(s3_uri("s3://my-bucket/out/", "x").is_ok());
        assert!(s3_uri("s3://My_Bucket/x", "x").is_err());
        assert!(s3_uri("https://my-bucket/x", "x").is_err());
    }
}
