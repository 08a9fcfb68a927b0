#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, deprecated)]
//! End to end: async-openai's images client (generations as JSON, edits as the multipart form
//! the SDK builds) → Quarry → the emulator's InvokeModel, checking what the client got and the
//! bodies that reached Bedrock; hand-made forms for the refusals.

mod common;

use std::collections::BTreeSet;

use async_openai::types::images::{
    CreateImageEditRequestArgs, CreateImageRequestArgs, Image, ImageInput, ImageModel,
    ImageQuality, ImageResponseFormat, ImageSize,
};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bedrock_emulator::AuthOutcome;
use common::Harness;
use serde_json::{json, Value};

const CANVAS: &str = "amazon.nova-canvas-v1:0";
const SD35: &str = "stability.sd3-5-large-v1:0";
/// The PNG signature and a few bytes: what Quarry checks an upload by.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x08";
/// An OpenAI-style mask: 2×1 RGBA, the first pixel transparent (edit here), the second opaque.
const MASK: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0xf4, 0x22, 0x7f,
    0x8a, 0x00, 0x00, 0x00, 0x0e, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60, 0x00, 0x82, 0xff,
    0x40, 0x04, 0x00, 0x05, 0x04, 0x01, 0xff, 0x62, 0x6d, 0x23, 0x26, 0x00, 0x00, 0x00, 0x00, 0x49,
    0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

fn config() -> String {
    let route = |name: &str, path: &str, route_type: &str, extra: &str| {
        format!(
            r#"
      - name: {name}
        paths: ["{path}"]
        plugins:
          - name: ai-proxy
            config:
              route_type: {route_type}
              auth:
                aws_access_key_id: {akid}
                aws_secret_access_key: {secret}
              model:
                provider: bedrock
                options:
                  upstream_url: "{{UPSTREAM}}"
                  bedrock:
                    aws_region: us-east-1
              logging:
                log_statistics: true
{extra}"#,
            akid = bedrock_emulator::ACCESS_KEY_ID,
            secret = bedrock_emulator::SECRET_ACCESS_KEY,
        )
    };
    format!(
        r#"
_format_version: "3.0"
services:
  - name: bedrock
    url: http://bedrock.invalid
    read_timeout: 5000
    routes:{}{}
"#,
        route(
            "generations",
            "/v1/images/generations",
            "image/v1/images/generations",
            ""
        ),
        route(
            "edits",
            "/v1/images/edits",
            "image/v1/images/edits",
            "              max_request_body_size: 4096"
        ),
    )
}

fn b64_images(data: &[std::sync::Arc<Image>]) -> Vec<Vec<u8>> {
    data.iter()
        .map(|image| match image.as_ref() {
            Image::B64Json { b64_json, .. } => STANDARD.decode(b64_json.as_str()).unwrap(),
            Image::Url { .. } => panic!("Quarry answers with b64_json"),
        })
        .collect()
}

