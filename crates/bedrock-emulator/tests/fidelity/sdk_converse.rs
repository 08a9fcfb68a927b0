//! Converse through the official SDK: replies, limits, tools, model IDs and authentication.

use std::collections::HashMap;

use aws_sdk_bedrockruntime::error::ProvideErrorMetadata;
use aws_sdk_bedrockruntime::operation::converse::ConverseOutput;
use aws_sdk_bedrockruntime::types::{
    ContentBlock, ConverseOutput as Output, InferenceConfiguration, SpecificToolChoice, StopReason,
    Tool, ToolChoice, ToolConfiguration, ToolInputSchema, ToolSpecification,
};
use aws_smithy_types::Document;
use bedrock_emulator::{AuthOutcome, ACCESS_KEY_ID, SECRET_ACCESS_KEY};

use crate::common::{client, client_as, emulator, user, HAIKU};

fn content(output: &ConverseOutput) -> &[ContentBlock] {
    match output.output().unwrap() {
        Output::Message(message) => message.content(),
        other => panic!("unexpected output {other:?}"),
    }
}

fn text(output: &ConverseOutput) -> &str {
    content(output)[0].as_text().unwrap()
}

#[tokio::test]
async fn converse_answers_with_the_deterministic_reply() {
    let emu = emulator().await;
    let output = client(&emu)
        .converse()
        .model_id(HAIKU)
        .messages(user("hi there"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        text(&output),
        "Hello from the Bedrock emulator. You said: hi there"
    );
    assert_eq!(output.stop_reason(), &StopReason::EndTurn);
    let usage = output.usage().unwrap();
    assert_eq!(
        (
            usage.input_tokens(),
            usage.output_tokens(),
            usage.total_tokens()
        ),
        (2, 9, 11)
    );
    assert!(output.metrics().is_some());
}

#[tokio::test]
async fn the_recorded_request_is_signed_and_decoded() {
    let emu = emulator().await;
    client(&emu)
        .converse()
        .model_id(HAIKU)
        .messages(user("hi"))
        .send()
        .await
        .unwrap();
    let requests = emu.requests();
    assert_eq!(requests.len(), 1);
    let recorded = &requests[0];
    assert_eq!(recorded.method, "POST");
    assert_eq!(recorded.operation, "Converse");
    assert_eq!(
        recorded.raw_path,
        "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse"
    );
    assert_eq!(recorded.model_id.as_deref(), Some(HAIKU));
    assert_eq!(recorded.auth, AuthOutcome::SigV4Valid);
    assert_eq!(recorded.access_key_id.as_deref(), Some(ACCESS_KEY_ID));
    assert!(recorded.signed_headers.iter().any(|h| h == "host"));
    assert!(recorded.signed_headers.iter().any(|h| h == "x-amz-date"));
    assert_eq!(recorded.header("content-type"), Some("application/json"));
    let body: serde_json::Value = serde_json::from_slice(&recorded.body).unwrap();
    assert_eq!(body["messages"][0]["content"][0]["text"], "hi");

    emu.clear_requests();
    assert!(emu.requests().is_empty());
}

#[tokio::test]
async fn stop_sequences_cut_the_reply() {
    let emu = emulator().await;
    let output = client(&emu)
        .converse()
        .model_id(HAIKU)
        .messages(user("hi"))
        .inference_config(
            InferenceConfiguration::builder()
                .stop_sequences("said")
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(text(&output), "Hello from the Bedrock emulator. You ");
    assert_eq!(output.stop_reason(), &StopReason::StopSequence);
    assert_eq!(output.usage().unwrap().output_tokens(), 6);
}

#[tokio::test]
async fn max_tokens_limits_the_reply() {
    let emu = emulator().await;
    let output = client(&emu)
        .converse()
        .model_id(HAIKU)
        .messages(user("hi"))
        .inference_config(InferenceConfiguration::builder().max_tokens(4).build())
        .send()
        .await
        .unwrap();
    assert_eq!(text(&output), "Hello from the Bedrock");
    assert_eq!(output.stop_reason(), &StopReason::MaxTokens);
    assert_eq!(output.usage().unwrap().output_tokens(), 4);
}

pub fn weather_tool() -> ToolConfiguration {
    let schema = Document::Object(HashMap::from([
        ("type".to_owned(), Document::from("object")),
        (
            "properties".to_owned(),
            Document::Object(HashMap::from([
                (
                    "city".to_owned(),
                    Document::Object(HashMap::from([(
                        "type".to_owned(),
                        Document::from("string"),
                    )])),
                ),
                (
                    "days".to_owned(),
                    Document::Object(HashMap::from([(
                        "type".to_owned(),
                        Document::from("integer"),
                    )])),
                ),
            ])),
        ),
        (
            "required".to_owned(),
            Document::Array(vec![Document::from("city"), Document::from("days")]),
        ),
    ]));
    ToolConfiguration::builder()
        .tools(Tool::ToolSpec(
            ToolSpecification::builder()
                .name("get_weather")
                .description("Weather for a city")
                .input_schema(ToolInputSchema::Json(schema))
                .build()
                .unwrap(),
        ))
        .tools(Tool::ToolSpec(
            ToolSpecification::builder()
                .name("get_time")
                .input_schema(ToolInputSchema::Json(Document::Object(HashMap::new())))
                .build()
                .unwrap(),
        ))
        .build()
        .unwrap()
}

#[tokio::test]
async fn tool_use_calls_the_first_tool_with_schema_arguments() {
    let emu = emulator().await;
    let output = client(&emu)
        .converse()
        .model_id(HAIKU)
        .messages(user("weather in Paris?"))
        .tool_config(weather_tool())
        .send()
        .await
        .unwrap();
    assert_eq!(output.stop_reason(), &StopReason::ToolUse);
    let blocks = content(&output);
    assert_eq!(blocks[0].as_text().unwrap(), "Calling get_weather.");
    let tool_use = blocks[1].as_tool_use().unwrap();
    assert_eq!(tool_use.name(), "get_weather");
    assert!(tool_use.tool_use_id().starts_with("tooluse_"));
    assert_eq!(tool_use.tool_use_id().len(), 30);
    let expected = Document::Object(HashMap::from([
        ("city".to_owned(), Document::from("example")),
        ("days".to_owned(), Document::from(1u64)),
    ]));
    assert_eq!(tool_use.input(), &expected);
}

#[tokio::test]
async fn tool_choice_selects_a_named_tool() {
    let emu = emulator().await;
    let mut config = weather_tool();
    config.tool_choice = Some(ToolChoice::Tool(
        SpecificToolChoice::builder()
            .name("get_time")
            .build()
            .unwrap(),
    ));
    let output = client(&emu)
        .converse()
        .model_id(HAIKU)
        .messages(user("what time is it?"))
        .tool_config(config)
        .send()
        .await
        .unwrap();
    assert_eq!(
        content(&output)[1].as_tool_use().unwrap().name(),
        "get_time"
    );
}

#[tokio::test]
async fn cross_region_profiles_and_arns_are_accepted() {
    let emu = emulator().await;
    let arn = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0";
    for model in ["us.anthropic.claude-3-5-sonnet-20241022-v2:0", arn] {
        let output = client(&emu)
            .converse()
            .model_id(model)
            .messages(user("hi"))
            .send()
            .await
            .unwrap();
        assert_eq!(output.stop_reason(), &StopReason::EndTurn, "{model}");
    }
    let requests = emu.requests();
    let recorded = &requests[1];
    assert_eq!(recorded.model_id.as_deref(), Some(arn));
    assert!(recorded.raw_path.contains("%2F"), "{}", recorded.raw_path);
    assert_eq!(recorded.auth, AuthOutcome::SigV4Valid);
}

#[tokio::test]
async fn unknown_models_are_a_validation_error() {
    let emu = emulator().await;
    let error = client(&emu)
        .converse()
        .model_id("gpt-4o")
        .messages(user("hi"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_validation_exception(), "{error:?}");
    assert_eq!(
        error.message(),
        Some("The provided model identifier is invalid.")
    );
}

#[tokio::test]
async fn blank_text_is_a_validation_error() {
    let emu = emulator().await;
    let error = client(&emu)
        .converse()
        .model_id(HAIKU)
        .messages(user("   "))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_validation_exception(), "{error:?}");
    assert_eq!(
        error.message(),
        Some("The text field in the ContentBlock object at messages.0.content.0 is blank. Add text to the text field, and try again.")
    );
}

#[tokio::test]
async fn a_wrong_secret_is_an_invalid_signature() {
    let emu = emulator().await;
    let error = client_as(&emu, ACCESS_KEY_ID, "wrong-secret", None)
        .converse()
        .model_id(HAIKU)
        .messages(user("hi"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("InvalidSignatureException"));
    assert!(error
        .message()
        .unwrap()
        .starts_with("The request signature we calculated does not match"));
    assert_eq!(
        emu.requests()[0].auth,
        AuthOutcome::Rejected("InvalidSignatureException".into())
    );
}

#[tokio::test]
async fn an_unknown_access_key_is_unrecognized() {
    let emu = emulator().await;
    let error = client_as(&emu, "AKIANOTKNOWN00000000", SECRET_ACCESS_KEY, None)
        .converse()
        .model_id(HAIKU)
        .messages(user("hi"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("UnrecognizedClientException"));
    assert_eq!(
        error.message(),
        Some("The security token included in the request is invalid.")
    );
}

#[tokio::test]
async fn session_credentials_sign_the_security_token() {
    let emu = emulator().await;
    client_as(
        &emu,
        ACCESS_KEY_ID,
        SECRET_ACCESS_KEY,
        Some("session-token-123"),
    )
    .converse()
    .model_id(HAIKU)
    .messages(user("hi"))
    .send()
    .await
    .unwrap();
    let recorded = &emu.requests()[0];
    assert_eq!(recorded.auth, AuthOutcome::SigV4Valid);
    assert_eq!(
        recorded.header("x-amz-security-token"),
        Some("session-token-123")
    );
    assert!(recorded
        .signed_headers
        .iter()
        .any(|h| h == "x-amz-security-token"));
}
