//! Converse features through the official SDK: reasoning, prompt caching, guardrails, images and
//! documents, structured output and parallel tool calls, each parsed into the SDK's typed values.

use std::collections::HashMap;

use aws_sdk_bedrockruntime::error::ProvideErrorMetadata;
use aws_sdk_bedrockruntime::operation::converse::{ConverseError, ConverseOutput};
use aws_sdk_bedrockruntime::types::{
    CachePointBlock, CachePointType, ContentBlock, ConversationRole, ConverseOutput as Output,
    DocumentBlock, DocumentFormat, DocumentSource, GuardrailConfiguration,
    GuardrailTopicPolicyAction, GuardrailTopicType, GuardrailTrace, ImageBlock, ImageFormat,
    ImageSource, JsonSchemaDefinition, Message, OutputConfig, OutputFormat, OutputFormatStructure,
    OutputFormatType, ReasoningContentBlock, ReasoningTextBlock, StopReason, SystemContentBlock,
    ToolResultBlock, ToolResultContentBlock,
};
use aws_sdk_bedrockruntime::Client;
use aws_smithy_types::{Blob, Document};

use crate::common::{client, emulator, user, HAIKU};
use crate::sdk_converse::weather_tool;

const NOVA: &str = "us.amazon.nova-lite-v1:0";

pub fn thinking() -> Document {
    Document::Object(HashMap::from([(
        "thinking".to_owned(),
        Document::Object(HashMap::from([
            ("type".to_owned(), Document::from("enabled")),
            ("budget_tokens".to_owned(), Document::from(1024u64)),
        ])),
    )]))
}

pub fn cache_point() -> CachePointBlock {
    CachePointBlock::builder()
        .r#type(CachePointType::Default)
        .build()
        .unwrap()
}

fn content(output: &ConverseOutput) -> &[ContentBlock] {
    match output.output().unwrap() {
        Output::Message(message) => message.content(),
        other => panic!("unexpected output {other:?}"),
    }
}

fn guardrail(trace: GuardrailTrace) -> GuardrailConfiguration {
    GuardrailConfiguration::builder()
        .guardrail_identifier("abc123")
        .guardrail_version("1")
        .trace(trace)
        .build()
}

#[tokio::test]
async fn reasoning_arrives_as_a_signed_reasoning_text_block() {
    let emu = emulator().await;
    let output = client(&emu)
        .converse()
        .model_id(HAIKU)
        .messages(user("what is two plus two"))
        .additional_model_request_fields(thinking())
        .send()
        .await
        .unwrap();
    let blocks = content(&output);
    let ContentBlock::ReasoningContent(ReasoningContentBlock::ReasoningText(reasoning)) =
        &blocks[0]
    else {
        panic!("reasoning first, got {:?}", blocks[0]);
    };
    assert_eq!(reasoning.text(), "Thinking about: what is two plus two");
    let signature = reasoning.signature().unwrap();
    assert!(
        signature.starts_with("sig-") && signature.len() == 20,
        "{signature}"
    );
    assert_eq!(
        blocks[1].as_text().unwrap(),
        "Hello from the Bedrock emulator. You said: what is two plus two"
    );
    let usage = output.usage().unwrap();
    assert_eq!((usage.input_tokens(), usage.output_tokens()), (5, 19));
}

/// Ask for a tool call with thinking on, then send it back with `reasoning` replayed first.
async fn tool_round_trip(
    client: &Client,
    reasoning: Option<ReasoningTextBlock>,
) -> Result<ConverseOutput, ConverseError> {
    let first = client
        .converse()
        .model_id(HAIKU)
        .messages(user("weather in Paris?"))
        .tool_config(weather_tool())
        .additional_model_request_fields(thinking())
        .send()
        .await
        .unwrap();
    assert_eq!(first.stop_reason(), &StopReason::ToolUse);
    let mut assistant: Vec<ContentBlock> = content(&first).to_vec();
    let ContentBlock::ToolUse(tool_use) = assistant[2].clone() else {
        panic!("tool use third: {assistant:?}");
    };
    if let Some(replacement) = reasoning {
        assistant[0] =
            ContentBlock::ReasoningContent(ReasoningContentBlock::ReasoningText(replacement));
    }
    let result = ContentBlock::ToolResult(
        ToolResultBlock::builder()
            .tool_use_id(tool_use.tool_use_id())
            .content(ToolResultContentBlock::Text("sunny".into()))
            .build()
            .unwrap(),
    );
    client
        .converse()
        .model_id(HAIKU)
        .messages(user("weather in Paris?"))
        .messages(
            Message::builder()
                .role(ConversationRole::Assistant)
                .set_content(Some(assistant))
                .build()
                .unwrap(),
        )
        .messages(
            Message::builder()
                .role(ConversationRole::User)
                .content(result)
                .build()
                .unwrap(),
        )
        .tool_config(weather_tool())
        .additional_model_request_fields(thinking())
        .send()
        .await
        .map_err(|e| e.into_service_error())
}

