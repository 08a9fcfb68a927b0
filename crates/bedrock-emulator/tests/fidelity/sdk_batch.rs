//! Batch inference through the official control-plane SDK (`aws-sdk-bedrock`): create, get
//! (status progression), list (filters, pagination), stop, and the error cases.

use aws_sdk_bedrock::error::ProvideErrorMetadata;
use aws_sdk_bedrock::types::{
    ModelInvocationJobInputDataConfig, ModelInvocationJobOutputDataConfig,
    ModelInvocationJobS3InputDataConfig, ModelInvocationJobS3OutputDataConfig,
    ModelInvocationJobStatus, S3InputFormat, SortOrder,
};
use aws_sdk_bedrock::Client;

use crate::common::{control_client, emulator};

const ROLE: &str = "arn:aws:iam::123456789012:role/BedrockBatch";
const HAIKU: &str = "anthropic.claude-3-haiku-20240307-v1:0";

fn input(uri: &str) -> ModelInvocationJobInputDataConfig {
    ModelInvocationJobInputDataConfig::S3InputDataConfig(
        ModelInvocationJobS3InputDataConfig::builder()
            .s3_uri(uri)
            .s3_input_format(S3InputFormat::Jsonl)
            .build()
            .unwrap(),
    )
}

fn output(uri: &str) -> ModelInvocationJobOutputDataConfig {
    ModelInvocationJobOutputDataConfig::S3OutputDataConfig(
        ModelInvocationJobS3OutputDataConfig::builder()
            .s3_uri(uri)
            .build()
            .unwrap(),
    )
}

async fn create(
    client: &Client,
    name: &str,
    token: Option<&str>,
) -> Result<String, (String, String)> {
    client
        .create_model_invocation_job()
        .job_name(name)
        .role_arn(ROLE)
        .model_id(HAIKU)
        .input_data_config(input("s3://batch-in/records.jsonl"))
        .output_data_config(output("s3://batch-out/results/"))
        .set_client_request_token(token.map(str::to_owned))
        .send()
        .await
        .map(|o| o.job_arn().to_owned())
        .map_err(|e| {
            let e = e.into_service_error();
            (
                e.code().unwrap_or_default().to_owned(),
                e.message().unwrap_or_default().to_owned(),
            )
        })
}

async fn status(client: &Client, id: &str) -> ModelInvocationJobStatus {
    let job = client
        .get_model_invocation_job()
        .job_identifier(id)
        .send()
        .await
        .unwrap();
    job.status().unwrap().clone()
}

#[tokio::test]
async fn a_job_progresses_one_step_per_get_and_counts_its_records() {
    let emu = emulator().await;
    assert!(emu.put_s3_object(
        "s3://batch-in/records.jsonl",
        "{\"recordId\":\"1\"}\n{\"recordId\":\"2\"}\n\n"
    ));
    let client = control_client(&emu, "eu-central-1");
    let arn = create(&client, "nightly-batch-1", Some("tok-1"))
        .await
        .unwrap();
    assert!(arn.starts_with("arn:aws:bedrock:eu-central-1:123456789012:model-invocation-job/"));
    let id = arn.rsplit('/').next().unwrap().to_owned();
    assert_eq!(id.len(), 12);
    assert_eq!(
        create(&client, "nightly-batch-1", Some("tok-1"))
            .await
            .unwrap(),
        arn
    );

    let mut seen = Vec::new();
    for _ in 0..4 {
        seen.push(status(&client, &id).await);
    }
    assert_eq!(
        seen,
        [
            ModelInvocationJobStatus::Submitted,
            ModelInvocationJobStatus::Validating,
            ModelInvocationJobStatus::Scheduled,
            ModelInvocationJobStatus::InProgress
        ]
    );
    let running = client.list_model_invocation_jobs().send().await.unwrap();
    assert_eq!(
        running.invocation_job_summaries()[0].total_record_count(),
        Some(0)
    );

    let done = client
        .get_model_invocation_job()
        .job_identifier(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), Some(&ModelInvocationJobStatus::Completed));
    assert_eq!(done.job_name(), Some("nightly-batch-1"));
    assert_eq!(done.model_id(), HAIKU);
    assert_eq!(done.role_arn(), ROLE);
    assert_eq!(done.client_request_token(), Some("tok-1"));
    assert_eq!(done.total_record_count(), Some(2));
    assert_eq!(done.success_record_count(), Some(2));
    assert_eq!(done.error_record_count(), Some(0));
    assert!(done.end_time().is_some());
    assert!(done.job_expiration_time().is_some());
    assert_eq!(done.timeout_duration_in_hours(), Some(168));
    let Some(ModelInvocationJobOutputDataConfig::S3OutputDataConfig(out)) =
        done.output_data_config()
    else {
        panic!("s3 output expected");
    };
    assert_eq!(out.s3_uri(), "s3://batch-out/results/");

    let error = client
        .stop_model_invocation_job()
        .job_identifier(&id)
        .send()
        .await
        .unwrap_err();
    assert!(error.into_service_error().is_validation_exception());
}

