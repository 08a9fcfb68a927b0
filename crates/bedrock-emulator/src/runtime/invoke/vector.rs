//! Deterministic embedding vectors: component `i` of the raw vector for some input is the
//! `i`-th value of SplitMix64 seeded with the FNV-1a hash of the input's bytes, mapped to
//! `[-1, 1)` (top 53 bits / 2^53 * 2 - 1). Vectors are L2-normalised where the model does.

use crate::hash::{splitmix, Fnv};

/// The raw (not normalised) vector of `dimensions` components for `input`.
pub(crate) fn raw(input: &[u8], dimensions: usize) -> Vec<f64> {
    let seed = Fnv::new().field(input).finish();
    splitmix(seed)
        .take(dimensions)
        .map(|v| (v >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0)
        .collect()
}

/// `vector` scaled to unit length (unchanged when it is all zeros).
pub(crate) fn normalized(mut vector: Vec<f64>) -> Vec<f64> {
    let norm = vector.iter().map(|v| v * v).sum::<f64>().sqrt();
    if norm > 0.0 {
        vector.iter_mut().for_each(|v| *v /= norm);
    }
    vector
}

/// The vector as JSON floats (single precision, as Bedrock returns them).
pub(crate) fn floats(vector: &[f64]) -> Vec<f32> {
    vector.iter().map(|v| *v as f32).collect()
}

/// Signed 8-bit quantisation: `round(v * 127)`.
pub(crate) fn int8(vector: &[f64]) -> Vec<i64> {
    vector.iter().map(|v| (v * 127.0).round() as i64).collect()
}

/// Unsigned 8-bit quantisation: `round((v + 1) * 127.5)`.
pub(crate) fn uint8(vector: &[f64]) -> Vec<i64> {
    vector
        .iter()
        .map(|v| ((v + 1.0) * 127.5).round() as i64)
        .collect()
}

/// One bit per component (1 when positive), as individual 0/1 values (Titan's `binary`).
pub(crate) fn bits(vector: &[f64]) -> Vec<u8> {
    vector.iter().map(|v| u8::from(*v > 0.0)).collect()
}

/// One bit per component packed eight to a byte, most significant first (Cohere's
/// `ubinary`; `binary` is the same bytes read as signed).
pub(crate) fn packed(vector: &[f64], signed: bool) -> Vec<i64> {
    vector
        .chunks(8)
        .map(|chunk| {
            let byte = chunk
                .iter()
                .enumerate()
                .fold(0u8, |acc, (i, v)| acc | (u8::from(*v > 0.0) << (7 - i)));
            if signed {
                i64::from(byte as i8)
            } else {
                i64::from(byte)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_are_deterministic_per_input_and_bounded() {
        let a = raw(b"hello", 16);
        assert_eq!(a, raw(b"hello", 16));
        assert_ne!(a, raw(b"hello!", 16));
        assert_eq!(&raw(b"hello", 32)[..16], &a[..]);
        assert!(a.iter().all(|v| (-1.0..1.0).contains(v)));
        let n = normalized(a);
        let norm: f64 = n.iter().map(|v| v * v).sum();
        assert!((norm - 1.0).abs() < 1e-12);
    }

    #[test]
    fn quantisations() {
        let v = [1.0, -1.0, 0.5, -0.5, 0.1, 0.0, 0.2, -0.2, 0.9];
        assert_eq!(int8(&v)[..4], [127, -127, 64, -64]);
        assert_eq!(uint8(&v)[..2], [255, 0]);
        assert_eq!(bits(&v)[..6], [1, 0, 1, 0, 1, 0]);
        assert_eq!(packed(&v, false), [0b1010_1010, 0b1000_0000]);
        assert_eq!(packed(&v, true), [-86, -128]);
    }
}
