#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Golden request/response pairs per image family, size mapping, forms and the parser.

mod edit;
mod generation;
mod multipart;

/// A 1×1 PNG's first bytes (the signature is what Quarry checks).
pub(super) const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
pub(super) const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'];
pub(super) const WEBP: &[u8] = b"RIFF\x24\0\0\0WEBPVP8 ";
