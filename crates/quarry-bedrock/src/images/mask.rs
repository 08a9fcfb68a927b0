//! OpenAI and Bedrock disagree on what a mask is. OpenAI: a PNG whose fully transparent pixels
//! (alpha 0) mark where to edit. Titan / Nova Canvas `maskImage`: black pixels mark where to
//! edit, white where to keep. A PNG with an alpha channel is converted; a mask without alpha
//! (RGB, grey, JPEG) is taken to be black-and-white already and passed through.

use std::io::Cursor;

/// Largest mask decoded (Canvas's 4096×4096 limit, 4 bytes a pixel), against decompression bombs.
const MAX_DECODED_BYTES: usize = 4096 * 4096 * 4;

/// The mask Bedrock expects; `Ok(None)` when `png` needs no conversion.
pub fn openai_mask_to_bedrock(data: &[u8]) -> Result<Option<Vec<u8>>, String> {
    if !data.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(None);
    }
    let mut decoder = png::Decoder::new_with_limits(
        Cursor::new(data),
        png::Limits {
            bytes: MAX_DECODED_BYTES,
        },
    );
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder
        .read_info()
        .map_err(|e| format!("the mask is not a readable PNG: {e}"))?;
    let (color, _) = reader.output_color_type();
    let channels = match color {
        png::ColorType::Rgba => 4,
        png::ColorType::GrayscaleAlpha => 2,
        _ => return Ok(None),
    };
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| "the mask is too large".to_owned())?;
    let mut buf = vec![0; size];
    let info = reader
        .next_frame(&mut buf)
        .map_err(|e| format!("the mask is not a readable PNG: {e}"))?;
    let pixels = &buf[..info.buffer_size()];
    let out: Vec<u8> = pixels
        .chunks_exact(channels)
        .map(|px| if px[channels - 1] == 0 { 0 } else { 255 })
        .collect();
    let mut encoded = Vec::with_capacity(out.len() / 8 + 64);
    {
        let mut encoder = png::Encoder::new(&mut encoded, info.width, info.height);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder
            .write_header()
            .map_err(|e| format!("could not encode the mask: {e}"))?;
        writer
            .write_image_data(&out)
            .map_err(|e| format!("could not encode the mask: {e}"))?;
    }
    Ok(Some(encoded))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn png(width: u32, height: u32, color: png::ColorType, pixels: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut e = png::Encoder::new(&mut out, width, height);
        e.set_color(color);
        e.set_depth(png::BitDepth::Eight);
        e.write_header().unwrap().write_image_data(pixels).unwrap();
        out
    }

    fn decode_gray(data: &[u8]) -> Vec<u8> {
        let mut r = png::Decoder::new(Cursor::new(data)).read_info().unwrap();
        let mut buf = vec![0; r.output_buffer_size().unwrap()];
        let info = r.next_frame(&mut buf).unwrap();
        assert_eq!(info.color_type, png::ColorType::Grayscale);
        buf[..info.buffer_size()].to_vec()
    }

    #[test]
    fn transparent_pixels_become_black_and_the_rest_white() {
        // 2×1: a transparent pixel (edit here), an opaque red one (keep).
        let mask = png(2, 1, png::ColorType::Rgba, &[0, 0, 0, 0, 255, 0, 0, 255]);
        let converted = openai_mask_to_bedrock(&mask).unwrap().unwrap();
        assert_eq!(decode_gray(&converted), vec![0, 255]);
        let gray_alpha = png(2, 1, png::ColorType::GrayscaleAlpha, &[255, 0, 10, 200]);
        assert_eq!(
            decode_gray(&openai_mask_to_bedrock(&gray_alpha).unwrap().unwrap()),
            vec![0, 255]
        );
    }

    #[test]
    fn masks_without_alpha_pass_through() {
        let bw = png(2, 1, png::ColorType::Grayscale, &[0, 255]);
        assert_eq!(openai_mask_to_bedrock(&bw).unwrap(), None);
        assert_eq!(openai_mask_to_bedrock(&[0xff, 0xd8, 0xff]).unwrap(), None);
    }

    #[test]
    fn broken_pngs_are_an_error_not_a_panic() {
        let mut mask = png(2, 1, png::ColorType::Rgba, &[0, 0, 0, 0, 255, 0, 0, 255]);
        mask.truncate(40);
        assert!(openai_mask_to_bedrock(&mask).is_err());
    }
}
