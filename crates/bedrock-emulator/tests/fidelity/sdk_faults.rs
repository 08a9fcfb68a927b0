//! Fault models as the SDK sees them: each HTTP fault is the SDK's typed error.

use aws_sdk_bedrockruntime::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_bedrockruntime::operation::converse::ConverseError;
use aws_sdk_bedrockruntime::types::StopReason;
use bedrock_emulator::{
    FAULT_ACCESS_DENIED, FAULT_BAD_CRC, FAULT_EMPTY_ERROR, FAULT_ERROR_FRAME, FAULT_GARBAGE,
    FAULT_MODEL_TIMEOUT, FAULT_NOT_FOUND, FAULT_STREAM_ERROR, FAULT_STREAM_THROTTLE,
    FAULT_THROTTLE, FAULT_TRUNCATE, FAULT_UNAVAILABLE,
};

use crate::common::{client, emulator, user};

async fn converse_error(model: &str) -> ConverseError {
    let emu = emulator().await;
    client(&emu)
        .converse()
        .model_id(model)
        .messages(user("hi"))
        .send()
        .await
        .unwrap_err()
        .into_service_error()
}

#[tokio::test]
async fn throttle_is_a_throttling_exception() {
    let error = converse_error(FAULT_THROTTLE).await;
    assert!(error.is_throttling_exception(), "{error:?}");
    assert_eq!(
        error.message(),
        Some("Too many requests, please wait before trying again.")
    );
}

#[tokio::test]
async fn unavailable_is_a_service_unavailable_exception() {
    let error = converse_error(FAULT_UNAVAILABLE).await;
    assert!(error.is_service_unavailable_exception(), "{error:?}");
}

#[tokio::test]
async fn not_found_is_a_resource_not_found_exception() {
    let error = converse_error(FAULT_NOT_FOUND).await;
    assert!(error.is_resource_not_found_exception(), "{error:?}");
}

#[tokio::test]
async fn access_denied_is_an_access_denied_exception() {
    let error = converse_error(FAULT_ACCESS_DENIED).await;
    assert!(error.is_access_denied_exception(), "{error:?}");
}

#[tokio::test]
async fn model_timeout_is_a_model_timeout_exception() {
    let error = converse_error(FAULT_MODEL_TIMEOUT).await;
    assert!(error.is_model_timeout_exception(), "{error:?}");
}

#[tokio::test]
async fn an_empty_error_body_still_names_the_exception() {
    let error = converse_error(FAULT_EMPTY_ERROR).await;
    assert!(error.is_internal_server_exception(), "{error:?}");
}

#[tokio::test]
async fn a_garbage_body_fails_to_deserialize() {
    let emu = emulator().await;
    let error = client(&emu)
        .converse()
        .model_id(FAULT_GARBAGE)
        .messages(user("hi"))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            SdkError::ResponseError(_) | SdkError::ServiceError(_)
        ),
        "{error:?}"
    );
    assert!(
        error.code().is_none(),
        "no service code for garbage: {error:?}"
    );
}

#[tokio::test]
async fn stream_only_faults_answer_converse_normally() {
    let emu = emulator().await;
    for model in [
        FAULT_STREAM_ERROR,
        FAULT_STREAM_THROTTLE,
        FAULT_ERROR_FRAME,
        FAULT_TRUNCATE,
        FAULT_BAD_CRC,
        "quarry.fault-slow-20",
    ] {
        let output = client(&emu)
            .converse()
            .model_id(model)
            .messages(user("hi"))
            .send()
            .await
            .unwrap();
        assert_eq!(output.stop_reason(), &StopReason::EndTurn, "{model}");
    }
}
