//! Media content parts → Converse blocks: `image_url` data URLs → `image`, `file` parts →
//! `document` (or `image` for image files), `input_audio` → `audio`, in user messages and in
//! tool results.
//!
//! Only inline data is translated. Remote URLs are not fetched here (the gateway may replace
//! them with data URLs first), and `file_id` needs a files API this route does not have. Every
//! payload is decoded once to check it is base64, not empty and within Bedrock's size limit, so
//! a bad part is a 400 naming it rather than a Bedrock validation error.

use std::borrow::Cow;

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{json, Value};

use super::TranslateError;
use crate::wire::{ImageBlock, ImageSource};

/// Bedrock's limit for one image: 3.75 MB.
pub(super) const MAX_IMAGE_BYTES: usize = 3_932_160;
/// Bedrock's limit for one document: 4.5 MB.
pub(super) const MAX_DOCUMENT_BYTES: usize = 4_718_592;
/// Bedrock's limit for a document name.
const MAX_DOCUMENT_NAME: usize = 200;

const REMOTE_IMAGE: &str =
    "remote image URLs are not fetched by this route; send the image as a data: URL (base64)";

/// Per-request state: document names must be unique, and unnamed ones are numbered.
#[derive(Debug, Default)]
pub(super) struct Media {
    documents: usize,
    names: Vec<String>,
}

/// A `file` part translated to a Converse block.
pub(super) enum MediaBlock {
    Image(ImageBlock),
    Document(Value),
}

/// `s` without `prefix`, compared ASCII-case-insensitively (URL schemes are).
fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| s.get(prefix.len()..))
        .flatten()
}

/// `data:<mime>[;…];base64,<data>` split into its MIME type and payload.
struct DataUrl<'a> {
    mime: &'a str,
    data: &'a str,
}

/// Parses a data URL; `Ok(None)` when `url` is not one. A data URL that is not base64 is
/// refused: Bedrock takes bytes, and percent-encoded binaries are not worth guessing at.
fn data_url<'a>(
    url: &'a str,
    param: &dyn Fn() -> String,
) -> Result<Option<DataUrl<'a>>, TranslateError> {
    let Some(rest) = strip_prefix_ignore_case(url, "data:") else {
        return Ok(None);
    };
    let Some((header, data)) = rest.split_once(',') else {
        return Err(TranslateError::at(
            param(),
            "data URL has no ',' before its data",
        ));
    };
    let mut fields = header.split(';');
    let mime = fields.next().unwrap_or("").trim();
    if !fields.any(|f| f.trim().eq_ignore_ascii_case("base64")) {
        return Err(TranslateError::at(
            param(),
            "data URL must be base64-encoded (data:<type>;base64,<data>)",
        ));
    }
    Ok(Some(DataUrl { mime, data }))
}

/// Checks that `data` is base64 of 1 to `limit` bytes; returns it in standard padded base64
/// (the client's string itself when it already is).
fn checked_base64<'a>(
    data: &'a str,
    limit: usize,
    what: &str,
    param: &dyn Fn() -> String,
) -> Result<Cow<'a, str>, TranslateError> {
    // Refuse what is clearly too large before decoding it.
    if data.len() / 4 * 3 > limit + 3 {
        return Err(too_large(data.len() / 4 * 3, limit, what, param));
    }
    let (bytes, text) = match STANDARD.decode(data) {
        Ok(bytes) => (bytes, Cow::Borrowed(data)),
        Err(first) => {
            // Line-wrapped, unpadded or URL-safe base64 is still base64: re-encode it.
            let compact: String = data.split_ascii_whitespace().collect();
            let unpadded = compact.trim_end_matches('=');
            let bytes = STANDARD_NO_PAD
                .decode(unpadded)
                .or_else(|_| URL_SAFE_NO_PAD.decode(unpadded))
                .map_err(|_| {
                    TranslateError::at(
                        param(),
                        format!("{what} data is not valid base64 ({first})"),
                    )
                })?;
            let text = Cow::Owned(STANDARD.encode(&bytes));
            (bytes, text)
        }
    };
    if bytes.is_empty() {
        return Err(TranslateError::at(param(), format!("{what} data is empty")));
    }
    if bytes.len() > limit {
        return Err(too_large(bytes.len(), limit, what, param));
    }
    Ok(text)
}

