#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Frames cut at every split point, bad checksums, and the vectors of bedrock-wire.md §3.3.

use super::*;

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

const MESSAGE_START: &str = "000000760000005296d5fade0b3a6576656e742d7479706507000c6d65737361676553746172740d3a636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e0d3a6d6573736167652d747970650700056576656e747b22726f6c65223a22617373697374616e74227d6fa8c599";
const DELTA_HELLO: &str = "0000009700000057f30be03e0b3a6576656e742d74797065070011636f6e74656e74426c6f636b44656c74610d3a636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e0d3a6d6573736167652d747970650700056576656e747b22636f6e74656e74426c6f636b496e646578223a302c2264656c7461223a7b2274657874223a2248656c6c6f227d7d67623831";
const THROTTLING: &str = "000000b2000000613590d5d30f3a657863657074696f6e2d747970650700137468726f74746c696e67457863657074696f6e0d3a636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e0d3a6d6573736167652d74797065070009657863657074696f6e7b226d657373616765223a22546f6f206d616e792072657175657374732c20706c656173652077616974206265666f726520747279696e6720616761696e2e227de8ffb26a";
const ERROR_FRAME: &str = "0000007000000060d1425efe0d3a6d6573736167652d747970650700056572726f720b3a6572726f722d636f646507000f496e7465726e616c4661696c7572650e3a6572726f722d6d65737361676507001a416e20696e7465726e616c206572726f72206f636375727265643db20b91";

fn all_frames() -> Vec<u8> {
    [MESSAGE_START, DELTA_HELLO, THROTTLING, ERROR_FRAME]
        .iter()
        .flat_map(|h| unhex(h))
        .collect()
}

fn expected() -> Vec<Frame> {
    vec![
        Frame::Event {
            event_type: "messageStart".into(),
            payload: Bytes::from_static(br#"{"role":"assistant"}"#),
        },
        Frame::Event {
            event_type: "contentBlockDelta".into(),
            payload: Bytes::from_static(br#"{"contentBlockIndex":0,"delta":{"text":"Hello"}}"#),
        },
        Frame::Exception {
            exception_type: "throttlingException".into(),
            payload: Bytes::from_static(
                br#"{"message":"Too many requests, please wait before trying again."}"#,
            ),
        },
        Frame::Error {
            code: "InternalFailure".into(),
            message: "An internal error occurred".into(),
        },
    ]
}

fn drain(decoder: &mut FrameDecoder, out: &mut Vec<Frame>) {
    while let Some(frame) = decoder.next_frame().unwrap() {
        out.push(frame);
    }
}

#[test]
fn decodes_the_reference_vectors_in_one_read() {
    let mut d = FrameDecoder::new();
    d.push(&all_frames());
    let mut got = Vec::new();
    drain(&mut d, &mut got);
    assert_eq!(got, expected());
    assert!(!d.has_partial_frame());
}

#[test]
fn decodes_when_split_at_every_point() {
    let bytes = all_frames();
    for cut in 0..=bytes.len() {
        let mut d = FrameDecoder::new();
        let mut got = Vec::new();
        d.push(&bytes[..cut]);
        drain(&mut d, &mut got);
        d.push(&bytes[cut..]);
        drain(&mut d, &mut got);
        assert_eq!(got, expected(), "split at {cut}");
        assert!(!d.has_partial_frame());
    }
}

#[test]
fn decodes_when_fed_in_pieces_of_every_size() {
    let bytes = all_frames();
    for size in 1..=bytes.len() {
        let mut d = FrameDecoder::new();
        let mut got = Vec::new();
        for piece in bytes.chunks(size) {
            d.push(piece);
            drain(&mut d, &mut got);
        }
        assert_eq!(got, expected(), "pieces of {size}");
    }
}

#[test]
fn a_truncated_body_leaves_a_partial_frame() {
    let bytes = all_frames();
    let first = unhex(MESSAGE_START).len();
    for cut in [first + 1, first + 11, first + 12, first + 40] {
        let mut d = FrameDecoder::new();
        d.push(&bytes[..cut]);
        let mut got = Vec::new();
        drain(&mut d, &mut got);
        assert_eq!(got.len(), 1);
        assert!(d.has_partial_frame(), "cut at {cut}");
    }
}

#[test]
fn a_bad_message_checksum_is_an_error() {
    let mut bytes = unhex(DELTA_HELLO);
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    let mut d = FrameDecoder::new();
    d.push(&bytes);
    let err = d.next_frame().unwrap_err();
    assert!(matches!(err, FrameError::Corrupt(_)), "{err:?}");
}

#[test]
fn a_bad_prelude_checksum_is_an_error() {
    let mut bytes = unhex(DELTA_HELLO);
    bytes[9] ^= 0x01;
    let mut d = FrameDecoder::new();
    d.push(&bytes);
    assert!(d.next_frame().is_err());
}

#[test]
fn a_payload_bit_flip_is_caught_by_the_message_crc() {
    let mut bytes = unhex(DELTA_HELLO);
    let payload_byte = bytes.len() - 10;
    bytes[payload_byte] ^= 0x20;
    let mut d = FrameDecoder::new();
    d.push(&bytes);
    assert!(d.next_frame().is_err());
}

#[test]
fn absurd_lengths_are_refused_without_buffering_forever() {
    let mut d = FrameDecoder::new();
    d.push(&[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(d.next_frame(), Err(FrameError::BadLength(u32::MAX)));
    let mut d = FrameDecoder::new();
    d.push(&[0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(d.next_frame(), Err(FrameError::BadLength(3)));
}

#[test]
fn garbage_input_never_panics() {
    let mut seed = 0x1234_5678_u32;
    for _ in 0..2000 {
        let mut bytes = all_frames();
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let i = (seed as usize) % bytes.len();
        bytes[i] = (seed >> 24) as u8;
        let mut d = FrameDecoder::new();
        d.push(&bytes);
        while let Ok(Some(_)) = d.next_frame() {}
    }
}

#[test]
fn exception_message_reads_the_json_message() {
    assert_eq!(
        exception_message(br#"{"message":"slow down","p":"abc"}"#),
        "slow down"
    );
    assert_eq!(exception_message(b"not json"), "not json");
}
