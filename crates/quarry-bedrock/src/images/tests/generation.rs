use std::borrow::Cow;

use quarry_openai::images::ImageGenerationRequest;
use serde_json::{json, Value};

use crate::error::BedrockError;
use crate::images::*;

fn plan(v: Value, model: &str) -> Vec<Value> {
    let req: ImageGenerationRequest = serde_json::from_value(v).unwrap();
    plan_generation(&req, model)
        .unwrap()
        .bodies
        .iter()
        .map(|b| serde_json::from_slice(b).unwrap())
        .collect()
}

fn refused(v: Value, model: &str) -> (String, String) {
    let req: ImageGenerationRequest = serde_json::from_value(v).unwrap();
    let e = plan_generation(&req, model).unwrap_err();
    (e.param.unwrap_or_default(), e.message)
}

#[test]
fn nova_canvas_text_image_golden() {
    let bodies = plan(
        json!({
            "model": "amazon.nova-canvas-v1:0", "prompt": "a lighthouse at dusk", "n": 2,
            "size": "1280x720", "quality": "hd", "response_format": "b64_json",
            "negative_prompt": "people", "user": "u-1",
            "extra_body": {"style": "photorealism", "seed": 42, "cfg_scale": 6.5}
        }),
        "us.amazon.nova-canvas-v1:0",
    );
    assert_eq!(
        bodies,
        [json!({
            "taskType": "TEXT_IMAGE",
            "textToImageParams": {"text": "a lighthouse at dusk", "negativeText": "people", "style": "PHOTOREALISM"},
            "imageGenerationConfig": {"numberOfImages": 2, "quality": "premium", "width": 1280, "height": 720, "cfgScale": 6.5, "seed": 42}
        })]
    );
}

#[test]
fn titan_defaults_and_openai_style_ignored() {
    let bodies = plan(
        json!({"prompt": "a cat", "style": "vivid", "quality": "standard", "size": "auto"}),
        "amazon.titan-image-generator-v1",
    );
    assert_eq!(
        bodies,
        [json!({
            "taskType": "TEXT_IMAGE",
            "textToImageParams": {"text": "a cat"},
            "imageGenerationConfig": {"numberOfImages": 1, "quality": "standard"}
        })]
    );
}

#[test]
fn stability_is_one_call_per_image_with_aspect_ratio_and_seeds() {
    let bodies = plan(
        json!({"prompt": "a fox", "n": 3, "size": "1792x1024", "output_format": "jpeg",
               "quality": "hd", "seed": 5, "negative_prompt": "blur"}),
        "stability.stable-image-ultra-v1:1",
    );
    assert_eq!(bodies.len(), 3);
    for (i, body) in bodies.iter().enumerate() {
        assert_eq!(
            body,
            &json!({"prompt": "a fox", "negative_prompt": "blur", "aspect_ratio": "16:9",
                    "seed": 5 + i, "output_format": "jpeg"})
        );
    }
    let bodies = plan(json!({"prompt": "a fox"}), "stability.sd3-5-large-v1:0");
    assert_eq!(bodies, [json!({"prompt": "a fox"})]);
}

#[test]
fn size_maps_to_the_nearest_stability_aspect_ratio() {
    let cases = [
        ((1024, 1024), "1:1"),
        ((512, 512), "1:1"),
        ((1792, 1024), "16:9"),
        ((1024, 1792), "9:16"),
        ((1536, 1024), "3:2"),
        ((1024, 1536), "2:3"),
        ((1280, 1024), "5:4"),
        ((1024, 1280), "4:5"),
        ((2560, 1080), "21:9"),
        ((1080, 2560), "9:21"),
        ((2000, 1000), "16:9"),
        ((1100, 1000), "1:1"),
    ];
    for ((w, h), ratio) in cases {
        assert_eq!(nearest_aspect_ratio(w, h), ratio, "{w}x{h}");
    }
    assert_eq!(parse_size("1024x768", "size").unwrap(), Some((1024, 768)));
    assert_eq!(parse_size("auto", "size").unwrap(), None);
    for bad in ["big", "0x10", "10x", "x10", "-5x5"] {
        assert!(parse_size(bad, "size").is_err(), "{bad}");
    }
}

