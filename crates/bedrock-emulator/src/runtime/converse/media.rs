//! Image and document blocks: Bedrock's checks on them, and the short description the emulator
//! appends to its reply for each one (`[image png 68 bytes]`).

use std::fmt::Write;

use base64::alphabet::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;

use super::wire::{ContentBlock, DocumentBlock, ImageBlock, Source};
use crate::error::ApiError;

const IMAGE_FORMATS: &str = "[png, jpeg, gif, webp]";
const DOCUMENT_FORMATS: &str = "[pdf, csv, doc, docx, xls, xlsx, html, txt, md]";
const MAX_NAME_CHARS: usize = 200;
const BAD_NAME: &str = "The document file name can only contain alphanumeric characters, whitespace characters, hyphens, parentheses, and square brackets. The name can't contain more than one consecutive whitespace character. Check that the file name conforms to these restrictions and retry your request.";

/// Standard alphabet; padding optional, as lenient JSON blob decoders accept.
pub(crate) const BASE64: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

fn listed(value: &str, set: &str) -> bool {
    set.trim_matches(['[', ']'])
        .split(", ")
        .any(|allowed| allowed == value)
}

pub(crate) fn validate_image(image: &ImageBlock<'_>, i: usize, j: usize) -> Result<(), ApiError> {
    if !listed(&image.format, IMAGE_FORMATS) {
        return Err(ApiError::constraint(
            &image.format,
            &format!("messages.{i}.member.content.{j}.member.image.format"),
            &format!("Member must satisfy enum value set: {IMAGE_FORMATS}"),
        ));
    }
    validate_source(&image.source, (i, j, "image"))
}

pub(crate) fn validate_document(
    document: &DocumentBlock<'_>,
    i: usize,
    j: usize,
) -> Result<(), ApiError> {
    let at = format!("messages.{i}.member.content.{j}.member.document");
    if let Some(format) = document.format.as_deref() {
        if !listed(format, DOCUMENT_FORMATS) {
            return Err(ApiError::constraint(
                format,
                &format!("{at}.format"),
                &format!("Member must satisfy enum value set: {DOCUMENT_FORMATS}"),
            ));
        }
    }
    let chars = document.name.chars().count();
    if chars == 0 || chars > MAX_NAME_CHARS {
        let rule = if chars == 0 {
            "Member must have length greater than or equal to 1"
        } else {
            "Member must have length less than or equal to 200"
        };
        return Err(ApiError::constraint(
            &document.name,
            &format!("{at}.name"),
            rule,
        ));
    }
    if !valid_name(&document.name) {
        return Err(ApiError::validation(BAD_NAME));
    }
    validate_source(&document.source, (i, j, "document"))
}

/// Bedrock's document-name rule: ASCII letters and digits, single spaces, `-`, `(`, `)`, `[`,
/// `]` — and `_`, which the documentation omits but the service accepts.
fn valid_name(name: &str) -> bool {
    let mut previous_space = false;
    name.chars().all(|c| {
        let space = c == ' ';
        let ok = (c.is_ascii_alphanumeric() || matches!(c, '-' | '(' | ')' | '[' | ']' | '_'))
            || (space && !previous_space);
        previous_space = space;
        ok
    })
}

fn malformed(pointer: &str, problem: &str) -> ApiError {
    ApiError::validation(format!(
        "Malformed input request: #/{pointer}: {problem}, please reformat your input and try again."
    ))
}

/// Exactly one source member, and `bytes` (when used) non-empty valid base64. `at` is the
/// message index, the block index and the block kind.
fn validate_source(source: &Source<'_>, at: (usize, usize, &str)) -> Result<(), ApiError> {
    let (i, j, kind) = at;
    let pointer = format!("messages/{i}/content/{j}/{kind}");
    let document = kind == "document";
    let members = usize::from(source.bytes.is_some())
        + usize::from(source.s3_location.is_some())
        + usize::from(document && source.text.is_some())
        + usize::from(document && source.content.is_some());
    if members != 1 {
        return Err(malformed(
            &format!("{pointer}/source"),
            "exactly one source member must be set",
        ));
    }
    let Some(bytes) = source.bytes.as_deref() else {
        return Ok(());
    };
    if bytes.is_empty() {
        return Err(ApiError::constraint(
            "",
            &format!("messages.{i}.member.content.{j}.member.{kind}.source.bytes"),
            "Member must have length greater than or equal to 1",
        ));
    }
    if BASE64.decode(bytes).is_err() {
        return Err(malformed(
            &format!("{pointer}/source/bytes"),
            "not valid base64",
        ));
    }
    Ok(())
}

/// Decoded size of base64 that passed validation (padding optional).
fn decoded_len(base64: &str) -> usize {
    base64.trim_end_matches('=').len() * 3 / 4
}

fn describe_source(source: &Source<'_>, out: &mut String) {
    let size = if let Some(bytes) = source.bytes.as_deref() {
        decoded_len(bytes)
    } else if let Some(location) = &source.s3_location {
        let _ = write!(out, " {}", location.uri);
        return;
    } else if let Some(text) = source.text.as_deref() {
        text.len()
    } else {
        source
            .content
            .iter()
            .flatten()
            .filter_map(|c| c.text.as_deref())
            .map(str::len)
            .sum()
    };
    let _ = write!(out, " {size} bytes");
}

/// Append ` [image png 68 bytes]` or ` [document report pdf 1234 bytes]` for `block`, if it is
/// an image or a document.
pub(crate) fn describe(block: &ContentBlock<'_>, out: &mut String) {
    if let Some(image) = &block.image {
        let _ = write!(out, " [image {}", image.format);
        describe_source(&image.source, out);
        out.push(']');
    } else if let Some(document) = &block.document {
        let _ = write!(out, " [document {}", document.name);
        if let Some(format) = &document.format {
            let _ = write!(out, " {format}");
        }
        describe_source(&document.source, out);
        out.push(']');
    }
}

#[cfg(test)]
#[path = "media_tests.rs"]
mod tests;
