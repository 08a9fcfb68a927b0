//! The one hash behind every derived value (tool-use IDs, reasoning signatures, prompt-cache
//! keys, embeddings, resource IDs): FNV-1a, because it is stable across builds, platforms and
//! Rust versions; and the SplitMix64 stream that stretches one hash into many values.

/// An FNV-1a 64 hasher over a sequence of fields.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fnv(u64);

impl Fnv {
    pub(crate) fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }

    /// Hash `bytes` followed by a separator, so `("ab", "c")` and `("a", "bc")` differ.
    pub(crate) fn field(&mut self, bytes: &[u8]) -> &mut Self {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 ^= 0xff;
        self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        self
    }

    pub(crate) fn finish(&self) -> u64 {
        self.0
    }
}

/// A SplitMix64 stream seeded with `seed`: turns one hash into as many well-mixed values as needed.
pub(crate) fn splitmix(seed: u64) -> impl Iterator<Item = u64> {
    let mut state = seed;
    std::iter::repeat_with(move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    })
}

/// Lowercase letters and digits, the alphabet of Bedrock's 12-character resource IDs.
const BASE36: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const ALNUM: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// `len` characters of `[a-z0-9]` derived from `seed`.
pub(crate) fn base36(seed: u64, len: usize) -> String {
    splitmix(seed)
        .take(len)
        .map(|v| char::from(BASE36[(v % 36) as usize]))
        .collect()
}

/// `len` characters of `[A-Za-z0-9]` derived from `seed`.
pub(crate) fn alnum(seed: u64, len: usize) -> String {
    splitmix(seed)
        .take(len)
        .map(|v| char::from(ALNUM[(v % 62) as usize]))
        .collect()
}

/// A UUID-shaped (8-4-4-4-12 lowercase hex, version nibble 4) string derived from `seed`.
pub(crate) fn uuid(seed: u64) -> String {
    let mut values = splitmix(seed);
    let hex: String = values
        .by_ref()
        .take(2)
        .map(|v| format!("{v:016x}"))
        .collect();
    format!(
        "{}-{}-4{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_strings_have_their_alphabets_and_lengths() {
        let id = base36(7, 12);
        assert_eq!(id.len(), 12);
        assert!(id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        assert_eq!(id, base36(7, 12));
        assert_ne!(id, base36(8, 12));
        let a = alnum(7, 22);
        assert_eq!(a.len(), 22);
        assert!(a.bytes().all(|b| b.is_ascii_alphanumeric()));
        let u = uuid(7);
        assert_eq!(u.len(), 36);
        assert_eq!(u.as_bytes()[14], b'4');
        assert_eq!(u.matches('-').count(), 4);
    }
}