#[tokio::test]
async fn replayed_reasoning_is_accepted_only_with_its_signature() {
    let emu = emulator().await;
    let client = client(&emu);
    let output = tool_round_trip(&client, None).await.unwrap();
    assert_eq!(
        content(&output)[1].as_text().unwrap(),
        "Tool results received: sunny"
    );

    let forged = ReasoningTextBlock::builder()
        .text("Thinking about: weather in Paris?")
        .signature("sig-0000000000000000")
        .build()
        .unwrap();
    let error = tool_round_trip(&client, Some(forged)).await.unwrap_err();
    assert!(error.is_validation_exception(), "{error:?}");
    assert_eq!(
        error.message(),
        Some("Invalid `signature` in `thinking` block")
    );
}

#[tokio::test]
async fn forced_tool_choice_with_thinking_is_a_validation_error() {
    let emu = emulator().await;
    let mut config = weather_tool();
    config.tool_choice = Some(aws_sdk_bedrockruntime::types::ToolChoice::Any(
        aws_sdk_bedrockruntime::types::AnyToolChoice::builder().build(),
    ));
    let error = client(&emu)
        .converse()
        .model_id(HAIKU)
        .messages(user("weather?"))
        .tool_config(config)
        .additional_model_request_fields(thinking())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_validation_exception(), "{error:?}");
    assert_eq!(
        error.message(),
        Some("Thinking may not be enabled when tool_choice forces tool use.")
    );
}

#[tokio::test]
async fn cache_usage_is_written_then_read() {
    let emu = emulator().await;
    let client = client(&emu);
    let send = || {
        client
            .converse()
            .model_id(HAIKU)
            .system(SystemContentBlock::Text(
                "You are a helpful assistant.".into(),
            ))
            .system(SystemContentBlock::CachePoint(cache_point()))
            .messages(user("hello there"))
            .send()
    };
    let first = send().await.unwrap();
    let usage = first.usage().unwrap();
    assert_eq!(usage.input_tokens(), 2);
    assert_eq!(usage.cache_write_input_tokens(), Some(5));
    assert_eq!(usage.cache_read_input_tokens(), Some(0));
    assert_eq!(usage.total_tokens(), 2 + 9 + 5);
    let second = send().await.unwrap();
    let usage = second.usage().unwrap();
    assert_eq!(usage.cache_read_input_tokens(), Some(5));
    assert_eq!(usage.cache_write_input_tokens(), Some(0));

    let plain = client
        .converse()
        .model_id(HAIKU)
        .messages(user("hello there"))
        .send()
        .await
        .unwrap();
    assert_eq!(plain.usage().unwrap().cache_read_input_tokens(), None);
}

