#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Golden bodies per family, their refusals, the job mapping and the ID codec.

use quarry_openai::video::{VideoCreateRequest, VideoStatus};
use serde_json::{json, Value};

use super::*;

const S3: &str = "s3://videos/out";
const ARN: &str = "arn:aws:bedrock:us-east-1:123456789012:async-invoke/hdp5sjj67w4a";

fn req(v: Value) -> VideoCreateRequest {
    serde_json::from_value(v).unwrap()
}

fn body(v: Value, model: &str) -> Value {
    let plan = start_async_invoke_body(&req(v), model, S3, None).unwrap();
    let mut body: Value = serde_json::from_slice(&plan.body).unwrap();
    let token = body["clientRequestToken"].as_str().unwrap().to_owned();
    assert!(token.starts_with("quarry-") && token.len() == 47, "{token}");
    body.as_object_mut().unwrap().remove("clientRequestToken");
    body
}

fn refused(v: Value, model: &str) -> (String, String) {
    let e = start_async_invoke_body(&req(v), model, S3, None).unwrap_err();
    (e.param.unwrap_or_default(), e.message)
}

#[test]
fn nova_reel_text_video_golden() {
    let got = body(
        json!({"model": "amazon.nova-reel-v1:1", "prompt": "a cat", "seconds": "6",
               "size": "1280x720", "extra_body": {"fps": 24, "seed": 7}}),
        "amazon.nova-reel-v1:1",
    );
    assert_eq!(
        got,
        json!({
            "modelId": "amazon.nova-reel-v1:1",
            "modelInput": {
                "taskType": "TEXT_VIDEO",
                "textToVideoParams": {"text": "a cat"},
                "videoGenerationConfig": {"durationSeconds": 6, "fps": 24, "dimension": "1280x720", "seed": 7}
            },
            "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": S3}}
        })
    );
}

#[test]
fn nova_reel_defaults_and_input_image() {
    let got = body(
        json!({"prompt": "p", "input_reference": "data:image/png;base64,iVBORw0KGgo="}),
        "us.amazon.nova-reel-v1:0",
    );
    assert_eq!(
        got["modelInput"]["videoGenerationConfig"]["durationSeconds"],
        6
    );
    assert_eq!(
        got["modelInput"]["textToVideoParams"]["images"],
        json!([{"format": "png", "source": {"bytes": "iVBORw0KGgo="}}])
    );
}

#[test]
fn nova_reel_multi_shot_by_seconds_or_task_type() {
    let got = body(
        json!({"prompt": "story", "seconds": 18}),
        "amazon.nova-reel-v1:1",
    );
    assert_eq!(
        got["modelInput"],
        json!({
            "taskType": "MULTI_SHOT_AUTOMATED",
            "multiShotAutomatedParams": {"text": "story"},
            "videoGenerationConfig": {"durationSeconds": 18, "fps": 24, "dimension": "1280x720"}
        })
    );
    let got = body(
        json!({"prompt": "story", "extra_body": {"task_type": "MULTI_SHOT_AUTOMATED"}}),
        "amazon.nova-reel-v1:1",
    );
    assert_eq!(
        got["modelInput"]["videoGenerationConfig"]["durationSeconds"],
        12
    );
}

#[test]
fn nova_reel_refusals_name_the_parameter() {
    let m = "amazon.nova-reel-v1:1";
    assert_eq!(
        refused(json!({"prompt": "p", "seconds": 7}), m).0,
        "seconds"
    );
    assert_eq!(
        refused(json!({"prompt": "p", "seconds": "126"}), m).0,
        "seconds"
    );
    assert_eq!(
        refused(json!({"prompt": "p", "seconds": "four"}), m).0,
        "seconds"
    );
    assert_eq!(
        refused(json!({"prompt": "p", "size": "720x1280"}), m).0,
        "size"
    );
    assert_eq!(
        refused(json!({"prompt": "p", "extra_body": {"fps": 30}}), m).0,
        "extra_body.fps"
    );
    assert_eq!(refused(json!({"prompt": "p", "fps": 30}), m).0, "fps");
    assert_eq!(
        refused(
            json!({"prompt": "p", "input_reference": "http://x/y.png"}),
            m
        )
        .0,
        "input_reference"
    );
    assert_eq!(refused(json!({"prompt": " "}), m).0, "prompt");
    assert_eq!(
        refused(json!({"prompt": "p"}), "amazon.titan-image-generator-v2:0").0,
        "model"
    );
    let (param, message) = refused(json!({"prompt": "p", "seconds": 7}), m);
    assert_eq!(param, "seconds");
    assert!(message.contains("got 7"), "{message}");
}

