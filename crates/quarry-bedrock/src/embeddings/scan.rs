//! A small JSON reader for embeddings answers, built for one job: find the few members Quarry
//! needs and hand back each vector as the exact text of a JSON array of numbers. Vectors are
//! checked by a branch-free pass over the grammar's local rules (falling back to a strict
//! check of every number when that pass fails, e.g. on whitespace); everything else is skipped
//! structurally (strings and nesting respected), flat arrays such as Titan's duplicate
//! `embeddingsByType.float` by one vectorised search for their closing bracket. A full parse
//! of a 96-vector answer costs several milliseconds; this costs a fraction of one.

use memchr::{memchr2, memchr3};

/// Where and why an answer stopped making sense.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScanError {
    pub at: usize,
    pub expected: &'static str,
}

impl std::fmt::Display for ScanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "expected {} at byte {}", self.expected, self.at)
    }
}

pub(crate) type Result<T> = std::result::Result<T, ScanError>;

pub(crate) struct Scan<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Scan<'a> {
    pub fn new(s: &'a [u8]) -> Self {
        Self { s, i: 0 }
    }

    fn fail<T>(&self, expected: &'static str) -> Result<T> {
        Err(ScanError {
            at: self.i,
            expected,
        })
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.s.get(self.i) {
            self.i += 1;
        }
    }

    /// The next byte that is not whitespace.
    pub fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, byte: u8, expected: &'static str) -> Result<()> {
        if self.peek() == Some(byte) {
            self.i += 1;
            Ok(())
        } else {
            self.fail(expected)
        }
    }

    /// Only whitespace may follow the value just read.
    pub fn end(&mut self) -> Result<()> {
        match self.peek() {
            None => Ok(()),
            Some(_) => self.fail("the end of the answer"),
        }
    }

    /// Walks the object at the cursor; `member` gets each key (raw, escapes not decoded) and
    /// must consume its value.
    pub fn object(
        &mut self,
        mut member: impl FnMut(&'a [u8], &mut Self) -> Result<()>,
    ) -> Result<()> {
        self.eat(b'{', "an object")?;
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(());
        }
        loop {
            if self.peek() != Some(b'"') {
                return self.fail("a member name");
            }
            let key = self.string()?;
            self.eat(b':', "':'")?;
            member(key, self)?;
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return self.fail("',' or '}'"),
            }
        }
    }

    /// Walks the array at the cursor; `item` must consume each element.
    pub fn array(&mut self, mut item: impl FnMut(&mut Self) -> Result<()>) -> Result<()> {
        self.eat(b'[', "an array")?;
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(());
        }
        loop {
            item(self)?;
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return self.fail("',' or ']'"),
            }
        }
    }

    /// The string at the cursor, without its quotes and with escapes left as they are.
    fn string(&mut self) -> Result<&'a [u8]> {
        self.eat(b'"', "a string")?;
        let start = self.i;
        loop {
            match memchr2(b'"', b'\\', &self.s[self.i..]) {
                None => return self.fail("the end of a string"),
                Some(p) if self.s[self.i + p] == b'\\' => self.i += p + 2,
                Some(p) => {
                    self.i += p + 1;
                    return Ok(&self.s[start..self.i - 1]);
                }
            }
        }
    }

    /// A non-negative integer, or `None` for `null`.
    pub fn u64_or_null(&mut self) -> Result<Option<u64>> {
        if self.peek() == Some(b'n') {
            return self.literal(b"null").map(|()| None);
        }
        let start = self.i;
        while self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        std::str::from_utf8(&self.s[start..self.i])
            .ok()
            .and_then(|d| d.parse().ok())
            .map(Some)
            .ok_or(ScanError {
                at: start,
                expected: "a token count",
            })
    }

    fn literal(&mut self, word: &'static [u8]) -> Result<()> {
        if self.s[self.i..].starts_with(word) {
            self.i += word.len();
            Ok(())
        } else {
            self.fail("true, false or null")
        }
    }

    /// One JSON number, checked against the grammar.
    fn number(&mut self) -> Result<()> {
        match number_end(self.s, self.i) {
            Some(end) => {
                self.i = end;
                Ok(())
            }
            None => self.fail("a number"),
        }
    }

    /// The text of the array of numbers at the cursor (brackets included).
    ///
    /// Fast path: an array up to the first `]` (no `[` or `"` before it) whose bytes pass
    /// [`looks_like_numbers`] is taken after that one branch-free pass. Anything else —
    /// whitespace, a broken rule — takes the strict path, which checks each number against
    /// the grammar.
    pub fn number_array(&mut self) -> Result<&'a str> {
        self.ws();
        let start = self.i;
        if self.s.get(start) == Some(&b'[') {
            let rest = &self.s[start + 1..];
            if let Some(len) = memchr3(b']', b'[', b'"', rest) {
                if rest[len] == b']' && looks_like_numbers(&rest[..len]) {
                    self.i = start + len + 2;
                    return self.text(start);
                }
            }
        }
        self.strict_number_array(start)
    }

    fn text(&self, start: usize) -> Result<&'a str> {
        // Only ASCII was accepted, so this cannot fail.
        std::str::from_utf8(&self.s[start..self.i]).or(Err(ScanError {
            at: start,
            expected: "an array of numbers",
        }))
    }

    /// Every number checked against the grammar, whitespace allowed.
    fn strict_number_array(&mut self, start: usize) -> Result<&'a str> {
        self.eat(b'[', "an array of numbers")?;
        if self.peek() == Some(b']') {
            self.i += 1;
        } else {
            loop {
                self.ws();
                match number_end(self.s, self.i) {
                    Some(end) => self.i = end,
                    None => return self.fail("a number"),
                }
                // The common case first: a comma right after the number.
                match self.s.get(self.i) {
                    Some(b',') => self.i += 1,
                    Some(b']') => {
                        self.i += 1;
                        break;
                    }
                    _ => match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            break;
                        }
                        _ => return self.fail("',' or ']'"),
                    },
                }
            }
        }
        self.text(start)
    }

    /// The text of the value at the cursor, skipped.
    pub fn raw_value(&mut self) -> Result<&'a str> {
        self.ws();
        let start = self.i;
        self.skip()?;
        std::str::from_utf8(&self.s[start..self.i]).or(Err(ScanError {
            at: start,
            expected: "UTF-8",
        }))
    }

    /// Skips the value at the cursor.
    pub fn skip(&mut self) -> Result<()> {
        match self.peek() {
            Some(b'"') => self.string().map(|_| ()),
            Some(b'[' | b'{') => self.skip_nested(),
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => self.fail("a value"),
        }
    }

    fn skip_nested(&mut self) -> Result<()> {
        let mut depth = 0usize;
        while let Some(&b) = self.s.get(self.i) {
            match b {
                b'"' => {
                    self.string()?;
                    if depth == 0 {
                        return Ok(());
                    }
                    continue;
                }
                b'[' if self.skip_flat_array() => {
                    if depth == 0 {
                        return Ok(());
                    }
                    continue;
                }
                b'[' | b'{' => depth += 1,
                b']' | b'}' => {
                    depth = depth.checked_sub(1).ok_or(ScanError {
                        at: self.i,
                        expected: "a value",
                    })?;
                    if depth == 0 {
                        self.i += 1;
                        return Ok(());
                    }
                }
                _ => {}
            }
            self.i += 1;
        }
        self.fail("the end of an array or object")
    }

    /// At a `[`: skips the array when the first of `]`, `[` and `"` after it is a `]`. A `]`
    /// that does not close this array sits inside a string or a nested array, so one of the
    /// other two comes first. One vectorised search.
    fn skip_flat_array(&mut self) -> bool {
        let rest = &self.s[self.i + 1..];
        match memchr3(b']', b'[', b'"', rest) {
            Some(len) if rest[len] == b']' => {
                self.i += len + 2;
                true
            }
            _ => false,
        }
    }
}

