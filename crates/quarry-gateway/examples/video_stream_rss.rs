//! Benchmark helper (not a test): how much resident memory the gateway adds while streaming a
//! 100 MB video from S3 to a client. Emulator and gateway run in this process; the object is
//! put into the emulator's S3 first, so the figure reported is the growth during the download.
//!
//! `cargo run --release -p quarry-gateway --example video_stream_rss`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;

const SIZE: usize = 100 * 1024 * 1024;

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_owned))
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[tokio::main]
async fn main() {
    let emulator = bedrock_emulator::Emulator::start(bedrock_emulator::EmulatorConfig {
        record_requests: false,
        ..Default::default()
    })
    .await
    .unwrap();
    let yaml = format!(
        r#"_format_version: "3.0"
routes:
  - name: videos
    paths: ["/v1/videos"]
    plugins:
      - name: ai-proxy
        config:
          route_type: video/v1/videos/generations
          auth: {{aws_access_key_id: {id}, aws_secret_access_key: {secret}}}
          model:
            provider: bedrock
            options:
              upstream_url: "{url}"
              bedrock: {{aws_region: us-east-1, video_output_s3_uri: "s3://bench-videos/out"}}
"#,
        id = bedrock_emulator::ACCESS_KEY_ID,
        secret = bedrock_emulator::SECRET_ACCESS_KEY,
        url = emulator.url()
    );
    let config = quarry_config::parse(&yaml, &|_| None).unwrap();
    let s3 = emulator.url();
    let options = quarry_gateway::Options {
        env: Arc::new(move |k| (k == "AWS_ENDPOINT_URL_S3").then(|| s3.clone())),
        endpoint_override: None,
        fallback_credentials: None,
        stats: Arc::new(quarry_gateway::MemorySink::default()),
    };
    let listen = quarry_gateway::Listen {
        proxy: "127.0.0.1:0".parse().unwrap(),
        status: None,
        drain_timeout: Duration::from_secs(5),
    };
    let gateway = quarry_gateway::Gateway::start(config, options, listen)
        .await
        .unwrap();
    let base = format!("http://{}/v1/videos", gateway.addr());
    let client = reqwest::Client::new();
    let created: serde_json::Value = client
        .post(&base)
        .body(r#"{"model":"amazon.nova-reel-v1:1","prompt":"a red square","seconds":"6","size":"1280x720"}"#)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    for _ in 0..10 {
        let v: serde_json::Value = client
            .get(format!("{base}/{id}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if v["status"] == "completed" {
            break;
        }
    }
    let arn = quarry_bedrock::video::decode_video_id(&id).unwrap();
    let invocation = arn.rsplit('/').next().unwrap();
    let uri = format!("s3://bench-videos/out/{invocation}/output.mp4");
    assert!(emulator.put_s3_object(&uri, vec![7u8; SIZE]));

    let baseline = rss_kib();
    let peak = Arc::new(AtomicU64::new(baseline));
    let sampler_peak = Arc::clone(&peak);
    let sampler = tokio::spawn(async move {
        loop {
            sampler_peak.fetch_max(rss_kib(), Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    });
    let started = std::time::Instant::now();
    let response = client
        .get(format!("{base}/{id}/content"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut body = response.bytes_stream();
    let mut received = 0usize;
    while let Some(chunk) = body.next().await {
        received += chunk.unwrap().len();
    }
    let elapsed = started.elapsed();
    sampler.abort();
    assert_eq!(received, SIZE);
    let growth_mib = (peak.load(Ordering::Relaxed).saturating_sub(baseline)) as f64 / 1024.0;
    println!(
        "streamed {} MiB in {:.2?} ({:.0} MiB/s); resident growth during the download: {:.1} MiB \
         (process includes the emulator holding the object: baseline {:.1} MiB)",
        SIZE / 1024 / 1024,
        elapsed,
        (SIZE as f64 / 1024.0 / 1024.0) / elapsed.as_secs_f64(),
        growth_mib,
        baseline as f64 / 1024.0
    );
    gateway.shutdown().await;
}
