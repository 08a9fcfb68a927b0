//! Which AWS credentials sign a route's calls: the plugin's `auth.aws_access_key_id` /
//! `aws_secret_access_key`, else `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` /
//! `AWS_SESSION_TOKEN`, else the gateway's fallback (the emulator's keys under `--emulator`).
//! Resolved once at startup; the values are never logged, only the source's name.

use aws_credential_types::Credentials;
use quarry_config::Auth;

/// A route's credentials and where they came from (safe to log).
#[derive(Clone, Debug)]
pub struct RouteCredentials {
    pub credentials: Option<Credentials>,
    pub source: &'static str,
}

pub fn resolve(
    auth: &Auth,
    env: &dyn Fn(&str) -> Option<String>,
    fallback: Option<&Credentials>,
) -> RouteCredentials {
    if let (Some(id), Some(secret)) = (&auth.aws_access_key_id, &auth.aws_secret_access_key) {
        return RouteCredentials {
            credentials: Some(Credentials::new(
                id.expose(),
                secret.expose(),
                None,
                None,
                "plugin-config",
            )),
            source: "plugin config (auth.aws_access_key_id)",
        };
    }
    let non_empty = |k: &str| env(k).filter(|v| !v.is_empty());
    if let (Some(id), Some(secret)) = (
        non_empty("AWS_ACCESS_KEY_ID"),
        non_empty("AWS_SECRET_ACCESS_KEY"),
    ) {
        return RouteCredentials {
            credentials: Some(Credentials::new(
                id,
                secret,
                non_empty("AWS_SESSION_TOKEN"),
                None,
                "environment",
            )),
            source: "environment (AWS_ACCESS_KEY_ID)",
        };
    }
    match fallback {
        Some(c) => RouteCredentials {
            credentials: Some(c.clone()),
            source: "built-in emulator credentials",
        },
        None => RouteCredentials {
            credentials: None,
            source: "none",
        },
    }
}