#[test]
fn luma_golden_and_size_mapping() {
    let got = body(
        json!({"model": "luma.ray-v2:0", "prompt": "waves", "seconds": "9", "size": "1280x720"}),
        "luma.ray-v2:0",
    );
    assert_eq!(
        got,
        json!({
            "modelId": "luma.ray-v2:0",
            "modelInput": {"prompt": "waves", "aspect_ratio": "16:9", "loop": false,
                           "duration": "9s", "resolution": "720p"},
            "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": S3}}
        })
    );
    let cases = [
        ("720x1280", "9:16", "720p"),
        ("540x540", "1:1", "540p"),
        ("960x720", "4:3", "720p"),
        ("1260x540", "21:9", "540p"),
        ("540x1260", "9:21", "540p"),
    ];
    for (size, aspect, resolution) in cases {
        let got = body(
            json!({"prompt": "p", "size": size, "seconds": 5}),
            "luma.ray-v2:0",
        );
        assert_eq!(got["modelInput"]["aspect_ratio"], aspect, "{size}");
        assert_eq!(got["modelInput"]["resolution"], resolution, "{size}");
        assert_eq!(got["modelInput"]["duration"], "5s");
    }
    let plan = start_async_invoke_body(
        &req(json!({"prompt": "p", "size": "720x1280"})),
        "luma.ray-v2:0",
        S3,
        None,
    )
    .unwrap();
    assert_eq!(
        (plan.seconds.as_str(), plan.size.as_str()),
        ("5", "720x1280")
    );
}

#[test]
fn luma_refusals() {
    let m = "luma.ray-v2:0";
    assert_eq!(
        refused(json!({"prompt": "p", "seconds": 6}), m).0,
        "seconds"
    );
    assert_eq!(
        refused(json!({"prompt": "p", "extra_body": {"seed": 1}}), m).0,
        "extra_body.seed"
    );
    assert_eq!(refused(json!({"prompt": "p", "size": "wide"}), m).0, "size");
}

#[test]
fn the_token_is_stable_for_a_request_and_changes_with_it_or_the_key() {
    let token = |v: Value, key: Option<&str>| {
        let plan = start_async_invoke_body(&req(v), "luma.ray-v2:0", S3, key).unwrap();
        let body: Value = serde_json::from_slice(&plan.body).unwrap();
        body["clientRequestToken"].as_str().unwrap().to_owned()
    };
    let a = token(json!({"prompt": "p"}), None);
    assert_eq!(a, token(json!({"prompt": "p"}), None));
    assert_ne!(a, token(json!({"prompt": "q"}), None));
    assert_ne!(a, token(json!({"prompt": "p"}), Some("retry-1")));
}

#[test]
fn id_codec_round_trips_and_refuses_crafted_ids() {
    let id = encode_video_id(ARN);
    assert!(id.starts_with("video_"));
    assert!(!id.contains(['+', '/', '=']));
    assert_eq!(decode_video_id(&id).as_deref(), Some(ARN));
    let crafted = |s: &str| encode_video_id(s);
    assert_eq!(
        decode_video_id(&crafted(
            "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abc"
        )),
        None
    );
    assert_eq!(
        decode_video_id(&crafted(
            "arn:aws:bedrock:us-east-1:123456789012:async-invoke/../../x"
        )),
        None
    );
    assert_eq!(
        decode_video_id(&crafted(
            "arn:aws:s3:us-east-1:123456789012:async-invoke/abc"
        )),
        None
    );
    assert_eq!(decode_video_id(&crafted("hello")), None);
    assert_eq!(decode_video_id("video_!!!"), None);
    assert_eq!(decode_video_id("vid_abc"), None);
    assert_eq!(decode_video_id(&"video_a".repeat(200)), None);
}

