use crate::images::*;

const BOUNDARY: &str = "----quarry7MA4YWxkTrZu0gW";

/// A form as reqwest (the OpenAI SDK's HTTP client) writes it, with data that contains
/// near-misses of the delimiter.
fn form() -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(b"preamble to ignore\r\n");
    body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
    body.extend_from_slice(b"Content-Disposition: form-data; name=\"prompt\"\r\n\r\n");
    body.extend_from_slice(b"a hat; with \"quotes\"");
    body.extend_from_slice(format!("\r\n--{BOUNDARY}\r\n").as_bytes());
    body.extend_from_slice(
        b"content-disposition: form-data; name=\"image\"; filename=\"a;b \\\"c\\\".png\"\r\n",
    );
    body.extend_from_slice(b"Content-Type: image/png\r\n\r\n");
    body.extend_from_slice(b"\x89PNG\r\n\x1a\n\r\n--not-the-boundary\r\nxx--");
    body.extend_from_slice(BOUNDARY.as_bytes());
    body.extend_from_slice(b"x\0\xff");
    body.extend_from_slice(format!("\r\n--{BOUNDARY}\r\n").as_bytes());
    body.extend_from_slice(b"Content-Disposition: form-data; name=empty\r\n\r\n");
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\nepilogue").as_bytes());
    body
}

fn check(parts: &[Part]) {
    assert_eq!(parts.len(), 3);
    assert_eq!(parts[0].name, "prompt");
    assert_eq!(&parts[0].data[..], b"a hat; with \"quotes\"");
    assert_eq!(parts[0].filename, None);
    assert_eq!(parts[1].name, "image");
    assert_eq!(parts[1].filename.as_deref(), Some("a;b \"c\".png"));
    assert_eq!(parts[1].content_type.as_deref(), Some("image/png"));
    let mut image = b"\x89PNG\r\n\x1a\n\r\n--not-the-boundary\r\nxx--".to_vec();
    image.extend_from_slice(BOUNDARY.as_bytes());
    image.extend_from_slice(b"x\0\xff");
    assert_eq!(&parts[1].data[..], &image[..]);
    assert_eq!(parts[2].name, "empty");
    assert!(parts[2].data.is_empty());
}

fn parse_chunks<'a>(
    chunks: impl IntoIterator<Item = &'a [u8]>,
) -> Result<Vec<Part>, MultipartError> {
    let mut parser = MultipartParser::new(BOUNDARY);
    for chunk in chunks {
        parser.feed(chunk)?;
    }
    parser.finish()
}

#[test]
fn whole_body_parses() {
    let body = form();
    check(&parse_chunks([&body[..]]).unwrap());
}

#[test]
fn every_split_point_gives_the_same_parts() {
    let body = form();
    for at in 0..=body.len() {
        let parts = parse_chunks([&body[..at], &body[at..]])
            .unwrap_or_else(|e| panic!("split at {at}: {e}"));
        check(&parts);
    }
}

#[test]
fn one_byte_at_a_time() {
    let body = form();
    check(&parse_chunks(body.chunks(1)).unwrap());
    check(&parse_chunks(body.chunks(7)).unwrap());
}

#[test]
fn a_body_may_open_with_its_boundary() {
    let body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\n2\r\n--{BOUNDARY}--"
    );
    let parts = parse_chunks([body.as_bytes()]).unwrap();
    assert_eq!(parts.len(), 1);
    assert_eq!(&parts[0].data[..], b"2");
}

#[test]
fn boundary_from_the_content_type() {
    assert_eq!(
        boundary("multipart/form-data; boundary=abc").unwrap(),
        "abc"
    );
    assert_eq!(
        boundary("Multipart/Form-Data; charset=utf-8; BOUNDARY=\"a b\"").unwrap(),
        "a b"
    );
    for (bad, message) in [
        ("application/json", "must be multipart/form-data"),
        ("multipart/form-data", "has no boundary"),
        ("multipart/form-data; boundary=", "1 to 70"),
    ] {
        let e = boundary(bad).unwrap_err();
        assert!(e.0.contains(message), "{bad}: {e}");
    }
}

#[test]
fn truncated_and_malformed_bodies_are_errors() {
    let body = form();
    let cut = &body[..body.len() - 20];
    let e = parse_chunks([cut]).unwrap_err();
    assert!(e.0.contains("ended before its closing boundary"), "{e}");

    let e = parse_chunks([&b"no boundary here at all"[..]]).unwrap_err();
    assert!(e.0.contains("no multipart boundary line"), "{e}");

    let no_name = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; filename=\"x\"\r\n\r\nx\r\n--{BOUNDARY}--"
    );
    let e = parse_chunks([no_name.as_bytes()]).unwrap_err();
    assert!(e.0.contains("no Content-Disposition name"), "{e}");

    let junk = format!("--{BOUNDARY}junk\r\n");
    let e = parse_chunks([junk.as_bytes()]).unwrap_err();
    assert!(e.0.contains("expected CRLF"), "{e}");

    let attachment = format!(
        "--{BOUNDARY}\r\nContent-Disposition: attachment; name=\"x\"\r\n\r\nx\r\n--{BOUNDARY}--"
    );
    let e = parse_chunks([attachment.as_bytes()]).unwrap_err();
    assert!(e.0.contains("must be form-data"), "{e}");
}

#[test]
fn part_count_and_header_size_are_bounded() {
    let mut many = String::new();
    for i in 0..=MAX_PARTS {
        many.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"f{i}\"\r\n\r\nv\r\n"
        ));
    }
    many.push_str(&format!("--{BOUNDARY}--"));
    let e = parse_chunks([many.as_bytes()]).unwrap_err();
    assert!(e.0.contains("more than 64 parts"), "{e}");

    let long = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"x\"\r\nX-Pad: {}\r\n\r\n",
        "a".repeat(MAX_HEADER_BYTES)
    );
    let e = parse_chunks(long.as_bytes().chunks(100)).unwrap_err();
    assert!(e.0.contains("headers are longer than"), "{e}");
}

#[test]
fn parts_debug_without_their_bytes() {
    let parts = parse_chunks([&form()[..]]).unwrap();
    let shown = format!("{:?}", parts[0]);
    assert!(shown.contains("bytes: 20"), "{shown}");
    assert!(!shown.contains("hat"), "{shown}");
}