const DIGIT: u8 = 1;
const COMMA: u8 = 2;
const POINT: u8 = 4;
const MINUS: u8 = 8;
const EXP: u8 = 16;
const PLUS: u8 = 32;
const ZERO: u8 = 64;

/// The byte's class bits (0 for a byte no number list may hold).
#[inline(always)]
fn class(b: u8) -> u8 {
    u8::from(b.wrapping_sub(b'0') < 10)
        | (u8::from(b == b',') << 1)
        | (u8::from(b == b'.') << 2)
        | (u8::from(b == b'-') << 3)
        | (u8::from((b | 0x20) == b'e') << 4)
        | (u8::from(b == b'+') << 5)
        | (u8::from(b == b'0') << 6)
}

/// The classes that may follow a byte of class `c` in a list of numbers without whitespace:
/// a digit is followed by a digit, `,`, `.` or exponent; `,` by a digit or `-`; `.`, `-` and
/// `+` by a digit; an exponent by a digit or a sign.
#[inline(always)]
fn may_follow(c: u8) -> u8 {
    let when = |bit: u8, next: u8| 0u8.wrapping_sub(u8::from(c & bit != 0)) & next;
    when(DIGIT, DIGIT | COMMA | POINT | EXP)
        | when(COMMA, DIGIT | MINUS)
        | when(POINT, DIGIT)
        | when(MINUS, DIGIT)
        | when(EXP, DIGIT | MINUS | PLUS)
        | when(PLUS, DIGIT)
}

