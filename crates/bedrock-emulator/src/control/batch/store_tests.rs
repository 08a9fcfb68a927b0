#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use super::*;
use serde_json::json;

fn new_job(name: &str, token: Option<&str>, fails: bool) -> NewJob {
    NewJob {
        request: json!({"jobName": name}),
        region: "us-west-2".into(),
        job: Job {
            id: String::new(),
            arn: String::new(),
            job_name: name.into(),
            model_id: "anthropic.claude-3-haiku-20240307-v1:0".into(),
            client_request_token: token.map(str::to_owned),
            role_arn: "arn:aws:iam::123456789012:role/r".into(),
            status: JobStatus::Submitted,
            message: None,
            submit_time: SystemTime::UNIX_EPOCH,
            last_modified_time: SystemTime::UNIX_EPOCH,
            end_time: None,
            input_data_config: json!({}),
            output_data_config: json!({}),
            vpc_config: None,
            timeout_hours: 168,
            model_invocation_type: "InvokeModel".into(),
            counts: RecordCounts::default(),
            fails,
            reads: 0,
            stop_reads: 0,
        },
    }
}

fn counts(_: &Job) -> RecordCounts {
    RecordCounts {
        total: 3,
        processed: 3,
        success: 3,
        error: 0,
    }
}

#[test]
fn the_documented_ids() {
    assert_eq!(job_id(1), "2jjam91dn1gb");
    assert_eq!(job_id(2), "6km3e0u6lfkm");
}

#[test]
fn each_read_advances_one_step() {
    let jobs = Jobs::default();
    let arn = jobs.create(new_job("a", None, false)).unwrap();
    assert_eq!(
        arn,
        format!(
            "arn:aws:bedrock:us-west-2:123456789012:model-invocation-job/{}",
            job_id(1)
        )
    );
    let now = SystemTime::UNIX_EPOCH;
    let seen: Vec<JobStatus> = (0..6)
        .map(|_| jobs.read(&job_id(1), now, counts).unwrap().status)
        .collect();
    assert_eq!(
        seen,
        [
            JobStatus::Submitted,
            JobStatus::Validating,
            JobStatus::Scheduled,
            JobStatus::InProgress,
            JobStatus::Completed,
            JobStatus::Completed
        ]
    );
    let done = jobs.read(&arn, now, counts).unwrap();
    assert_eq!(done.counts.total, 3);
    assert!(done.end_time.is_some());
    assert!(jobs.read("nope", now, counts).is_none());
}

#[test]
fn failing_jobs_and_stops() {
    let jobs = Jobs::default();
    jobs.create(new_job("fail", None, true)).unwrap();
    jobs.create(new_job("b", None, false)).unwrap();
    let now = SystemTime::UNIX_EPOCH;
    let last = (0..5)
        .map(|_| jobs.read(&job_id(1), now, counts).unwrap())
        .last()
        .unwrap();
    assert_eq!(last.status, JobStatus::Failed);
    assert_eq!(last.message.as_deref(), Some(FAILURE_MESSAGE));
    assert_eq!(last.counts, RecordCounts::default());
    assert_eq!(jobs.stop(&job_id(1), now), Some(Err(JobStatus::Failed)));

    assert_eq!(jobs.stop(&job_id(2), now), Some(Ok(())));
    assert_eq!(jobs.stop(&job_id(2), now), Some(Ok(())));
    assert_eq!(
        jobs.read(&job_id(2), now, counts).unwrap().status,
        JobStatus::Stopping
    );
    assert_eq!(
        jobs.read(&job_id(2), now, counts).unwrap().status,
        JobStatus::Stopped
    );
    assert_eq!(jobs.stop(&job_id(2), now), Some(Err(JobStatus::Stopped)));
    assert_eq!(jobs.stop("missing", now), None);
}

#[test]
fn tokens_are_idempotent() {
    let jobs = Jobs::default();
    let first = jobs.create(new_job("a", Some("tok"), false)).unwrap();
    assert_eq!(
        jobs.create(new_job("a", Some("tok"), false)).unwrap(),
        first
    );
    let conflict = jobs.create(new_job("b", Some("tok"), false)).unwrap_err();
    assert_eq!(conflict.code, ErrorCode::ConflictException);
    assert_eq!(jobs.snapshot().len(), 1);
}