#[tokio::test]
async fn too_many_cache_points_and_nova_placement_are_rejected() {
    let emu = emulator().await;
    let mut request = client(&emu).converse().model_id(HAIKU);
    for i in 0..5 {
        request = request
            .system(SystemContentBlock::Text(format!("part {i}")))
            .system(SystemContentBlock::CachePoint(cache_point()));
    }
    let error = request
        .messages(user("hi"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(
        error.message(),
        Some("A maximum of 4 blocks with cache_control may be provided. Found 5.")
    );

    let result = Message::builder()
        .role(ConversationRole::User)
        .content(ContentBlock::ToolResult(
            ToolResultBlock::builder()
                .tool_use_id("tooluse_1")
                .content(ToolResultContentBlock::Text("sunny".into()))
                .build()
                .unwrap(),
        ))
        .content(ContentBlock::CachePoint(cache_point()))
        .build()
        .unwrap();
    let call = Message::builder()
        .role(ConversationRole::Assistant)
        .content(ContentBlock::ToolUse(
            aws_sdk_bedrockruntime::types::ToolUseBlock::builder()
                .tool_use_id("tooluse_1")
                .name("get_weather")
                .input(Document::Object(HashMap::new()))
                .build()
                .unwrap(),
        ))
        .build()
        .unwrap();
    let error = client(&emu)
        .converse()
        .model_id(NOVA)
        .messages(user("weather?"))
        .messages(call)
        .messages(result)
        .tool_config(weather_tool())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_validation_exception(), "{error:?}");
    assert_eq!(
        error.message(),
        Some("Malformed input request: extraneous key [cachePoint] is not permitted")
    );
}

#[tokio::test]
async fn a_blocked_request_carries_a_typed_guardrail_trace() {
    let emu = emulator().await;
    let output = client(&emu)
        .converse()
        .model_id(HAIKU)
        .messages(user("tell me something blocked"))
        .guardrail_config(guardrail(GuardrailTrace::Enabled))
        .send()
        .await
        .unwrap();
    assert_eq!(output.stop_reason(), &StopReason::GuardrailIntervened);
    assert_eq!(
        content(&output)[0].as_text().unwrap(),
        "Sorry, the model cannot answer this question."
    );
    let trace = output.trace().unwrap().guardrail().unwrap();
    let assessment = &trace.input_assessment().unwrap()["abc123"];
    let topic = &assessment.topic_policy().unwrap().topics()[0];
    assert_eq!(topic.name(), "Blocked");
    assert_eq!(topic.r#type(), &GuardrailTopicType::Deny);
    assert_eq!(topic.action(), &GuardrailTopicPolicyAction::Blocked);
    assert_eq!(topic.detected(), Some(true));

    let passed = client(&emu)
        .converse()
        .model_id(HAIKU)
        .messages(user("tell me something nice"))
        .guardrail_config(guardrail(GuardrailTrace::Disabled))
        .send()
        .await
        .unwrap();
    assert_eq!(passed.stop_reason(), &StopReason::EndTurn);
    assert!(passed.trace().is_none());
}

#[tokio::test]
async fn images_and_documents_are_acknowledged_with_their_sizes() {
    let emu = emulator().await;
    let message = Message::builder()
        .role(ConversationRole::User)
        .content(ContentBlock::Text("describe these".into()))
        .content(ContentBlock::Image(
            ImageBlock::builder()
                .format(ImageFormat::Png)
                .source(ImageSource::Bytes(Blob::new(vec![7u8; 68])))
                .build()
                .unwrap(),
        ))
        .content(ContentBlock::Document(
            DocumentBlock::builder()
                .format(DocumentFormat::Pdf)
                .name("report")
                .source(DocumentSource::Bytes(Blob::new(vec![1u8; 1234])))
                .build()
                .unwrap(),
        ))
        .build()
        .unwrap();
    let output = client(&emu)
        .converse()
        .model_id(HAIKU)
        .messages(message)
        .send()
        .await
        .unwrap();
    assert_eq!(
        content(&output)[0].as_text().unwrap(),
        "Hello from the Bedrock emulator. You said: describe these [image png 68 bytes] [document report pdf 1234 bytes]"
    );
    let usage = output.usage().unwrap();
    assert_eq!((usage.input_tokens(), usage.output_tokens()), (4, 18));

    let bad = Message::builder()
        .role(ConversationRole::User)
        .content(ContentBlock::Document(
            DocumentBlock::builder()
                .format(DocumentFormat::Pdf)
                .name("report.pdf")
                .source(DocumentSource::Bytes(Blob::new(vec![1u8; 4])))
                .build()
                .unwrap(),
        ))
        .build()
        .unwrap();
    let error = client(&emu)
        .converse()
        .model_id(HAIKU)
        .messages(bad)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_validation_exception(), "{error:?}");
    assert!(error
        .message()
        .unwrap()
        .starts_with("The document file name can only contain alphanumeric characters"));
}

fn json_output(schema: &str) -> OutputConfig {
    OutputConfig::builder()
        .text_format(
            OutputFormat::builder()
                .r#type(OutputFormatType::JsonSchema)
                .structure(OutputFormatStructure::JsonSchema(
                    JsonSchemaDefinition::builder()
                        .schema(schema)
                        .name("person")
                        .build()
                        .unwrap(),
                ))
                .build()
                .unwrap(),
        )
        .build()
}

#[tokio::test]
async fn structured_output_is_json_generated_from_the_schema() {
    let emu = emulator().await;
    let schema = r#"{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"},"ok":{"type":"boolean"}},"required":["name","age","ok"]}"#;
    let output = client(&emu)
        .converse()
        .model_id(HAIKU)
        .messages(user("who are you?"))
        .output_config(json_output(schema))
        .send()
        .await
        .unwrap();
    assert_eq!(output.stop_reason(), &StopReason::EndTurn);
    assert_eq!(
        content(&output)[0].as_text().unwrap(),
        r#"{"age":1,"name":"example","ok":true}"#
    );
    let error = client(&emu)
        .converse()
        .model_id(HAIKU)
        .messages(user("who are you?"))
        .output_config(json_output("{not json"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_validation_exception(), "{error:?}");
}

#[tokio::test]
async fn all_tools_yields_one_tool_use_block_per_tool() {
    let emu = emulator().await;
    let output = client(&emu)
        .converse()
        .model_id(HAIKU)
        .messages(user("use all tools"))
        .tool_config(weather_tool())
        .send()
        .await
        .unwrap();
    assert_eq!(output.stop_reason(), &StopReason::ToolUse);
    let blocks = content(&output);
    assert_eq!(blocks[0].as_text().unwrap(), "Calling 2 tools.");
    let calls: Vec<_> = blocks[1..]
        .iter()
        .map(|b| b.as_tool_use().unwrap())
        .collect();
    let names: Vec<&str> = calls.iter().map(|c| c.name()).collect();
    assert_eq!(names, ["get_weather", "get_time"]);
    assert_ne!(calls[0].tool_use_id(), calls[1].tool_use_id());
}
