#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! OpenAI's videos API end to end: Quarry → emulator StartAsyncInvoke / GetAsyncInvoke /
//! ListAsyncInvokes, and the download through the emulator's S3 front.

mod common;

use bedrock_emulator::EmulatorConfig;
use common::Harness;
use serde_json::{json, Value};

const OUT: &str = "s3://videos/out/";

fn video_config() -> String {
    format!(
        r#"
_format_version: "3.0"
services:
  - name: bedrock
    url: http://bedrock.invalid
    read_timeout: 5000
    routes:
      - name: videos
        paths: ["/v1/videos"]
        plugins:
          - name: ai-proxy
            config:
              route_type: video/v1/videos/generations
              auth:
                aws_access_key_id: {akid}
                aws_secret_access_key: {secret}
              model:
                provider: bedrock
                options:
                  upstream_url: "{{UPSTREAM}}"
                  bedrock:
                    aws_region: us-east-1
                    video_output_s3_uri: "{OUT}"
              logging:
                log_statistics: true
"#,
        akid = bedrock_emulator::ACCESS_KEY_ID,
        secret = bedrock_emulator::SECRET_ACCESS_KEY,
    )
}

async fn harness() -> Harness {
    Harness::start_full(
        &video_config(),
        EmulatorConfig::default(),
        &[("AWS_ENDPOINT_URL_S3", "{UPSTREAM}")],
    )
    .await
}

async fn get(h: &Harness, path: &str) -> (u16, reqwest::header::HeaderMap, bytes::Bytes) {
    let response = reqwest::Client::new()
        .get(format!("{}{path}", h.base_url()))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.bytes().await.unwrap())
}

async fn get_json(h: &Harness, path: &str) -> (u16, Value) {
    let (status, _, body) = get(h, path).await;
    (status, serde_json::from_slice(&body).unwrap())
}

async fn create(h: &Harness, body: Value) -> (u16, Value) {
    let (status, _, text) = h.post("/v1/videos", &body.to_string()).await;
    (status, serde_json::from_str(&text).unwrap())
}

/// Polls until the job leaves `in_progress` (the emulator finishes on the second look).
async fn poll(h: &Harness, id: &str) -> Value {
    let mut seen = Vec::new();
    for _ in 0..5 {
        let (status, video) = get_json(h, &format!("/v1/videos/{id}")).await;
        assert_eq!(status, 200, "{video}");
        let state = video["status"].as_str().unwrap().to_owned();
        seen.push(state.clone());
        if state != "in_progress" {
            assert_eq!(seen[0], "in_progress");
            return video;
        }
    }
    panic!("the job never finished: {seen:?}");
}

#[tokio::test]
async fn nova_reel_create_poll_and_download() {
    let h = harness().await;
    let (status, video) = create(
        &h,
        json!({"model": "amazon.nova-reel-v1:1", "prompt": "a cat surfing", "seconds": "6",
               "size": "1280x720", "extra_body": {"fps": 24, "seed": 42}}),
    )
    .await;
    assert_eq!(status, 200, "{video}");
    assert_eq!(video["object"], "video");
    assert_eq!(video["status"], "queued");
    assert_eq!(video["model"], "amazon.nova-reel-v1:1");
    assert_eq!(
        (video["seconds"].as_str(), video["size"].as_str()),
        (Some("6"), Some("1280x720"))
    );
    let id = video["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("video_"));

    let sent = h
        .upstream()
        .into_iter()
        .find(|r| r.operation == "StartAsyncInvoke")
        .unwrap();
    let sent: Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(sent["modelInput"]["taskType"], "TEXT_VIDEO");
    assert_eq!(sent["modelInput"]["videoGenerationConfig"]["seed"], 42);
    assert_eq!(sent["outputDataConfig"]["s3OutputDataConfig"]["s3Uri"], OUT);
    assert!(sent["clientRequestToken"]
        .as_str()
        .unwrap()
        .starts_with("quarry-"));

    let done = poll(&h, &id).await;
    assert_eq!(done["status"], "completed");
    assert_eq!(done["id"], id);
    assert_eq!(done["model"], "amazon.nova-reel-v1:1");

    let (status, headers, bytes) = get(&h, &format!("/v1/videos/{id}/content")).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "video/mp4");
    let uri = h
        .emulator
        .s3_objects(OUT)
        .into_iter()
        .find(|u| u.ends_with("/output.mp4"))
        .unwrap();
    assert_eq!(bytes, h.emulator.s3_object(&uri).unwrap());
    assert_eq!(&bytes[4..8], b"ftyp");

    // The same request again is the same job (idempotency token derived from the request).
    let (_, again) = create(
        &h,
        json!({"model": "amazon.nova-reel-v1:1", "prompt": "a cat surfing", "seconds": "6",
               "size": "1280x720", "extra_body": {"fps": 24, "seed": 42}}),
    )
    .await;
    assert_eq!(again["id"], id);

    let stats = h.stats_lines(1).await;
    assert_eq!(stats[0]["route"], "videos");
    assert_eq!(stats[0]["status"], 200);
}

