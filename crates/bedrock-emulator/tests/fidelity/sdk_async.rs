//! StartAsyncInvoke, GetAsyncInvoke and ListAsyncInvokes through the official SDK, for Nova
//! Reel and Luma Ray 2: ARNs, idempotency, the status progression and the stored video.

use aws_sdk_bedrockruntime::error::ProvideErrorMetadata;
use aws_sdk_bedrockruntime::types::{
    AsyncInvokeOutputDataConfig, AsyncInvokeS3OutputDataConfig, AsyncInvokeStatus, SortOrder,
};
use aws_sdk_bedrockruntime::Client;
use serde_json::{json, Value};

use crate::common::{client, doc, emulator};

fn output(uri: &str) -> AsyncInvokeOutputDataConfig {
    AsyncInvokeOutputDataConfig::S3OutputDataConfig(
        AsyncInvokeS3OutputDataConfig::builder()
            .s3_uri(uri)
            .build()
            .unwrap(),
    )
}

fn reel(text: &str) -> Value {
    json!({"taskType": "TEXT_VIDEO", "textToVideoParams": {"text": text},
           "videoGenerationConfig": {"durationSeconds": 6, "fps": 24, "dimension": "1280x720", "seed": 1}})
}

async fn start(
    client: &Client,
    model: &str,
    input: Value,
    token: &str,
) -> Result<String, (String, String)> {
    client
        .start_async_invoke()
        .model_id(model)
        .model_input(doc(input))
        .output_data_config(output("s3://videos-bucket/out"))
        .client_request_token(token)
        .send()
        .await
        .map(|o| o.invocation_arn().to_owned())
        .map_err(|e| {
            let e = e.into_service_error();
            (
                e.code().unwrap_or_default().to_owned(),
                e.message().unwrap_or_default().to_owned(),
            )
        })
}

#[tokio::test]
async fn nova_reel_runs_to_completion_and_writes_the_video() {
    let emu = emulator().await;
    let client = client(&emu);
    let arn = start(
        &client,
        "amazon.nova-reel-v1:1",
        reel("a calm sea"),
        "token-1",
    )
    .await
    .unwrap();
    let id = arn.rsplit('/').next().unwrap();
    assert!(arn.starts_with("arn:aws:bedrock:us-east-1:123456789012:async-invoke/"));
    assert_eq!(id.len(), 12);
    assert!(id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));

    let again = start(
        &client,
        "amazon.nova-reel-v1:1",
        reel("a calm sea"),
        "token-1",
    )
    .await
    .unwrap();
    assert_eq!(again, arn, "same token, same body: same ARN");
    let (code, _) = start(&client, "amazon.nova-reel-v1:1", reel("other"), "token-1")
        .await
        .unwrap_err();
    assert_eq!(code, "ConflictException");

    let first = client
        .get_async_invoke()
        .invocation_arn(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), &AsyncInvokeStatus::InProgress);
    assert_eq!(
        first.model_arn(),
        "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-reel-v1:1"
    );
    assert_eq!(first.client_request_token(), Some("token-1"));
    assert!(first.end_time().is_none());
    let video_uri = format!("s3://videos-bucket/out/{id}/output.mp4");
    assert!(emu.s3_object(&video_uri).is_none());

    let second = client
        .get_async_invoke()
        .invocation_arn(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), &AsyncInvokeStatus::Completed);
    assert!(second.end_time().is_some());
    let Some(AsyncInvokeOutputDataConfig::S3OutputDataConfig(s3)) = second.output_data_config()
    else {
        panic!("s3 output expected");
    };
    assert_eq!(s3.s3_uri(), "s3://videos-bucket/out");
    let video = emu.s3_object(&video_uri).unwrap();
    assert_eq!(&video[4..8], b"ftyp");
    assert!(video.ends_with(b"a calm sea"));
}

#[tokio::test]
async fn luma_failures_and_validation() {
    let emu = emulator().await;
    let client = client(&emu);
    let luma = json!({"prompt": "please fail now", "aspect_ratio": "16:9", "duration": "5s", "resolution": "720p"});
    let arn = start(&client, "luma.ray-v2:0", luma, "t-luma")
        .await
        .unwrap();
    client
        .get_async_invoke()
        .invocation_arn(&arn)
        .send()
        .await
        .unwrap();
    let failed = client
        .get_async_invoke()
        .invocation_arn(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(failed.status(), &AsyncInvokeStatus::Failed);
    assert!(failed.failure_message().unwrap().contains("fail"));

    for (model, input) in [
        ("luma.ray-v2:0", json!({"prompt": "x", "duration": "7s"})),
        (
            "amazon.nova-reel-v1:0",
            json!({"taskType": "TEXT_VIDEO", "textToVideoParams": {"text": "x"},
            "videoGenerationConfig": {"durationSeconds": 12, "fps": 24, "dimension": "1280x720"}}),
        ),
        ("amazon.nova-lite-v1:0", json!({})),
    ] {
        let (code, _) = start(&client, model, input, "t-bad").await.unwrap_err();
        assert_eq!(code, "ValidationException", "{model}");
    }
    let unknown = client
        .get_async_invoke()
        .invocation_arn("arn:aws:bedrock:us-east-1:123456789012:async-invoke/zzzzzzzzzzzz")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        unknown.into_service_error().code(),
        Some("ValidationException")
    );
}

#[tokio::test]
async fn list_filters_sorts_and_pages() {
    let emu = emulator().await;
    let client = client(&emu);
    let mut arns = Vec::new();
    for (i, text) in ["one", "two", "three"].iter().enumerate() {
        arns.push(
            start(
                &client,
                "amazon.nova-reel-v1:0",
                reel(text),
                &format!("list-{i}"),
            )
            .await
            .unwrap(),
        );
    }
    for _ in 0..2 {
        client
            .get_async_invoke()
            .invocation_arn(&arns[1])
            .send()
            .await
            .unwrap();
    }

    let newest_first = client.list_async_invokes().send().await.unwrap();
    let listed: Vec<&str> = newest_first
        .async_invoke_summaries()
        .iter()
        .map(|s| s.invocation_arn())
        .collect();
    assert_eq!(
        listed,
        [arns[2].as_str(), arns[1].as_str(), arns[0].as_str()]
    );

    let completed = client
        .list_async_invokes()
        .status_equals(AsyncInvokeStatus::Completed)
        .send()
        .await
        .unwrap();
    assert_eq!(completed.async_invoke_summaries().len(), 1);
    assert_eq!(
        completed.async_invoke_summaries()[0].invocation_arn(),
        arns[1]
    );

    let page = client
        .list_async_invokes()
        .sort_order(SortOrder::Ascending)
        .max_results(2)
        .send()
        .await
        .unwrap();
    assert_eq!(page.async_invoke_summaries()[0].invocation_arn(), arns[0]);
    let token = page.next_token().unwrap().to_owned();
    let rest = client
        .list_async_invokes()
        .sort_order(SortOrder::Ascending)
        .max_results(2)
        .next_token(token)
        .send()
        .await
        .unwrap();
    assert_eq!(rest.async_invoke_summaries().len(), 1);
    assert_eq!(rest.async_invoke_summaries()[0].invocation_arn(), arns[2]);
    assert!(rest.next_token().is_none());
}
