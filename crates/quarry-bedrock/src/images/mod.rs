//! Image generations and edits over InvokeModel: pure translators from OpenAI's requests (JSON
//! for generations, a multipart form for edits) to the Titan Image / Nova Canvas task envelope
//! or Stability's body, and from the answers to OpenAI's `{created, data: [{b64_json}]}`.
//!
//! | file | owns |
//! |---|---|
//! | `family.rs` | model ID → body format; `size` → width/height or nearest aspect ratio |
//! | `options.rs` | shared knobs: `n`, `size`, `quality`, formats, negative prompt, seed, style |
//! | `generation.rs` | generation request → bodies |
//! | `multipart.rs` | incremental `multipart/form-data` parser |
//! | `form.rs` | form parts → edit request; image sniffing |
//! | `edit.rs` | edit request → bodies (task selection) |
//! | `response.rs` | answers → images or a content-filter error → OpenAI's answer |
//! | `wire.rs` | the Bedrock bodies |
//!
//! Decisions worth knowing:
//! - Only `b64_json` is answered (Bedrock returns bytes; `url` is a 400).
//! - `quality`: `standard`/`medium`/`low` → `standard`, `hd`/`high`/`xhigh`/`max` → `premium` (Titan,
//!   Canvas; Stability has no quality). `style` `vivid`/`natural` are ignored; Canvas style
//!   names go to `textToImageParams.style` on Canvas only.
//! - Stability makes one image per call: `n` images are `n` calls (with a `seed`, `seed + i`).
//! - Edit masks are sent as Bedrock's `maskImage` as uploaded (Bedrock: black marks the area
//!   to change); OpenAI-style transparent-alpha masks are not converted.

mod mask;
pub use mask::openai_mask_to_bedrock;
mod edit;
mod family;
mod form;
mod generation;
mod multipart;
mod options;
mod response;
mod wire;

#[cfg(test)]
mod tests;

pub use edit::{plan_edit, EditTask, DEFAULT_STRENGTH};
pub use family::{nearest_aspect_ratio, parse_size, ImageFamily, ASPECT_RATIOS};
pub use form::{edit_request_from_parts, sniff_image, ImageKind};
pub use generation::{plan_generation, ImagePlan};
pub use multipart::{boundary, MultipartError, MultipartParser, Part, MAX_HEADER_BYTES, MAX_PARTS};
pub use options::{CANVAS_STYLES, MAX_IMAGES};
pub use response::{
    content_filter_error, content_filter_from, images_response, parse_images_call, ImageError,
    CONTENT_FILTER_CODE,
};
