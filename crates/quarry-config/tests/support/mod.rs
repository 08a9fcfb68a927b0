//! Helpers shared by the integration tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use quarry_config::{parse, Config};

/// A fixed environment for vault references.
pub fn env(name: &str) -> Option<String> {
    match name {
        "AWS_ACCESS_KEY_ID" => Some("AKIAFAKEACCESSKEY".to_string()),
        "AWS_SECRET_ACCESS_KEY" => Some("fake/secret+access/key".to_string()),
        "ALICE_KEY" => Some("alice-super-secret-key".to_string()),
        "BEDROCK_CREDS" => Some(r#"{"id":"AKIAJSONKEY","secret":"json-secret-value"}"#.to_string()),
        "REGION" => Some("ap-southeast-2".to_string()),
        _ => None,
    }
}

pub fn ok(yaml: &str) -> Config {
    match parse(yaml, &env) {
        Ok(config) => config,
        Err(errors) => panic!(
            "expected a valid config, got:\n{}",
            errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

/// The error messages as a user sees them (`path: message`).
pub fn errors(yaml: &str) -> Vec<String> {
    match parse(yaml, &env) {
        Ok(config) => panic!("expected errors, got a valid config: {config:?}"),
        Err(errors) => errors.iter().map(|e| e.to_string()).collect(),
    }
}