fn too_large(len: usize, limit: usize, what: &str, param: &dyn Fn() -> String) -> TranslateError {
    TranslateError::at(
        param(),
        format!(
            "{what} is {len} bytes; Bedrock accepts {what}s up to {:.2} MB ({limit} bytes)",
            limit as f64 / 1_048_576.0
        ),
    )
}

/// Bedrock's image format for a MIME type.
fn image_format(mime: &str) -> Option<&'static str> {
    match mime.to_ascii_lowercase().as_str() {
        "image/png" => Some("png"),
        "image/jpeg" | "image/jpg" => Some("jpeg"),
        "image/gif" => Some("gif"),
        "image/webp" => Some("webp"),
        _ => None,
    }
}

/// An `image_url` part as an `image` block.
pub(super) fn image(url: &str, param: &dyn Fn() -> String) -> Result<ImageBlock, TranslateError> {
    if strip_prefix_ignore_case(url, "http://").is_some()
        || strip_prefix_ignore_case(url, "https://").is_some()
    {
        return Err(TranslateError::at(param(), REMOTE_IMAGE));
    }
    let Some(data) = data_url(url, param)? else {
        return Err(TranslateError::at(
            param(),
            "image_url must be a data: URL (data:image/png;base64,...)",
        ));
    };
    let Some(format) = image_format(data.mime) else {
        let hint = if data.mime.starts_with("image/") {
            ""
        } else {
            " (send documents as 'file' parts)"
        };
        return Err(TranslateError::at(
            param(),
            format!(
                "image type '{}' is not supported; Bedrock accepts png, jpeg, gif and webp \
                 images{hint}",
                data.mime
            ),
        ));
    };
    let bytes = checked_base64(data.data, MAX_IMAGE_BYTES, "image", param)?;
    Ok(image_block(format, bytes.into_owned()))
}

fn image_block(format: &str, bytes: String) -> ImageBlock {
    ImageBlock {
        format: format.to_owned(),
        source: ImageSource::Bytes(bytes),
        error: None,
    }
}

/// Bedrock's document format for a MIME type.
fn document_format_for_mime(mime: &str) -> Option<&'static str> {
    Some(match mime.to_ascii_lowercase().as_str() {
        "application/pdf" => "pdf",
        "text/csv" => "csv",
        "application/msword" => "doc",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx",
        "application/vnd.ms-excel" => "xls",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "xlsx",
        "text/html" => "html",
        "text/plain" => "txt",
        "text/markdown" | "text/x-markdown" => "md",
        _ => return None,
    })
}

fn document_format_for_name(filename: &str) -> Option<&'static str> {
    let (_, ext) = filename.rsplit_once('.')?;
    Some(match ext.to_ascii_lowercase().as_str() {
        "pdf" => "pdf",
        "csv" => "csv",
        "doc" => "doc",
        "docx" => "docx",
        "xls" => "xls",
        "xlsx" => "xlsx",
        "html" | "htm" => "html",
        "txt" => "txt",
        "md" | "markdown" => "md",
        _ => return None,
    })
}