/// Whether `inner` (an array's text between its brackets) is a comma-separated list of
/// numbers by the grammar's local rules: only number bytes, each allowed after the one
/// before (see [`may_follow`]), starting with a digit or `-`, ending with a digit, and no
/// integer part with a leading zero. One branch-free pass the compiler vectorises. What local
/// rules cannot see — a second `.` or exponent inside one number — Bedrock's serialisers
/// never write, and no byte that could end the array, a string or the document passes.
fn looks_like_numbers(inner: &[u8]) -> bool {
    let (Some(&first), Some(&last)) = (inner.first(), inner.last()) else {
        return true;
    };
    let mut bad = u8::from(class(first) & (DIGIT | MINUS) == 0)
        | u8::from(class(last) & DIGIT == 0)
        | u8::from(first == b'0' && inner.get(1).is_some_and(u8::is_ascii_digit));
    for w in inner.windows(3) {
        let (a, b, c) = (class(w[0]), class(w[1]), class(w[2]));
        bad |= u8::from(may_follow(a) & b == 0);
        // `,0d`, `-0d`: a leading zero.
        bad |= u8::from((a & (COMMA | MINUS) != 0) & (b & ZERO != 0) & (c & DIGIT != 0));
    }
    if let [.., a, b] = inner {
        bad |= u8::from(may_follow(class(*a)) & class(*b) == 0);
    }
    bad == 0
}

