//! `Secret`: a string that must never be printed (API keys, AWS credentials).

use std::fmt;

/// A credential read from the configuration (possibly through a vault reference).
///
/// It has no `Display`, and its `Debug` is redacted, so a secret can only leave
/// through an explicit [`Secret::expose`]. Equality is ordinary string equality;
/// callers comparing attacker-supplied keys should use a constant-time comparison.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Self {
        Self(value)
    }

    /// The secret value, for the few places that must send or compare it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted_and_expose_returns_the_value() {
        let s = Secret::new("AKIAEXAMPLE".to_string());
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(format!("{:?}", Some(s.clone())), "Some(Secret(***))");
        assert_eq!(s.expose(), "AKIAEXAMPLE");
    }
}