#[test]
fn jobs_map_to_video_objects() {
    let in_progress = json!({"invocationArn": ARN, "modelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-reel-v1:1",
        "status": "InProgress", "submitTime": "2025-01-15T12:00:00.123Z",
        "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": S3}}});
    let v = video_from_job(in_progress.to_string().as_bytes()).unwrap();
    assert_eq!(v.id, encode_video_id(ARN));
    assert_eq!(v.model, "amazon.nova-reel-v1:1");
    assert_eq!(v.status, VideoStatus::InProgress);
    assert_eq!(v.created_at, 1_736_942_400);
    assert_eq!(v.error, None);

    let failed = json!({"invocationArn": ARN, "modelArn": "m", "status": "Failed",
        "failureMessage": "boom", "submitTime": "2025-01-15T12:00:00Z", "endTime": "2025-01-15T12:01:00+00:00",
        "outputDataConfig": {}});
    let v = video_from_job(failed.to_string().as_bytes()).unwrap();
    assert_eq!(v.status, VideoStatus::Failed);
    assert_eq!(v.error.unwrap().message, "boom");
    assert_eq!(v.completed_at, Some(1_736_942_460));
    let wire =
        serde_json::to_value(video_from_job(in_progress.to_string().as_bytes()).unwrap()).unwrap();
    assert_eq!(wire["object"], "video");
    assert_eq!(wire["status"], "in_progress");

    let list = json!({"asyncInvokeSummaries": [failed, in_progress], "nextToken": "t2"});
    let page = video_list_from_jobs(list.to_string().as_bytes()).unwrap();
    assert_eq!(page.list.data.len(), 2);
    assert!(page.list.has_more);
    assert_eq!(page.next_token.as_deref(), Some("t2"));
    assert_eq!(
        page.list.first_id.as_deref(),
        Some(encode_video_id(ARN).as_str())
    );
    assert!(video_from_job(b"not json").is_err());
    assert_eq!(
        invocation_arn_from_start(json!({"invocationArn": ARN}).to_string().as_bytes()).unwrap(),
        ARN
    );
    assert!(invocation_arn_from_start(br#"{"invocationArn": "x"}"#).is_err());
}

#[test]
fn iso8601_parsing() {
    assert_eq!(parse_iso8601("1970-01-01T00:00:00Z"), Some(0));
    assert_eq!(
        parse_iso8601("2025-01-15T13:00:00+01:00"),
        Some(1_736_942_400)
    );
    assert_eq!(parse_iso8601("yesterday"), None);
}

#[test]
fn nova_reel_manual_shots_from_extra_body() {
    let png = "data:image/png;base64,iVBORw0KGgo=";
    let got = body(
        json!({"prompt": "a story", "extra_body": {"shots": [
            {"text": "a red square"}, {"text": "a blue circle", "image": png}]}}),
        "amazon.nova-reel-v1:1",
    );
    assert_eq!(
        got["modelInput"],
        json!({
            "taskType": "MULTI_SHOT_MANUAL",
            "multiShotManualParams": {"shots": [
                {"text": "a red square"},
                {"text": "a blue circle", "image": {"format": "png", "source": {"bytes": "iVBORw0KGgo="}}}]},
            "videoGenerationConfig": {"fps": 24, "dimension": "1280x720"}
        })
    );
    let (param, message) = refused(
        json!({"prompt": "p", "extra_body": {"shots": [{"text": "only one"}]}}),
        "amazon.nova-reel-v1:1",
    );
    assert_eq!(
        (param.as_str(), message.as_str()),
        ("extra_body.shots", "shots must be a list of 2 to 20 shots")
    );
    let (param, message) = refused(
        json!({"prompt": "p", "seconds": 6, "extra_body": {"shots": [{"text": "a"}, {"text": "b"}]}}),
        "amazon.nova-reel-v1:1",
    );
    assert_eq!(
        (param.as_str(), message.as_str()),
        ("seconds", "2 shots make 12 seconds, got 6")
    );
    let (param, _) = refused(
        json!({"prompt": "p", "task_type": "MULTI_SHOT_MANUAL"}),
        "amazon.nova-reel-v1:1",
    );
    assert_eq!(param, "shots");
}
