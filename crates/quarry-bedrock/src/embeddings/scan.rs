//! A small JSON reader for embeddings answers, built for one job: find the few members Quarry
//! needs and hand back each vector as the exact text of a JSON array of numbers, checked
//! against JSON's number grammar. Everything else is skipped structurally (strings and
//! nesting respected) — flat arrays, such as Titan's duplicate `embeddingsByType.float`, by a
//! vectorised search for their closing bracket. This is what keeps a 96-vector answer well
//! under a millisecond, where a full parse costs several.

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
        let s = self.s;
        // Branch-free sign: half of all embedding components are negative.
        let mut i = self.i + usize::from(s.get(self.i) == Some(&b'-'));
        let int = digit_run(&s[i..]);
        if int == 0 || (int > 1 && s[i] == b'0') {
            self.i = i;
            return self.fail("a number");
        }
        i += int;
        if s.get(i) == Some(&b'.') {
            let frac = digit_run(&s[i + 1..]);
            if frac == 0 {
                self.i = i + 1;
                return self.fail("a digit after '.'");
            }
            i += 1 + frac;
        }
        if let Some(b'e' | b'E') = s.get(i) {
            i += 1;
            if let Some(b'+' | b'-') = s.get(i) {
                i += 1;
            }
            let exp = digit_run(&s[i..]);
            if exp == 0 {
                self.i = i;
                return self.fail("an exponent");
            }
            i += exp;
        }
        self.i = i;
        Ok(())
    }

    /// The text of the array of numbers at the cursor (brackets included).
    pub fn number_array(&mut self) -> Result<&'a str> {
        self.ws();
        let start = self.i;
        self.eat(b'[', "an array of numbers")?;
        if self.peek() == Some(b']') {
            self.i += 1;
        } else {
            loop {
                self.ws();
                self.number()?;
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
        // Only ASCII was accepted, so this cannot fail.
        std::str::from_utf8(&self.s[start..self.i]).or(Err(ScanError {
            at: start,
            expected: "an array of numbers",
        }))
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

/// The length of the run of ASCII digits that starts `s`, sixteen bytes at a time so that a
/// typical run ends inside the first step (no loop exit to mispredict). A byte `b` is a digit
/// when `b ^ 0x30` is below 10, i.e. neither it nor `(it & 0x7f) + 0x76` has its top bit set
/// (the masked add cannot carry into the next byte).
fn digit_run(s: &[u8]) -> usize {
    let mut n = 0;
    while let Some(chunk) = s.get(n..n + 16) {
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(chunk);
        let x = u128::from_le_bytes(bytes) ^ 0x3030_3030_3030_3030_3030_3030_3030_3030;
        let high = ((x & 0x7f7f_7f7f_7f7f_7f7f_7f7f_7f7f_7f7f_7f7f)
            .wrapping_add(0x7676_7676_7676_7676_7676_7676_7676_7676)
            | x)
            & 0x8080_8080_8080_8080_8080_8080_8080_8080;
        if high != 0 {
            return n + (high.trailing_zeros() / 8) as usize;
        }
        n += 16;
    }
    while s.get(n).is_some_and(u8::is_ascii_digit) {
        n += 1;
    }
    n
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
    fn digit_runs_at_every_length_and_byte() {
        for len in 0..40 {
            for stop in 0..=255u8 {
                let mut text = vec![b'7'; len];
                text.push(stop);
                let expected = if stop.is_ascii_digit() { len + 1 } else { len };
                assert_eq!(digit_run(&text), expected, "{len} digits then {stop:#x}");
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