#[tokio::test]
async fn luma_jobs_failures_and_listing() {
    let h = harness().await;
    let (status, luma) = create(
        &h,
        json!({"model": "luma.ray-v2:0", "prompt": "ocean waves", "seconds": 9, "size": "720x1280"}),
    )
    .await;
    assert_eq!(status, 200, "{luma}");
    assert_eq!(luma["seconds"], "9");
    let sent = h.last_upstream_json();
    assert_eq!(sent["modelInput"]["aspect_ratio"], "9:16");
    assert_eq!(sent["modelInput"]["duration"], "9s");
    assert_eq!(sent["modelInput"]["resolution"], "720p");

    let (status, failing) = create(
        &h,
        json!({"model": "luma.ray-v2:0", "prompt": "please fail now", "seconds": "5"}),
    )
    .await;
    assert_eq!(status, 200, "{failing}");
    let failed = poll(&h, failing["id"].as_str().unwrap()).await;
    assert_eq!(failed["status"], "failed");
    assert_eq!(
        failed["error"]["message"],
        "The video could not be generated: the prompt asked the emulator to fail."
    );
    let (status, _, _) = get(
        &h,
        &format!("/v1/videos/{}/content", failing["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(status, 404);

    let (status, list) = get_json(&h, "/v1/videos").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["object"], "list");
    let ids: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&luma["id"].as_str().unwrap()));
    assert_eq!(list["has_more"], false);

    let (status, page) = get_json(&h, "/v1/videos?limit=1").await;
    assert_eq!(status, 200);
    assert_eq!(page["data"].as_array().unwrap().len(), 1);
    assert_eq!(page["has_more"], true);
    let cursor = page["last_id"].as_str().unwrap();
    let (status, next) = get_json(&h, &format!("/v1/videos?limit=1&after={cursor}")).await;
    assert_eq!(status, 200, "{next}");
    assert_eq!(next["data"].as_array().unwrap().len(), 1);
    assert_ne!(next["data"][0]["id"], page["data"][0]["id"]);
    let first = page["data"][0]["id"].as_str().unwrap();
    let (status, body) = get_json(&h, &format!("/v1/videos?after={first}")).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["param"], "after");
}

#[tokio::test]
async fn bad_parameters_and_unknown_ids() {
    let h = harness().await;
    let (status, body) = create(
        &h,
        json!({"model": "amazon.nova-reel-v1:1", "prompt": "p", "seconds": "7"}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["param"], "seconds");
    let (status, body) = create(
        &h,
        json!({"model": "luma.ray-v2:0", "prompt": "p", "seconds": 6}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["param"], "seconds");
    let (status, body) = create(
        &h,
        json!({"model": "amazon.nova-reel-v1:1", "prompt": "p", "size": "720x1280"}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["param"], "size");
    assert!(
        h.upstream().is_empty(),
        "refused requests never reach Bedrock"
    );

    use base64::Engine;
    let crafted = format!(
        "video_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode("arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abc")
    );
    for id in [crafted.as_str(), "video_not-base64!", "hello"] {
        let (status, body) = get_json(&h, &format!("/v1/videos/{id}")).await;
        assert_eq!(status, 404, "{id}: {body}");
        let (status, _, _) = get(&h, &format!("/v1/videos/{id}/content")).await;
        assert_eq!(status, 404, "{id}");
    }
    assert!(h.upstream().is_empty(), "crafted IDs never reach Bedrock");
}

#[test]
fn a_video_route_without_an_output_location_is_a_config_error() {
    let yaml = video_config().replace(
        &format!("                    video_output_s3_uri: \"{OUT}\"\n"),
        "",
    );
    let errors = quarry_config::parse(&yaml, &|_| None).unwrap_err();
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(
        text.iter()
            .any(|e| e.contains("config.model.options.bedrock.video_output_s3_uri")),
        "{text:?}"
    );
}

#[tokio::test]
async fn nova_reel_manual_shots_reach_bedrock_as_multi_shot_manual() {
    let h = harness().await;
    let (status, video) = create(
        &h,
        json!({"model": "amazon.nova-reel-v1:1", "prompt": "a story",
               "extra_body": {"shots": [{"text": "a red square"}, {"text": "a blue circle"}]}}),
    )
    .await;
    assert_eq!(status, 200, "{video}");
    assert_eq!(video["seconds"], "12");
    let sent = h.last_upstream_json();
    assert_eq!(sent["modelInput"]["taskType"], "MULTI_SHOT_MANUAL");
    assert_eq!(
        sent["modelInput"]["multiShotManualParams"]["shots"][1]["text"],
        "a blue circle"
    );
}
