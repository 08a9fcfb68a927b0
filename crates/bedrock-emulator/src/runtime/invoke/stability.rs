//! Stability AI image models (`stability.*`): `{prompt, ...}` gives `{seeds, finish_reasons,
//! images}`; a prompt with the word "blocked" is filtered with a 200 whose `finish_reasons` say
//! so and whose `images` are empty.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};

use super::schema::{self, at};
use super::{png, Invoked};
use crate::error::ApiError;
use crate::hash::Fnv;
use crate::runtime::converse::media::BASE64;
use crate::text::{count_words, has_word};

const ASPECT_RATIOS: [&str; 9] = [
    "16:9", "1:1", "21:9", "2:3", "3:2", "4:5", "5:4", "9:16", "9:21",
];
const MAX_SEED: i64 = 4_294_967_294;
pub(crate) const FILTER_REASON: &str = "Filter reason: prompt";

pub(crate) fn generate(body: &Value) -> Result<Invoked, ApiError> {
    let root = schema::root(body)?;
    let prompt = schema::req_str(root, "prompt", "#")?;
    schema::length(prompt, 1, 10_000, "#/prompt")?;
    if let Some(negative) = schema::opt_str(root, "negative_prompt", "#")? {
        schema::length(negative, 0, 10_000, "#/negative_prompt")?;
    }
    if let Some(ratio) = schema::opt_str(root, "aspect_ratio", "#")? {
        schema::one_of(ratio, &ASPECT_RATIOS, "#/aspect_ratio")?;
    }
    let format = schema::opt_str(root, "output_format", "#")?.unwrap_or("png");
    schema::one_of(format, &["png", "jpeg"], "#/output_format")?;
    let mode = schema::opt_str(root, "mode", "#")?.unwrap_or("text-to-image");
    schema::one_of(mode, &["text-to-image", "image-to-image"], "#/mode")?;
    if mode == "image-to-image" {
        let image = schema::req_str(root, "image", "#")?;
        if image.is_empty() || BASE64.decode(image).is_err() {
            return Err(schema::malformed("#/image: the image is not valid base64"));
        }
        schema::required(root, "strength", "#")?;
    }
    let seed = match schema::opt_i64(root, "seed", "#")? {
        Some(s) => schema::range(s, 0, MAX_SEED, &at("#", "seed"))?,
        None => 0,
    };
    // Like the real models, seed 0 means "pick one"; here it is picked from the prompt.
    let seed = if seed == 0 {
        i64::try_from(Fnv::new().field(prompt.as_bytes()).finish() % (MAX_SEED as u64)).unwrap_or(1)
            + 1
    } else {
        seed
    };
    let tokens = count_words(prompt);
    if has_word(prompt, "blocked") {
        return Ok(Invoked::json(
            &json!({"seeds": [seed], "finish_reasons": [FILTER_REASON], "images": []}),
            tokens,
        ));
    }
    let image = if format == "jpeg" {
        png::grey_jpeg()
    } else {
        let [r, g, b, ..] = Fnv::new()
            .field(prompt.as_bytes())
            .field(&seed.to_le_bytes())
            .finish()
            .to_le_bytes();
        png::solid_png([r, g, b])
    };
    Ok(Invoked::json(
        &json!({"seeds": [seed], "finish_reasons": [null], "images": [STANDARD.encode(image)]}),
        tokens,
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn out(body: Value) -> Value {
        serde_json::from_slice(&generate(&body).unwrap().body).unwrap()
    }

    #[test]
    fn one_png_with_the_seed() {
        let got = out(json!({"prompt": "a red fox", "seed": 42}));
        assert_eq!(got["seeds"], json!([42]));
        assert_eq!(got["finish_reasons"], json!([null]));
        let png = STANDARD.decode(got["images"][0].as_str().unwrap()).unwrap();
        assert!(png.starts_with(b"\x89PNG"));
        let derived = out(json!({"prompt": "a red fox"}));
        assert_eq!(
            derived["seeds"],
            out(json!({"prompt": "a red fox"}))["seeds"]
        );
        assert_ne!(derived["seeds"], json!([0]));
        let jpeg = out(json!({"prompt": "x", "output_format": "jpeg"}));
        let jpeg = STANDARD
            .decode(jpeg["images"][0].as_str().unwrap())
            .unwrap();
        assert!(jpeg.starts_with(&[0xFF, 0xD8]));
    }

    #[test]
    fn filtered_and_invalid_prompts() {
        let got = out(json!({"prompt": "something blocked", "seed": 3}));
        assert_eq!(got["finish_reasons"], json!([FILTER_REASON]));
        assert_eq!(got["images"], json!([]));
        for bad in [
            json!({}),
            json!({"prompt": ""}),
            json!({"prompt": "x", "aspect_ratio": "7:3"}),
            json!({"prompt": "x", "output_format": "gif"}),
            json!({"prompt": "x", "seed": -1}),
            json!({"prompt": "x", "mode": "image-to-image"}),
        ] {
            assert!(generate(&bad).is_err(), "{bad}");
        }
    }
}
