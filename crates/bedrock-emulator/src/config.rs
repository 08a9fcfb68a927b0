//! Emulator configuration and the built-in test credentials.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};

/// Access key ID the emulator accepts by default.
pub const ACCESS_KEY_ID: &str = "AKIAQUARRYEMULATOR00";
/// Secret key paired with [`ACCESS_KEY_ID`]. Public on purpose: it only opens the emulator.
pub const SECRET_ACCESS_KEY: &str = "qUArRyEmUlAtOr/SeCrEt/KeY/nOt/ReAl/00000";

/// How an [`Emulator`](crate::Emulator) listens and whom it lets in.
///
/// `Debug` prints access key IDs but never secrets or bearer tokens.
#[derive(Clone)]
pub struct EmulatorConfig {
    /// Address to bind; port 0 picks an ephemeral port.
    pub listen: SocketAddr,
    /// Accepted SigV4 credentials as `(access_key_id, secret_access_key)`.
    pub credentials: Vec<(String, String)>,
    /// Accepted `Authorization: Bearer` tokens (Bedrock API keys).
    pub bearer_tokens: Vec<String>,
    /// Recompute and compare SigV4 signatures; when false any caller is let in.
    pub verify_signatures: bool,
    /// Keep the last requests for [`Emulator::requests`](crate::Emulator::requests).
    pub record_requests: bool,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            credentials: vec![(ACCESS_KEY_ID.to_owned(), SECRET_ACCESS_KEY.to_owned())],
            bearer_tokens: Vec::new(),
            verify_signatures: true,
            record_requests: true,
        }
    }
}

impl fmt::Debug for EmulatorConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let akids: Vec<&str> = self.credentials.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("EmulatorConfig")
            .field("listen", &self.listen)
            .field("credentials", &akids)
            .field(
                "bearer_tokens",
                &format_args!("<{} redacted>", self.bearer_tokens.len()),
            )
            .field("verify_signatures", &self.verify_signatures)
            .field("record_requests", &self.record_requests)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_secrets_and_tokens() {
        let config = EmulatorConfig {
            bearer_tokens: vec!["ABSK-super-secret".into()],
            ..EmulatorConfig::default()
        };
        let shown = format!("{config:?}");
        assert!(shown.contains(ACCESS_KEY_ID));
        assert!(!shown.contains(SECRET_ACCESS_KEY));
        assert!(!shown.contains("ABSK-super-secret"));
    }

    #[test]
    fn default_listens_on_an_ephemeral_loopback_port() {
        let config = EmulatorConfig::default();
        assert_eq!(config.listen.to_string(), "127.0.0.1:0");
        assert!(config.verify_signatures && config.record_requests);
        assert_eq!(
            config.credentials,
            vec![(ACCESS_KEY_ID.to_owned(), SECRET_ACCESS_KEY.to_owned())]
        );
    }
}
