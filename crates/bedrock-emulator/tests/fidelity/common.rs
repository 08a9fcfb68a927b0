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
