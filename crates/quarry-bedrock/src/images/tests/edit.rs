use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bytes::Bytes;
use serde_json::{json, Value};

use super::{JPEG, PNG, WEBP};
use crate::images::*;

fn file(name: &str, data: &'static [u8], content_type: Option<&str>) -> Part {
    Part {
        name: name.into(),
        filename: Some(format!("{name}.bin")),
        content_type: content_type.map(str::to_owned),
        data: Bytes::from_static(data),
    }
}

fn text(name: &str, value: &str) -> Part {
    Part {
        name: name.into(),
        filename: None,
        content_type: None,
        data: Bytes::copy_from_slice(value.as_bytes()),
    }
}

fn plan(parts: Vec<Part>, model: &str) -> Result<Vec<Value>, (String, String)> {
    let req = edit_request_from_parts(parts)
        .map_err(|e| (e.param.clone().unwrap_or_default(), e.message.clone()))?;
    let plan = plan_edit(&req, model).map_err(|e| (e.param.unwrap_or_default(), e.message))?;
    Ok(plan
        .bodies
        .iter()
        .map(|b| serde_json::from_slice(b).unwrap())
        .collect())
}

fn b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

const CANVAS: &str = "amazon.nova-canvas-v1:0";

#[test]
fn form_parts_sort_into_the_request() {
    let req = edit_request_from_parts(vec![
        text("prompt", "a hat"),
        file("image[]", PNG, None),
        file("image[]", JPEG, Some("image/jpeg")),
        file("mask", PNG, Some("application/octet-stream")),
        text("model", CANVAS),
        text("n", "2"),
        text("size", "512x512"),
        text("task", "inpainting"),
        text("user", "u"),
    ])
    .unwrap();
    assert_eq!(req.images.len(), 2);
    assert_eq!(req.images[1].part, "image[]");
    assert!(req.mask.is_some());
    assert_eq!(req.prompt.as_deref(), Some("a hat"));
    assert_eq!(req.n.as_deref(), Some("2"));
    assert_eq!(
        req.fields.get("task").map(String::as_str),
        Some("inpainting")
    );
    assert_eq!(req.fields.get("user").map(String::as_str), Some("u"));
}

#[test]
fn form_refusals_name_the_part() {
    let cases: Vec<(Vec<Part>, &str, &str)> = vec![
        (
            vec![text("prompt", "p")],
            "image",
            "part 'image' is required",
        ),
        (
            vec![file("image", PNG, Some("text/plain"))],
            "image",
            "content type 'text/plain'",
        ),
        (
            vec![file("image", b"GIF89a....", None)],
            "image",
            "not a PNG, JPEG or WebP image",
        ),
        (
            vec![file("image", PNG, None), file("mask", b"", None)],
            "mask",
            "part 'mask' is empty",
        ),
        (
            vec![file("image", PNG, None), file("markup", PNG, None)],
            "markup",
            "file part 'markup' is not supported",
        ),
        (
            vec![
                file("image", PNG, None),
                text("prompt", "a"),
                text("prompt", "b"),
            ],
            "prompt",
            "more than once",
        ),
        (
            vec![
                file("image", PNG, None),
                file("mask", PNG, None),
                file("mask", PNG, None),
            ],
            "mask",
            "more than once",
        ),
        (
            vec![
                file("image", PNG, None),
                Part {
                    data: Bytes::from_static(&[0xFF, 0xFE]),
                    ..text("prompt", "")
                },
            ],
            "prompt",
            "not UTF-8",
        ),
    ];
    for (parts, param, message) in cases {
        let e = edit_request_from_parts(parts).unwrap_err();
        assert_eq!(e.param.as_deref(), Some(param), "{message}");
        assert!(e.message.contains(message), "{}", e.message);
    }
}

#[test]
fn canvas_inpainting_with_a_mask_image_by_default() {
    let bodies = plan(
        vec![
            file("image", PNG, Some("image/png")),
            file("mask", JPEG, None),
            text("prompt", "a red hat"),
            text("negative_prompt", "blur"),
            text("n", "2"),
            text("size", "1024x1024"),
            text("seed", "9"),
            text("cfg_scale", "7.5"),
            text("quality", "hd"),
        ],
        CANVAS,
    )
    .unwrap();
    assert_eq!(
        bodies,
        [json!({
            "taskType": "INPAINTING",
            "inPaintingParams": {"image": b64(PNG), "text": "a red hat", "negativeText": "blur", "maskImage": b64(JPEG)},
            "imageGenerationConfig": {"numberOfImages": 2, "quality": "premium", "cfgScale": 7.5, "seed": 9}
        })]
    );
}

#[test]
fn titan_outpainting_with_a_mask_prompt() {
    let bodies = plan(
        vec![
            file("image", JPEG, None),
            text("task", "OUTPAINTING"),
            text("mask_prompt", "the sky"),
            text("outpainting_mode", "precise"),
        ],
        "amazon.titan-image-generator-v2:0",
    )
    .unwrap();
    assert_eq!(
        bodies,
        [json!({
            "taskType": "OUTPAINTING",
            "outPaintingParams": {"image": b64(JPEG), "maskPrompt": "the sky", "outPaintingMode": "PRECISE"},
            "imageGenerationConfig": {"numberOfImages": 1}
        })]
    );
}

