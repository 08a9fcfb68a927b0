//! An incremental `multipart/form-data` parser (RFC 7578): the body is fed in chunks as they
//! arrive, split anywhere — inside a boundary, a header or a CRLF — and parts come out whole
//! with their data sliced from the buffer without copying. Limits on the part count and the
//! header size bound memory besides the body itself (whose size the caller limits).

use bytes::{Buf, Bytes, BytesMut};

/// At most this many parts per form.
pub const MAX_PARTS: usize = 64;
/// At most this many bytes of headers per part.
pub const MAX_HEADER_BYTES: usize = 8 * 1024;

/// One part of the form.
#[derive(Clone, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Bytes,
}

impl std::fmt::Debug for Part {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Part")
            .field("name", &self.name)
            .field("filename", &self.filename)
            .field("content_type", &self.content_type)
            .field("bytes", &self.data.len())
            .finish()
    }
}

/// Why a body is not a form Quarry can read; always the client's fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MultipartError(pub String);

fn error(message: impl Into<String>) -> MultipartError {
    MultipartError(message.into())
}

/// The boundary of a `multipart/form-data` Content-Type, or why there is none.
pub fn boundary(content_type: &str) -> Result<String, MultipartError> {
    let mut params = content_type.split(';');
    let mime = params.next().unwrap_or_default().trim();
    if !mime.eq_ignore_ascii_case("multipart/form-data") {
        return Err(error(format!(
            "the body must be multipart/form-data, got content type '{mime}'"
        )));
    }
    let boundary = params
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim().trim_matches('"').to_owned())
        .ok_or_else(|| error("the multipart/form-data content type has no boundary"))?;
    if boundary.is_empty() || boundary.len() > 70 {
        return Err(error("the multipart boundary must be 1 to 70 characters"));
    }
    Ok(boundary)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the first boundary.
    Preamble,
    /// Just after a boundary: `--` ends the form, CRLF starts a part.
    AfterBoundary,
    Headers,
    /// Reading a part's data; `scanned` bytes are known not to start the delimiter.
    Data {
        scanned: usize,
    },
    Done,
}

/// Feed it chunks with [`feed`](Self::feed), then take the parts with
/// [`finish`](Self::finish).
pub struct MultipartParser {
    /// `\r\n--boundary`: what ends a part's data.
    delimiter: Vec<u8>,
    buf: BytesMut,
    state: State,
    /// Part of the preamble was dropped: a boundary no longer opens the buffer's start.
    trimmed: bool,
    head: Option<(String, Option<String>, Option<String>)>,
    parts: Vec<Part>,
}

impl MultipartParser {
    pub fn new(boundary: &str) -> Self {
        let mut delimiter = b"\r\n--".to_vec();
        delimiter.extend_from_slice(boundary.as_bytes());
        Self {
            delimiter,
            buf: BytesMut::new(),
            state: State::Preamble,
            trimmed: false,
            head: None,
            parts: Vec::new(),
        }
    }