impl Media {
    /// A `file` part (`{"file_data": "data:application/pdf;base64,…", "filename": "…"}`) as a
    /// `document` block, or an `image` block for an image file.
    pub(super) fn file(
        &mut self,
        file: &Value,
        param: &dyn Fn() -> String,
    ) -> Result<MediaBlock, TranslateError> {
        let Some(obj) = file.as_object() else {
            return Err(TranslateError::at(
                param(),
                "a file part's 'file' must be an object",
            ));
        };
        let filename = obj.get("filename").and_then(Value::as_str);
        let Some(file_data) = obj.get("file_data").and_then(Value::as_str) else {
            let message = if obj.get("file_id").is_some_and(|v| !v.is_null()) {
                "file_id is not supported: this route has no files API; send the file inline as \
                 file_data (a base64 data: URL)"
            } else {
                "a file part needs file_data (a base64 data: URL)"
            };
            return Err(TranslateError::at(param(), message));
        };
        let (mime, data) = match data_url(file_data, param)? {
            Some(d) => (Some(d.mime), d.data),
            // Some clients send bare base64 and let the filename tell the type.
            None => (None, file_data),
        };
        if let Some(format) = mime.and_then(image_format) {
            let bytes = checked_base64(data, MAX_IMAGE_BYTES, "image", param)?;
            return Ok(MediaBlock::Image(image_block(format, bytes.into_owned())));
        }
        let format = mime
            .and_then(document_format_for_mime)
            .or_else(|| filename.and_then(document_format_for_name))
            .ok_or_else(|| {
                let what = match (mime, filename) {
                    (Some(m), _) if !m.is_empty() => format!("file type '{m}'"),
                    (_, Some(name)) => format!("file '{name}'"),
                    _ => "a file without type or filename".to_owned(),
                };
                TranslateError::at(
                    param(),
                    format!(
                        "{what} is not supported; Bedrock documents are pdf, csv, doc, docx, \
                         xls, xlsx, html, txt or md"
                    ),
                )
            })?;
        let bytes = checked_base64(data, MAX_DOCUMENT_BYTES, "document", param)?;
        self.documents += 1;
        let name = self.unique_name(filename);
        Ok(MediaBlock::Document(json!({
            "format": format,
            "name": name,
            "source": {"bytes": bytes},
        })))
    }

    /// A document name by Bedrock's rule (letters, digits, single spaces, hyphens, parentheses,
    /// square brackets; at most 200 characters), without the extension, unique in the request.
    fn unique_name(&mut self, filename: Option<&str>) -> String {
        let base = filename.map(document_name).unwrap_or_default();
        let base = if base.is_empty() {
            format!("document-{}", self.documents)
        } else {
            base
        };
        let mut name = base.clone();
        let mut n = 2;
        while self.names.contains(&name) {
            let suffix = format!(" ({n})");
            let mut stem = base.clone();
            stem.truncate(MAX_DOCUMENT_NAME - suffix.len());
            name = format!("{}{suffix}", stem.trim_end());
            n += 1;
        }
        self.names.push(name.clone());
        name
    }
}

/// `dir/Q3 report_final.v2.pdf` → `Q3 report final v2`.
fn document_name(filename: &str) -> String {
    let file = filename.rsplit(['/', '\\']).next().unwrap_or(filename);
    let stem = match file.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => file,
    };
    let mut name = String::with_capacity(stem.len());
    let mut gap = false;
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '(' | ')' | '[' | ']') {
            if gap && !name.is_empty() {
                name.push(' ');
            }
            gap = false;
            name.push(c);
        } else {
            gap = true;
        }
    }
    name.truncate(MAX_DOCUMENT_NAME);
    name.truncate(name.trim_end().len());
    name
}

/// An `input_audio` part (`{"data": <base64>, "format": "wav"|"mp3"}`) as an `audio` block.
pub(super) fn audio(input: &Value, param: &dyn Fn() -> String) -> Result<Value, TranslateError> {
    let format = input.get("format").and_then(Value::as_str);
    let format = match format {
        Some(f @ ("wav" | "mp3")) => f,
        Some(other) => {
            return Err(TranslateError::at(
                param(),
                format!("input_audio format '{other}' is not supported; send wav or mp3"),
            ))
        }
        None => {
            return Err(TranslateError::at(
                param(),
                "input_audio needs a format ('wav' or 'mp3')",
            ))
        }
    };
    let Some(data) = input.get("data").and_then(Value::as_str) else {
        return Err(TranslateError::at(
            param(),
            "input_audio needs data (base64 of the audio)",
        ));
    };
    // No documented per-block audio limit: the document limit keeps bodies sane.
    let bytes = checked_base64(data, MAX_DOCUMENT_BYTES, "audio", param)?;
    Ok(json!({"format": format, "source": {"bytes": bytes}}))
}