#[test]
fn refusals_name_the_field() {
    let canvas = "amazon.nova-canvas-v1:0";
    let ultra = "stability.stable-image-core-v1:1";
    let cases = [
        (
            json!({"prompt": "p", "response_format": "url"}),
            canvas,
            "response_format",
            "b64_json only",
        ),
        (
            json!({"prompt": "p", "n": 0}),
            canvas,
            "n",
            "between 1 and 10",
        ),
        (json!({"prompt": "p", "n": 6}), canvas, "n", "at most 5"),
        (
            json!({"prompt": "p", "n": 11}),
            ultra,
            "n",
            "between 1 and 10",
        ),
        (
            json!({"prompt": "p", "size": "huge"}),
            canvas,
            "size",
            "WIDTHxHEIGHT",
        ),
        (
            json!({"prompt": "p", "quality": "ultra"}),
            canvas,
            "quality",
            "standard, hd or auto",
        ),
        (
            json!({"prompt": "p", "output_format": "webp"}),
            ultra,
            "output_format",
            "png or jpeg",
        ),
        (
            json!({"prompt": "p", "output_format": "jpeg"}),
            canvas,
            "output_format",
            "use png",
        ),
        (
            json!({"prompt": "p", "cfg_scale": 7}),
            ultra,
            "cfg_scale",
            "not available",
        ),
        (
            json!({"prompt": "p", "style": "MAXIMALISM"}),
            "amazon.titan-image-generator-v2:0",
            "style",
            "not available",
        ),
        (
            json!({"prompt": "p", "style": "cubism"}),
            canvas,
            "style",
            "not a Nova Canvas style",
        ),
        (
            json!({"prompt": " "}),
            canvas,
            "prompt",
            "must not be empty",
        ),
        (
            json!({"prompt": "p"}),
            "stability.stable-diffusion-xl-v1",
            "model",
            "not an image model",
        ),
        (
            json!({"prompt": "p"}),
            "amazon.titan-embed-text-v2:0",
            "model",
            "not an image model",
        ),
        (
            json!({"prompt": "p", "extra_body": {"seed": -1}}),
            canvas,
            "extra_body.seed",
            "non-negative",
        ),
    ];
    for (v, model, param, text) in cases {
        let (got_param, message) = refused(v.clone(), model);
        assert_eq!(got_param, param, "{v}");
        assert!(message.contains(text), "{v}: {message}");
    }
}

fn images(family: ImageFamily, body: &str) -> Result<Vec<String>, ImageError> {
    let mut out: Vec<Cow<'_, str>> = Vec::new();
    parse_images_call(family, body.as_bytes(), &mut out)?;
    Ok(out.into_iter().map(Cow::into_owned).collect())
}

#[test]
fn answers_become_images_or_a_content_filter_error() {
    assert_eq!(
        images(
            ImageFamily::NovaCanvas,
            r#"{"images":["iVBORw0KGgo=","iVBORw0KGgp="]}"#
        )
        .unwrap(),
        ["iVBORw0KGgo=", "iVBORw0KGgp="]
    );
    assert_eq!(
        images(
            ImageFamily::StabilityLarge,
            r#"{"seeds":[3],"finish_reasons":[null],"images":["/9j/4AAQ"]}"#
        )
        .unwrap(),
        ["/9j/4AAQ"]
    );
    let Err(ImageError::Filtered(e)) = images(
        ImageFamily::StabilityText,
        r#"{"seeds":[3],"finish_reasons":["Filter reason: prompt"],"images":[]}"#,
    ) else {
        panic!("a filtered Stability answer is a content-filter error")
    };
    assert_eq!((e.status, e.code.as_str()), (400, CONTENT_FILTER_CODE));
    assert_eq!(e.openai_code(), "content_policy_violation");
    assert_eq!(e.openai_type(), "invalid_request_error");
    assert!(e.message.contains("Filter reason: prompt"), "{}", e.message);

    let Err(ImageError::Filtered(e)) = images(
        ImageFamily::TitanV2,
        r#"{"images":[],"error":"The image was blocked"}"#,
    ) else {
        panic!("a Titan error field is a content-filter error")
    };
    assert!(e.message.contains("The image was blocked"));

    for (family, body) in [
        (ImageFamily::TitanV1, r#"{"images":[]}"#),
        (ImageFamily::NovaCanvas, r#"{"images":[""]}"#),
        (
            ImageFamily::StabilityLarge,
            r#"{"finish_reasons":["Inference error"],"images":[]}"#,
        ),
        (ImageFamily::StabilityLarge, "not json"),
    ] {
        assert!(
            matches!(images(family, body), Err(ImageError::Bad(_))),
            "{body}"
        );
    }
}

#[test]
fn titan_filter_refusal_is_recognised_from_the_upstream_error() {
    let filtered = BedrockError {
        status: 400,
        code: "ValidationException".into(),
        message: "This request has been blocked by our content filters. Please adjust your text prompt to submit a new request.".into(),
    };
    let mapped = content_filter_from(&filtered).unwrap();
    assert_eq!(mapped.code, CONTENT_FILTER_CODE);
    assert!(mapped.message.contains("blocked by our content filters"));
    let other = BedrockError {
        message: "Malformed input request".into(),
        ..filtered
    };
    assert_eq!(content_filter_from(&other), None);
}

#[test]
fn openai_answer_golden() {
    let out = images_response(1_700_000_000, vec!["AAAA".into(), Cow::Borrowed("BBBB")]).unwrap();
    assert_eq!(
        std::str::from_utf8(&out).unwrap(),
        r#"{"created":1700000000,"data":[{"b64_json":"AAAA"},{"b64_json":"BBBB"}]}"#
    );
}