    /// Adds the next chunk of the body and parses every part it completes.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), MultipartError> {
        if self.state == State::Done {
            return Ok(()); // the epilogue is ignored
        }
        self.buf.extend_from_slice(chunk);
        while self.step()? {}
        Ok(())
    }

    /// The parts, once the closing boundary has been seen.
    pub fn finish(self) -> Result<Vec<Part>, MultipartError> {
        match self.state {
            State::Done => Ok(self.parts),
            State::Preamble => Err(error(
                "the body has no multipart boundary line; is the boundary in the content type the one the body uses?",
            )),
            _ => Err(error(
                "the multipart body ended before its closing boundary",
            )),
        }
    }

    /// One transition; `false` when more input is needed.
    fn step(&mut self) -> Result<bool, MultipartError> {
        match self.state {
            State::Preamble => {
                // The first boundary may open the body (no CRLF before it).
                let open = &self.delimiter[2..];
                if self.buf.len() < open.len() {
                    return Ok(false);
                }
                if !self.trimmed && self.buf.starts_with(open) {
                    self.buf.advance(open.len());
                    self.state = State::AfterBoundary;
                    return Ok(true);
                }
                match find(&self.buf, &self.delimiter, 0) {
                    Some(at) => {
                        self.buf.advance(at + self.delimiter.len());
                        self.state = State::AfterBoundary;
                        Ok(true)
                    }
                    None => {
                        // Keep only what could still begin the delimiter.
                        let keep = self.delimiter.len() - 1;
                        if self.buf.len() > keep {
                            self.buf.advance(self.buf.len() - keep);
                            self.trimmed = true;
                        }
                        Ok(false)
                    }
                }
            }
            State::AfterBoundary => {
                if self.buf.len() < 2 {
                    return Ok(false);
                }
                if self.buf.starts_with(b"--") {
                    self.state = State::Done;
                    self.buf.clear();
                    return Ok(false);
                }
                // Transport padding (spaces, tabs) may precede the CRLF.
                let padding = self
                    .buf
                    .iter()
                    .take_while(|b| **b == b' ' || **b == b'\t')
                    .count();
                if self.buf.len() < padding + 2 {
                    if padding > 256 {
                        return Err(error("malformed multipart boundary line"));
                    }
                    return Ok(false);
                }
                if &self.buf[padding..padding + 2] != b"\r\n" {
                    return Err(error(
                        "malformed multipart boundary line: expected CRLF after the boundary",
                    ));
                }
                self.buf.advance(padding + 2);
                self.state = State::Headers;
                Ok(true)
            }
            State::Headers => {
                if self.parts.len() >= MAX_PARTS {
                    return Err(error(format!("the form has more than {MAX_PARTS} parts")));
                }
                // A part without headers starts with the blank line itself.
                let end = if self.buf.starts_with(b"\r\n") {
                    Some((0, 2))
                } else {
                    find(&self.buf, b"\r\n\r\n", 0).map(|at| (at, at + 4))
                };
                let Some((end, skip)) = end else {
                    if self.buf.len() > MAX_HEADER_BYTES {
                        return Err(error(format!(
                            "a part's headers are longer than {MAX_HEADER_BYTES} bytes"
                        )));
                    }
                    return Ok(false);
                };
                if end > MAX_HEADER_BYTES {
                    return Err(error(format!(
                        "a part's headers are longer than {MAX_HEADER_BYTES} bytes"
                    )));
                }
                let head = std::str::from_utf8(&self.buf[..end])
                    .map_err(|_| error("a part's headers are not valid UTF-8"))?;
                self.head = Some(parse_head(head)?);
                self.buf.advance(skip);
                self.state = State::Data { scanned: 0 };
                Ok(true)
            }
            State::Data { scanned } => match find(&self.buf, &self.delimiter, scanned) {
                Some(at) => {
                    let data = self.buf.split_to(at).freeze();
                    self.buf.advance(self.delimiter.len());
                    let (name, filename, content_type) = self.head.take().unwrap_or_default();
                    self.parts.push(Part {
                        name,
                        filename,
                        content_type,
                        data,
                    });
                    self.state = State::AfterBoundary;
                    Ok(true)
                }
                None => {
                    let scanned = self.buf.len().saturating_sub(self.delimiter.len() - 1);
                    self.state = State::Data { scanned };
                    Ok(false)
                }
            },
            State::Done => Ok(false),
        }
    }
}

/// First position at or after `from` where `needle` occurs.
fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let first = *needle.first()?;
    let mut i = from;
    while i + needle.len() <= haystack.len() {
        match haystack[i..=haystack.len() - needle.len()]
            .iter()
            .position(|b| *b == first)
        {
            None => return None,
            Some(offset) => {
                i += offset;
                if haystack[i..].starts_with(needle) {
                    return Some(i);
                }
                i += 1;
            }
        }
    }
    None
}

/// `Content-Disposition: form-data; name="…"; filename="…"` and `Content-Type` of a part.
fn parse_head(head: &str) -> Result<(String, Option<String>, Option<String>), MultipartError> {
    let mut name = None;
    let mut filename = None;
    let mut content_type = None;
    for line in head.split("\r\n") {
        let Some((key, value)) = line.split_once(':') else {
            return Err(error(format!("malformed part header '{line}'")));
        };
        let key = key.trim();
        if key.eq_ignore_ascii_case("content-disposition") {
            let (kind, params) = value.split_once(';').unwrap_or((value, ""));
            if !kind.trim().eq_ignore_ascii_case("form-data") {
                return Err(error("a part's Content-Disposition must be form-data"));
            }
            for (k, v) in disposition_params(params) {
                if k.eq_ignore_ascii_case("name") {
                    name = Some(v);
                } else if k.eq_ignore_ascii_case("filename") {
                    filename = Some(v);
                }
            }
        } else if key.eq_ignore_ascii_case("content-type") {
            content_type = Some(value.trim().to_owned());
        }
    }
    let name = name.ok_or_else(|| error("a part has no Content-Disposition name"))?;
    Ok((name, filename, content_type))
}

/// `; name="a"; filename="b.png"` → pairs; quoted values may hold `;` and `\"`.
fn disposition_params(params: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = params.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ';' || c.is_whitespace()) {
            chars.next();
        }
        let key: String = chars.by_ref().take_while(|c| *c != '=').collect();
        if key.is_empty() {
            return out;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '"' => break,
                    c => value.push(c),
                }
            }
        } else {
            while let Some(c) = chars.peek().copied() {
                if c == ';' {
                    break;
                }
                value.push(c);
                chars.next();
            }
            value = value.trim().to_owned();
        }
        out.push((key.trim().to_owned(), value));
    }
}
