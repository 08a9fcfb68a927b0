//! The official S3 client (path style) downloading from the emulator's object store.

use aws_sdk_s3::config::retry::RetryConfig;
use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_s3::{Client, Config};
use bedrock_emulator::{Emulator, ACCESS_KEY_ID, SECRET_ACCESS_KEY};

use crate::common::emulator;

fn s3_as(emu: &Emulator, secret: &str) -> Client {
    let config = Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(ACCESS_KEY_ID, secret, None, None, "test"))
        .endpoint_url(emu.url())
        .force_path_style(true)
        .retry_config(RetryConfig::disabled())
        .build();
    Client::from_conf(config)
}

#[tokio::test]
async fn get_object_and_head_object_with_the_sdk() {
    let emu = emulator().await;
    // A key with a space and a slash: S3 signs the single-encoded path.
    assert!(emu.put_s3_object("s3://videos/out/records 1.mp4", &b"movie bytes"[..]));
    let s3 = s3_as(&emu, SECRET_ACCESS_KEY);

    let got = s3
        .get_object()
        .bucket("videos")
        .key("out/records 1.mp4")
        .send()
        .await
        .unwrap();
    assert_eq!(got.content_length(), Some(11));
    let bytes = got.body.collect().await.unwrap().into_bytes();
    assert_eq!(&bytes[..], b"movie bytes");

    let head = s3
        .head_object()
        .bucket("videos")
        .key("out/records 1.mp4")
        .send()
        .await
        .unwrap();
    assert_eq!(head.content_length(), Some(11));
    assert!(head.e_tag().is_some());
}

#[tokio::test]
async fn missing_keys_and_bad_signatures_are_s3_errors() {
    let emu = emulator().await;
    let s3 = s3_as(&emu, SECRET_ACCESS_KEY);
    let err = s3
        .get_object()
        .bucket("videos")
        .key("nothing/here.mp4")
        .send()
        .await
        .unwrap_err();
    let service = err.into_service_error();
    assert!(service.is_no_such_key(), "{service:?}");
    assert_eq!(
        aws_sdk_s3::error::ProvideErrorMetadata::message(&service),
        Some("The specified key does not exist.")
    );

    assert!(emu.put_s3_object("s3://videos/a.mp4", &b"x"[..]));
    let wrong = s3_as(&emu, "not-the-secret");
    let err = wrong
        .get_object()
        .bucket("videos")
        .key("a.mp4")
        .send()
        .await
        .unwrap_err();
    let service = err.into_service_error();
    assert_eq!(
        aws_sdk_s3::error::ProvideErrorMetadata::code(&service),
        Some("SignatureDoesNotMatch")
    );
}