#[tokio::test]
async fn failing_and_stopped_jobs() {
    let emu = emulator().await;
    let client = control_client(&emu, "us-east-1");
    let arn = create(&client, "will-fail", None).await.unwrap();
    for _ in 0..4 {
        status(&client, &arn).await;
    }
    let failed = client
        .get_model_invocation_job()
        .job_identifier(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(failed.status(), Some(&ModelInvocationJobStatus::Failed));
    assert!(failed.message().unwrap().contains("fail"));

    let arn = create(&client, "to-stop", None).await.unwrap();
    client
        .stop_model_invocation_job()
        .job_identifier(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(
        status(&client, &arn).await,
        ModelInvocationJobStatus::Stopping
    );
    assert_eq!(
        status(&client, &arn).await,
        ModelInvocationJobStatus::Stopped
    );

    let missing = client
        .get_model_invocation_job()
        .job_identifier("abcdefghijkl")
        .send()
        .await
        .unwrap_err();
    assert!(missing
        .into_service_error()
        .is_resource_not_found_exception());
}

#[tokio::test]
async fn invalid_requests_and_conflicts() {
    let emu = emulator().await;
    let client = control_client(&emu, "us-east-1");
    let (code, message) = create(&client, "bad_name", None).await.unwrap_err();
    assert_eq!(code, "ValidationException");
    assert!(message.contains("jobName"), "{message}");
    create(&client, "good", Some("same-token")).await.unwrap();
    let (code, _) = create(&client, "other", Some("same-token"))
        .await
        .unwrap_err();
    assert_eq!(code, "ConflictException");
    let error = client
        .create_model_invocation_job()
        .job_name("x")
        .role_arn("not-a-role")
        .model_id(HAIKU)
        .input_data_config(input("s3://batch-in/x.jsonl"))
        .output_data_config(output("s3://batch-out/"))
        .send()
        .await
        .unwrap_err();
    assert!(error.into_service_error().is_validation_exception());
}

#[tokio::test]
async fn list_filters_sorts_and_pages() {
    let emu = emulator().await;
    let client = control_client(&emu, "us-east-1");
    let mut arns = Vec::new();
    for name in ["alpha-1", "beta-1", "alpha-2"] {
        arns.push(create(&client, name, None).await.unwrap());
    }
    client
        .stop_model_invocation_job()
        .job_identifier(&arns[1])
        .send()
        .await
        .unwrap();

    let alphas = client
        .list_model_invocation_jobs()
        .name_contains("alpha")
        .sort_order(SortOrder::Ascending)
        .send()
        .await
        .unwrap();
    let names: Vec<&str> = alphas
        .invocation_job_summaries()
        .iter()
        .map(|j| j.job_name())
        .collect();
    assert_eq!(names, ["alpha-1", "alpha-2"]);

    let stopping = client
        .list_model_invocation_jobs()
        .status_equals(ModelInvocationJobStatus::Stopping)
        .send()
        .await
        .unwrap();
    assert_eq!(stopping.invocation_job_summaries().len(), 1);
    assert_eq!(stopping.invocation_job_summaries()[0].job_arn(), arns[1]);

    let first = client
        .list_model_invocation_jobs()
        .max_results(2)
        .send()
        .await
        .unwrap();
    let newest: Vec<&str> = first
        .invocation_job_summaries()
        .iter()
        .map(|j| j.job_name())
        .collect();
    assert_eq!(newest, ["alpha-2", "beta-1"]);
    let rest = client
        .list_model_invocation_jobs()
        .max_results(2)
        .next_token(first.next_token().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(rest.invocation_job_summaries()[0].job_name(), "alpha-1");
    assert!(rest.next_token().is_none());
}