/// Where the JSON number starting at `i` ends, or `None` if none starts there:
/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`. Written for the hot loop: no slicing,
/// a branch-free sign, digit runs eight bytes at a time.
#[inline]
fn number_end(s: &[u8], i: usize) -> Option<usize> {
    let i = i + usize::from(s.get(i) == Some(&b'-'));
    let int = digit_run(s, i);
    if int == 0 || (int > 1 && s[i] == b'0') {
        return None;
    }
    let mut i = i + int;
    if s.get(i) == Some(&b'.') {
        let frac = digit_run(s, i + 1);
        if frac == 0 {
            return None;
        }
        i += 1 + frac;
    }
    if let Some(b'e' | b'E') = s.get(i) {
        i += 1;
        i += usize::from(matches!(s.get(i), Some(b'+' | b'-')));
        let exp = digit_run(s, i);
        if exp == 0 {
            return None;
        }
        i += exp;
    }
    Some(i)
}

/// The length of the run of ASCII digits at `start`, eight bytes at a time. A byte `b` is a
/// digit when `b ^ 0x30` is below 10, i.e. neither it nor `(it & 0x7f) + 0x76` has its top
/// bit set (the masked add cannot carry into the next byte).
#[inline]
fn digit_run(s: &[u8], start: usize) -> usize {
    let mut n = start;
    while let Some(chunk) = s.get(n..n + 8) {
        let word: [u8; 8] = chunk.try_into().unwrap_or_default();
        let x = u64::from_le_bytes(word) ^ 0x3030_3030_3030_3030;
        let high = ((x & 0x7f7f_7f7f_7f7f_7f7f).wrapping_add(0x7676_7676_7676_7676) | x)
            & 0x8080_8080_8080_8080;
        if high != 0 {
            return n - start + (high.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    while s.get(n).is_some_and(u8::is_ascii_digit) {
        n += 1;
    }
    n - start
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn array(text: &str) -> Result<String> {
        let mut scan = Scan::new(text.as_bytes());
        let out = scan.number_array()?.to_owned();
        scan.end()?;
        Ok(out)
    }

    #[test]
    fn number_arrays_follow_json_grammar() {
        for ok in [
            "[]",
            " [ ] ",
            "[0]",
            "[-0.5,1e10,2E-3,3.25e+2, 7 ,\n-12]",
            "[0.1,-2.5,3.4028235e38,1e-45]",
        ] {
            assert_eq!(array(ok).unwrap(), ok.trim(), "{ok}");
        }
        for bad in [
            "[01]", "[1.]", "[.5]", "[1e]", "[+1]", "[1,]", "[,1]", "[1 2]", "[\"1\"]", "[NaN]",
            "[1", "[[1]]", "[1]x", "{}",
        ] {
            assert!(array(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_fast_path_agrees_with_the_grammar_on_lists_without_whitespace() {
        for ok in [
            "",
            "0",
            "-0.5,1e10,2E-3,3.25e+2,7,-12",
            "0.1,-2.5,3.4028235e38,1e-45,0,-0",
        ] {
            assert!(looks_like_numbers(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "01", "1,02", "-01", "1.", ".5", "1e", "+1", "1,", ",1", "1,,2", "1-2", "1 2", "1e+",
            "NaN", "1,x", "\"1\"", "1}", "-", "-.5", "1..2", "e5",
        ] {
            assert!(!looks_like_numbers(bad.as_bytes()), "{bad}");
        }
        // Whitespace leaves the fast path; the strict path still takes valid text.
        assert_eq!(array("[1, 2]").unwrap(), "[1, 2]");
    }

    #[test]
    fn digit_runs_at_every_length_and_byte() {
        for len in 0..40 {
            for stop in 0..=255u8 {
                let mut text = vec![b'7'; len];
                text.push(stop);
                let expected = if stop.is_ascii_digit() { len + 1 } else { len };
                assert_eq!(digit_run(&text, 0), expected, "{len} digits then {stop:#x}");
                text.insert(0, b'x');
                assert_eq!(
                    digit_run(&text, 1),
                    expected,
                    "from 1: {len} then {stop:#x}"
                );
            }
        }
    }

    #[test]
    fn members_are_found_and_everything_else_skipped() {
        let text = br#"{"a":"x\"y}]","b":[1,[2,{"c":"]"}]],"skip":{"k":[true,false,null]},"n":-1.5e3,"flat":[1,2,3],"embedding":[1,2],"count":7}"#;
        let mut scan = Scan::new(text);
        let mut found = (None, None);
        scan.object(|key, scan| match key {
            b"embedding" => {
                found.0 = Some(scan.number_array()?.to_owned());
                Ok(())
            }
            b"count" => {
                found.1 = scan.u64_or_null()?;
                Ok(())
            }
            _ => scan.skip(),
        })
        .unwrap();
        scan.end().unwrap();
        assert_eq!(found, (Some("[1,2]".to_owned()), Some(7)));
    }

    #[test]
    fn broken_documents_are_errors() {
        for bad in [
            &br#"{"a":"unterminated}"#[..],
            br#"{"a":[1,2}"#,
            br#"{"a" 1}"#,
            br#"{"a":1"#,
            br#"{"a":tru}"#,
            br#"{"a":[{"b":1]}"#,
        ] {
            let mut scan = Scan::new(bad);
            let result = scan.object(|_, scan| scan.skip()).and_then(|()| scan.end());
            assert!(result.is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }
}
