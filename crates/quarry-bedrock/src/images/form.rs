//! Multipart parts → [`ImageEditRequest`]: which part is which, uploads checked to be images
//! by their bytes (PNG, JPEG, WebP signatures) rather than by the declared type, text fields
//! checked to be UTF-8. Every refusal names the part.

use std::collections::BTreeMap;

use quarry_openai::images::{ImageEditRequest, UploadedFile};

use super::multipart::Part;
use crate::chat::TranslateError;

/// An image format recognised by its leading bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
    Webp,
}

impl ImageKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Png => "PNG",
            Self::Jpeg => "JPEG",
            Self::Webp => "WebP",
        }
    }
}

/// The format of `bytes` by signature, if it is one Bedrock's image models read.
pub fn sniff_image(bytes: &[u8]) -> Option<ImageKind> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageKind::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageKind::Jpeg)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(ImageKind::Webp)
    } else {
        None
    }
}

fn image_part(part: Part) -> Result<UploadedFile, TranslateError> {
    let name = part.name.clone();
    if let Some(declared) = &part.content_type {
        let mime = declared.split(';').next().unwrap_or_default().trim();
        let acceptable = mime.to_ascii_lowercase().starts_with("image/")
            || mime.eq_ignore_ascii_case("application/octet-stream");
        if !acceptable {
            return Err(TranslateError::at(
                &name,
                format!("part '{name}' has content type '{mime}'; send a PNG, JPEG or WebP image"),
            ));
        }
    }
    if part.data.is_empty() {
        return Err(TranslateError::at(&name, format!("part '{name}' is empty")));
    }
    if sniff_image(&part.data).is_none() {
        return Err(TranslateError::at(
            &name,
            format!("part '{name}' is not a PNG, JPEG or WebP image"),
        ));
    }
    Ok(UploadedFile {
        part: part.name,
        filename: part.filename,
        content_type: part.content_type,
        data: part.data,
    })
}

fn text_part(part: &Part) -> Result<String, TranslateError> {
    String::from_utf8(part.data.to_vec()).map_err(|_| {
        TranslateError::at(
            &part.name,
            format!("part '{}' is not UTF-8 text", part.name),
        )
    })
}

fn once(slot: &mut Option<String>, part: &Part) -> Result<(), TranslateError> {
    if slot.is_some() {
        return Err(TranslateError::at(
            &part.name,
            format!("part '{}' is sent more than once", part.name),
        ));
    }
    *slot = Some(text_part(part)?);
    Ok(())
}

/// Sorts the parts of an image edit form. `image` or `image[]` (one or more) is required;
/// `mask` is optional; a file part under any other name is refused; other text fields are
/// kept in `fields`.
pub fn edit_request_from_parts(parts: Vec<Part>) -> Result<ImageEditRequest, TranslateError> {
    let mut req = ImageEditRequest::default();
    let mut fields = BTreeMap::new();
    for part in parts {
        match part.name.as_str() {
            "image" | "image[]" => req.images.push(image_part(part)?),
            "mask" => {
                if req.mask.is_some() {
                    return Err(TranslateError::at(
                        "mask",
                        "part 'mask' is sent more than once",
                    ));
                }
                req.mask = Some(image_part(part)?);
            }
            "prompt" => once(&mut req.prompt, &part)?,
            "model" => once(&mut req.model, &part)?,
            "n" => once(&mut req.n, &part)?,
            "size" => once(&mut req.size, &part)?,
            "quality" => once(&mut req.quality, &part)?,
            "response_format" => once(&mut req.response_format, &part)?,
            "output_format" => once(&mut req.output_format, &part)?,
            _ if part.filename.is_some() => {
                return Err(TranslateError::at(
                    &part.name,
                    format!(
                        "file part '{}' is not supported: send 'image' (or 'image[]') and an \
                         optional 'mask'",
                        part.name
                    ),
                ))
            }
            _ => {
                let value = text_part(&part)?;
                fields.insert(part.name, value);
            }
        }
    }
    if req.images.is_empty() {
        return Err(TranslateError::at(
            "image",
            "part 'image' is required: the image to edit",
        ));
    }
    req.fields = fields;
    Ok(req)
}
