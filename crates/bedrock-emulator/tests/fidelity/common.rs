//! Clients and request builders shared by the fidelity tests.

use aws_sdk_bedrockruntime::config::retry::RetryConfig;
use aws_sdk_bedrockruntime::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_bedrockruntime::types::{ContentBlock, ConversationRole, Message};
use aws_sdk_bedrockruntime::{Client, Config};
use bedrock_emulator::{Emulator, EmulatorConfig, ACCESS_KEY_ID, SECRET_ACCESS_KEY};

pub const HAIKU: &str = "anthropic.claude-3-haiku-20240307-v1:0";

pub async fn emulator() -> Emulator {
    Emulator::start(EmulatorConfig::default()).await.unwrap()
}

/// The SDK configured as a user would, minus aws-config; retries off so faults surface once.
pub fn client_as(emu: &Emulator, akid: &str, secret: &str, token: Option<&str>) -> Client {
    let config = Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            akid,
            secret,
            token.map(str::to_owned),
            None,
            "test",
        ))
        .endpoint_url(emu.url())
        .retry_config(RetryConfig::disabled())
        .build();
    Client::from_conf(config)
}

pub fn client(emu: &Emulator) -> Client {
    client_as(emu, ACCESS_KEY_ID, SECRET_ACCESS_KEY, None)
}

pub fn user(text: &str) -> Message {
    Message::builder()
        .role(ConversationRole::User)
        .content(ContentBlock::Text(text.to_owned()))
        .build()
        .unwrap()
}

/// The official agent-runtime client (Rerank, RetrieveAndGenerate) against the emulator.
pub fn agent_client(emu: &Emulator) -> aws_sdk_bedrockagentruntime::Client {
    let config = aws_sdk_bedrockagentruntime::Config::builder()
        .behavior_version(aws_sdk_bedrockagentruntime::config::BehaviorVersion::latest())
        .region(aws_sdk_bedrockagentruntime::config::Region::new(
            "us-west-2",
        ))
        .credentials_provider(aws_sdk_bedrockagentruntime::config::Credentials::new(
            ACCESS_KEY_ID,
            SECRET_ACCESS_KEY,
            None,
            None,
            "test",
        ))
        .endpoint_url(emu.url())
        .retry_config(aws_sdk_bedrockagentruntime::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_bedrockagentruntime::Client::from_conf(config)
}

/// The official control-plane client (batch jobs) against the emulator, in `region`.
pub fn control_client(emu: &Emulator, region: &str) -> aws_sdk_bedrock::Client {
    let config = aws_sdk_bedrock::Config::builder()
        .behavior_version(aws_sdk_bedrock::config::BehaviorVersion::latest())
        .region(aws_sdk_bedrock::config::Region::new(region.to_owned()))
        .credentials_provider(aws_sdk_bedrock::config::Credentials::new(
            ACCESS_KEY_ID,
            SECRET_ACCESS_KEY,
            None,
            None,
            "test",
        ))
        .endpoint_url(emu.url())
        .retry_config(aws_sdk_bedrock::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_bedrock::Client::from_conf(config)
}

/// A JSON value as a Smithy document (the SDKs' type for free-form JSON members).
pub fn doc(value: serde_json::Value) -> aws_smithy_types::Document {
    use aws_smithy_types::{Document, Number};
    match value {
        serde_json::Value::Null => Document::Null,
        serde_json::Value::Bool(b) => Document::Bool(b),
        serde_json::Value::Number(n) => Document::Number(if let Some(u) = n.as_u64() {
            Number::PosInt(u)
        } else if let Some(i) = n.as_i64() {
            Number::NegInt(i)
        } else {
            Number::Float(n.as_f64().unwrap())
        }),
        serde_json::Value::String(s) => Document::String(s),
        serde_json::Value::Array(a) => Document::Array(a.into_iter().map(doc).collect()),
        serde_json::Value::Object(o) => {
            Document::Object(o.into_iter().map(|(k, v)| (k, doc(v))).collect())
        }
    }
}