#[test]
fn variation_is_the_default_without_a_mask_and_takes_every_image() {
    let bodies = plan(
        vec![
            file("image[]", PNG, None),
            file("image[]", JPEG, None),
            text("prompt", "brighter"),
            text("size", "512x768"),
            text("similarity_strength", "0.8"),
        ],
        CANVAS,
    )
    .unwrap();
    assert_eq!(
        bodies,
        [json!({
            "taskType": "IMAGE_VARIATION",
            "imageVariationParams": {"images": [b64(PNG), b64(JPEG)], "text": "brighter", "similarityStrength": 0.8},
            "imageGenerationConfig": {"numberOfImages": 1, "width": 512, "height": 768}
        })]
    );
}

#[test]
fn background_removal_has_no_generation_config() {
    let bodies = plan(
        vec![file("image", PNG, None), text("task", "background_removal")],
        CANVAS,
    )
    .unwrap();
    assert_eq!(
        bodies,
        [json!({"taskType": "BACKGROUND_REMOVAL", "backgroundRemovalParams": {"image": b64(PNG)}})]
    );
}

#[test]
fn stability_image_to_image() {
    let bodies = plan(
        vec![
            file("image", WEBP, Some("image/webp")),
            text("prompt", "as a watercolour"),
            text("n", "2"),
            text("output_format", "png"),
        ],
        "stability.sd3-5-large-v1:0",
    )
    .unwrap();
    assert_eq!(bodies.len(), 2);
    assert_eq!(
        bodies[0],
        json!({"prompt": "as a watercolour", "mode": "image-to-image", "image": b64(WEBP),
               "strength": DEFAULT_STRENGTH, "output_format": "png"})
    );
    let bodies = plan(
        vec![
            file("image", PNG, None),
            text("prompt", "p"),
            text("strength", "0.9"),
        ],
        "stability.sd3-large-v1:0",
    )
    .unwrap();
    assert_eq!(bodies[0]["strength"], 0.9);
}

#[test]
fn edit_refusals() {
    let titan1 = "amazon.titan-image-generator-v1";
    let sd = "stability.sd3-5-large-v1:0";
    let cases: Vec<(Vec<Part>, &str, &str, &str)> = vec![
        (
            vec![file("image", PNG, None), text("task", "BACKGROUND_REMOVAL")],
            titan1,
            "task",
            "needs Titan Image Generator v2",
        ),
        (
            vec![
                file("image", PNG, None),
                file("mask", PNG, None),
                text("mask_prompt", "x"),
            ],
            CANVAS,
            "mask_prompt",
            "not both",
        ),
        (
            vec![file("image", PNG, None), text("task", "INPAINTING")],
            CANVAS,
            "mask",
            "needs a 'mask' part or a 'mask_prompt' field",
        ),
        (
            vec![
                file("image", PNG, None),
                file("mask", PNG, None),
                text("task", "IMAGE_VARIATION"),
            ],
            CANVAS,
            "mask",
            "takes no mask",
        ),
        (
            vec![
                file("image", PNG, None),
                file("image[]", PNG, None),
                text("mask_prompt", "x"),
            ],
            CANVAS,
            "image",
            "INPAINTING edits one image; the form has 2",
        ),
        (
            vec![file("image", PNG, None), text("task", "sketch")],
            CANVAS,
            "task",
            "not an edit task",
        ),
        (
            vec![file("image", WEBP, None)],
            CANVAS,
            "image",
            "is WebP; Nova Canvas edits PNG or JPEG",
        ),
        (
            vec![
                file("image", PNG, None),
                file("mask", PNG, None),
                text("prompt", "p"),
            ],
            sd,
            "mask",
            "takes no mask",
        ),
        (vec![file("image", PNG, None)], sd, "prompt", "required"),
        (
            vec![
                file("image", PNG, None),
                text("prompt", "p"),
                text("strength", "2"),
            ],
            sd,
            "strength",
            "between 0 and 1",
        ),
        (
            vec![file("image", PNG, None), text("prompt", "p")],
            "stability.stable-image-ultra-v1:1",
            "model",
            "SD3 Large",
        ),
        (
            vec![file("image", PNG, None), text("response_format", "url")],
            CANVAS,
            "response_format",
            "b64_json only",
        ),
        (
            vec![file("image", PNG, None), text("n", "two")],
            CANVAS,
            "n",
            "must be an integer",
        ),
        (
            vec![file("image", PNG, None), text("seed", "x")],
            CANVAS,
            "seed",
            "non-negative integer",
        ),
    ];
    for (parts, model, param, message) in cases {
        let (got, text) = plan(parts, model).unwrap_err();
        assert_eq!(got, param, "{message}: {text}");
        assert!(text.contains(message), "{message}: {text}");
    }
}