fn upstream_json(h: &Harness) -> Vec<Value> {
    h.upstream()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

#[tokio::test]
async fn nova_canvas_generates_n_images_in_one_call() {
    let h = Harness::start(&config()).await;
    let response = h
        .openai()
        .images()
        .generate(
            CreateImageRequestArgs::default()
                .prompt("a lighthouse at dusk")
                .model(ImageModel::Other(CANVAS.into()))
                .n(2)
                .size(ImageSize::S1024x1024)
                .quality(ImageQuality::HD)
                .response_format(ImageResponseFormat::B64Json)
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(response.created > 1_700_000_000);
    let images = b64_images(&response.data);
    assert_eq!(images.len(), 2);
    assert!(images.iter().all(|png| png.starts_with(b"\x89PNG")));
    assert_ne!(images[0], images[1]);

    let upstream = h.upstream();
    assert_eq!(upstream.len(), 1);
    assert_eq!(
        upstream[0].raw_path,
        "/model/amazon.nova-canvas-v1%3A0/invoke"
    );
    assert_eq!(upstream[0].auth, AuthOutcome::SigV4Valid);
    assert_eq!(
        upstream_json(&h)[0],
        json!({
            "taskType": "TEXT_IMAGE",
            "textToImageParams": {"text": "a lighthouse at dusk"},
            "imageGenerationConfig": {"numberOfImages": 2, "quality": "premium", "width": 1024, "height": 1024}
        })
    );
    let lines = h.stats_lines(1).await;
    let proxy = &lines[0]["ai"]["proxy"];
    assert_eq!(proxy["meta"]["route_type"], "image/v1/images/generations");
    assert_eq!(proxy["meta"]["request_model"], CANVAS);
    assert_eq!(proxy["usage"]["total_tokens"], 0, "images carry no tokens");
    assert!(proxy["meta"]["llm_latency"].is_u64());
    assert_eq!(lines[0]["status"], 200);
}

#[tokio::test]
async fn stability_makes_one_call_per_image_with_the_nearest_aspect_ratio() {
    let h = Harness::start(&config()).await;
    let response = h
        .openai()
        .images()
        .generate(
            CreateImageRequestArgs::default()
                .prompt("a fox in the snow")
                .model(ImageModel::Other(SD35.into()))
                .n(2)
                .size(ImageSize::S1792x1024)
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(b64_images(&response.data).len(), 2);
    assert_eq!(
        upstream_json(&h),
        [
            json!({"prompt": "a fox in the snow", "aspect_ratio": "16:9"}),
            json!({"prompt": "a fox in the snow", "aspect_ratio": "16:9"}),
        ]
    );

    // extra_body knobs: seed per call, negative prompt, JPEG.
    let (status, _, body) = h
        .post(
            "/v1/images/generations",
            &json!({"model": "stability.stable-image-ultra-v1:1", "prompt": "a fox", "n": 2,
                    "size": "1024x1536", "output_format": "jpeg",
                    "extra_body": {"seed": 11, "negative_prompt": "blur"}})
            .to_string(),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let answer: Value = serde_json::from_str(&body).unwrap();
    let jpeg = STANDARD
        .decode(answer["data"][0]["b64_json"].as_str().unwrap())
        .unwrap();
    assert!(jpeg.starts_with(&[0xFF, 0xD8]), "a JPEG");
    let seeds: BTreeSet<u64> = upstream_json(&h)[2..]
        .iter()
        .map(|b| {
            assert_eq!(b["aspect_ratio"], "2:3");
            assert_eq!(b["negative_prompt"], "blur");
            assert_eq!(b["output_format"], "jpeg");
            b["seed"].as_u64().unwrap()
        })
        .collect();
    assert_eq!(seeds, BTreeSet::from([11, 12]));
}

#[tokio::test]
async fn content_filters_are_400_content_policy_violations_never_empty_lists() {
    let h = Harness::start(&config()).await;
    for model in [SD35, CANVAS] {
        let (status, _, body) = h
            .post(
                "/v1/images/generations",
                &json!({"model": model, "prompt": "something blocked"}).to_string(),
            )
            .await;
        assert_eq!(status, 400, "{model}: {body}");
        let error: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(error["error"]["code"], "content_policy_violation", "{body}");
        assert_eq!(error["error"]["type"], "invalid_request_error");
        assert!(
            error["error"]["message"]
                .as_str()
                .unwrap()
                .contains("content filter"),
            "{body}"
        );
    }
    let lines = h.stats_lines(2).await;
    assert!(lines.iter().all(|l| l["status"] == 400));
}

#[tokio::test]
async fn url_answers_and_unknown_models_are_refused_before_bedrock() {
    let h = Harness::start(&config()).await;
    for (request, param) in [
        (
            json!({"model": CANVAS, "prompt": "p", "response_format": "url"}),
            "response_format",
        ),
        (json!({"model": CANVAS, "prompt": "p", "n": 6}), "n"),
        (
            json!({"model": "amazon.titan-embed-text-v2:0", "prompt": "p"}),
            "model",
        ),
    ] {
        let (status, _, body) = h.post("/v1/images/generations", &request.to_string()).await;
        assert_eq!(status, 400, "{body}");
        let error: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(error["error"]["param"], param, "{body}");
    }
    assert!(h.upstream().is_empty());
}

#[tokio::test]
async fn sdk_edit_form_becomes_canvas_inpainting_with_the_mask() {
    let h = Harness::start(&config()).await;
    let response = h
        .openai()
        .images()
        .edit(
            CreateImageEditRequestArgs::default()
                .image(ImageInput::from_vec_u8("cat.png".into(), PNG.to_vec()))
                .mask(ImageInput::from_vec_u8("mask.png".into(), MASK.to_vec()))
                .prompt("a red hat")
                .model(ImageModel::Other(CANVAS.into()))
                .n(1)
                .size(ImageSize::S1024x1024)
                .response_format(ImageResponseFormat::B64Json)
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    let images = b64_images(&response.data);
    assert_eq!(images.len(), 1);
    assert!(images[0].starts_with(b"\x89PNG"));
    assert_eq!(
        upstream_json(&h),
        [json!({
            "taskType": "INPAINTING",
            "inPaintingParams": {"image": STANDARD.encode(PNG), "text": "a red hat", "maskImage": STANDARD.encode(
                quarry_bedrock::images::openai_mask_to_bedrock(MASK).unwrap().unwrap())},
            "imageGenerationConfig": {"numberOfImages": 1}
        })]
    );
    let lines = h.stats_lines(1).await;
    assert_eq!(
        lines[0]["ai"]["proxy"]["meta"]["route_type"],
        "image/v1/images/edits"
    );
}

#[tokio::test]
async fn sdk_edit_on_sd35_is_image_to_image() {
    let h = Harness::start(&config()).await;
    let response = h
        .openai()
        .images()
        .edit(
            CreateImageEditRequestArgs::default()
                .image(ImageInput::from_vec_u8("photo.png".into(), PNG.to_vec()))
                .prompt("as a watercolour")
                .model(ImageModel::Other(SD35.into()))
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(b64_images(&response.data).len(), 1);
    assert_eq!(
        upstream_json(&h),
        [
            json!({"prompt": "as a watercolour", "mode": "image-to-image",
                "image": STANDARD.encode(PNG), "strength": 0.5})
        ]
    );
}

const BOUNDARY: &str = "quarry-test-boundary";

fn form(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, filename, data) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match filename {
            Some(f) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn post_form(h: &Harness, content_type: &str, body: reqwest::Body) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/v1/images/edits", h.base_url()))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn bad_forms_are_refused_naming_the_part() {
    let h = Harness::start(&config()).await;
    let multipart = format!("multipart/form-data; boundary={BOUNDARY}");
    let cases: Vec<(Vec<u8>, &str, u16, &str)> = vec![
        (
            form(&[("model", None, CANVAS.as_bytes()), ("prompt", None, b"p")]),
            multipart.as_str(),
            400,
            "part 'image' is required",
        ),
        (
            form(&[
                ("model", None, CANVAS.as_bytes()),
                ("image", Some("a.gif"), b"GIF89a......"),
            ]),
            multipart.as_str(),
            400,
            "part 'image' is not a PNG, JPEG or WebP image",
        ),
        (
            form(&[
                ("model", None, CANVAS.as_bytes()),
                ("image", Some("a.png"), PNG),
            ])[..40]
                .to_vec(),
            multipart.as_str(),
            400,
            "ended before its closing boundary",
        ),
        (
            b"{\"prompt\":\"p\"}".to_vec(),
            "application/json",
            400,
            "must be multipart/form-data",
        ),
        (
            form(&[
                ("model", None, CANVAS.as_bytes()),
                ("image", Some("a.png"), &[PNG, &[0u8; 5000][..]].concat()),
            ]),
            multipart.as_str(),
            413,
            "max_request_body_size (4096 bytes)",
        ),
    ];
    for (body, content_type, status, message) in cases {
        let (got, error) = post_form(&h, content_type, body.into()).await;
        assert_eq!(got, status, "{message}: {error}");
        assert!(
            error["error"]["message"]
                .as_str()
                .unwrap()
                .contains(message),
            "{error}"
        );
    }

    // Without a Content-Length (chunked), the limit holds while reading.
    let big = form(&[
        ("model", None, CANVAS.as_bytes()),
        ("image", Some("a.png"), &[PNG, &[0u8; 5000][..]].concat()),
    ]);
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        big.chunks(1000).map(|c| Ok(c.to_vec())).collect();
    let (status, error) = post_form(
        &h,
        &multipart,
        reqwest::Body::wrap_stream(futures_util::stream::iter(chunks)),
    )
    .await;
    assert_eq!(status, 413, "{error}");
    assert!(h.upstream().is_empty());
}
