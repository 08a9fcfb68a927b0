//! ConverseStream through the official SDK: full consumption, and stream faults surfacing as
//! the SDK's errors.

use aws_sdk_bedrockruntime::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_bedrockruntime::types::error::ConverseStreamOutputError;
use aws_sdk_bedrockruntime::types::{
    ContentBlockDelta, ContentBlockStart, ConversationRole, ConverseOutput, ConverseStreamOutput,
    InferenceConfiguration, StopReason,
};
use aws_sdk_bedrockruntime::Client;
use bedrock_emulator::{
    AuthOutcome, FAULT_BAD_CRC, FAULT_ERROR_FRAME, FAULT_STREAM_ERROR, FAULT_STREAM_THROTTLE,
    FAULT_THROTTLE, FAULT_TRUNCATE,
};

use crate::common::{client, emulator, user, HAIKU};
use crate::sdk_converse::weather_tool;

/// Events received before the stream ended, and how it ended.
type Received = (
    Vec<ConverseStreamOutput>,
    Result<(), SdkError<ConverseStreamOutputError, aws_smithy_types::event_stream::RawMessage>>,
);

async fn consume(client: &Client, model: &str, text: &str) -> Received {
    let mut output = client
        .converse_stream()
        .model_id(model)
        .messages(user(text))
        .send()
        .await
        .unwrap();
    let mut events = Vec::new();
    loop {
        match output.stream.recv().await {
            Ok(Some(event)) => events.push(event),
            Ok(None) => return (events, Ok(())),
            Err(error) => return (events, Err(error)),
        }
    }
}

fn streamed_text(events: &[ConverseStreamOutput]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            ConverseStreamOutput::ContentBlockDelta(d) => match d.delta() {
                Some(ContentBlockDelta::Text(t)) => Some(t.as_str()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_full_stream_matches_the_non_streamed_reply() {
    let emu = emulator().await;
    let client = client(&emu);
    let (events, end) = consume(&client, HAIKU, "stream me please").await;
    end.unwrap();

    let ConverseStreamOutput::MessageStart(start) = &events[0] else {
        panic!("first event {:?}", events[0]);
    };
    assert_eq!(start.role(), &ConversationRole::Assistant);
    let deltas = events
        .iter()
        .filter(|e| matches!(e, ConverseStreamOutput::ContentBlockDelta(_)))
        .count();
    assert_eq!(deltas, 10, "one delta per word");
    assert!(matches!(
        events[events.len() - 3],
        ConverseStreamOutput::ContentBlockStop(_)
    ));
    let ConverseStreamOutput::MessageStop(stop) = &events[events.len() - 2] else {
        panic!("messageStop expected");
    };
    assert_eq!(stop.stop_reason(), &StopReason::EndTurn);
    let ConverseStreamOutput::Metadata(metadata) = &events[events.len() - 1] else {
        panic!("metadata expected last");
    };
    let usage = metadata.usage().unwrap();
    assert!(metadata.metrics().is_some());

    let whole = client
        .converse()
        .model_id(HAIKU)
        .messages(user("stream me please"))
        .send()
        .await
        .unwrap();
    let ConverseOutput::Message(message) = whole.output().unwrap() else {
        panic!("message expected");
    };
    assert_eq!(
        &streamed_text(&events),
        message.content()[0].as_text().unwrap()
    );
    assert_eq!(usage, whole.usage().unwrap());
    assert_eq!((usage.input_tokens(), usage.output_tokens()), (3, 10));

    let recorded = emu.requests();
    assert_eq!(recorded[0].operation, "ConverseStream");
    assert_eq!(recorded[0].auth, AuthOutcome::SigV4Valid);
}

#[tokio::test]
async fn limits_apply_to_streams_too() {
    let emu = emulator().await;
    let mut output = client(&emu)
        .converse_stream()
        .model_id(HAIKU)
        .messages(user("hi"))
        .inference_config(InferenceConfiguration::builder().max_tokens(2).build())
        .send()
        .await
        .unwrap();
    let mut events = Vec::new();
    while let Some(event) = output.stream.recv().await.unwrap() {
        events.push(event);
    }
    assert_eq!(streamed_text(&events), "Hello from");
    assert!(events.iter().any(|e| matches!(
        e,
        ConverseStreamOutput::MessageStop(s) if s.stop_reason() == &StopReason::MaxTokens
    )));
}

#[tokio::test]
async fn a_tool_call_streams_start_input_fragments_and_stop() {
    let emu = emulator().await;
    let mut output = client(&emu)
        .converse_stream()
        .model_id(HAIKU)
        .messages(user("weather?"))
        .tool_config(weather_tool())
        .send()
        .await
        .unwrap();
    let mut events = Vec::new();
    while let Some(event) = output.stream.recv().await.unwrap() {
        events.push(event);
    }
    let start = events
        .iter()
        .find_map(|e| match e {
            ConverseStreamOutput::ContentBlockStart(s) => Some(s),
            _ => None,
        })
        .unwrap();
    assert_eq!(start.content_block_index(), 1);
    let Some(ContentBlockStart::ToolUse(tool)) = start.start() else {
        panic!("tool use start expected");
    };
    assert_eq!(tool.name(), "get_weather");
    assert!(tool.tool_use_id().starts_with("tooluse_"));
    let fragments: Vec<String> = events
        .iter()
        .filter_map(|e| match e {
            ConverseStreamOutput::ContentBlockDelta(d) => match d.delta() {
                Some(ContentBlockDelta::ToolUse(t)) => Some(t.input().to_owned()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    assert!((2..=3).contains(&fragments.len()), "{fragments:?}");
    let input: serde_json::Value = serde_json::from_str(&fragments.concat()).unwrap();
    assert_eq!(input, serde_json::json!({"city": "example", "days": 1}));
    assert!(events.iter().any(|e| matches!(
        e,
        ConverseStreamOutput::MessageStop(s) if s.stop_reason() == &StopReason::ToolUse
    )));
}

#[tokio::test]
async fn a_slow_stream_still_completes() {
    let emu = emulator().await;
    let (events, end) = consume(&client(&emu), "quarry.fault-slow-30", "hi").await;
    end.unwrap();
    assert!(matches!(
        events.last(),
        Some(ConverseStreamOutput::Metadata(_))
    ));
}

#[tokio::test]
async fn a_model_stream_error_arrives_after_two_deltas() {
    let emu = emulator().await;
    let (events, end) = consume(&client(&emu), FAULT_STREAM_ERROR, "hi").await;
    assert_eq!(events.len(), 3);
    assert_eq!(streamed_text(&events), "Hello from");
    let error = end.unwrap_err().into_service_error();
    let ConverseStreamOutputError::ModelStreamErrorException(inner) = &error else {
        panic!("expected ModelStreamErrorException, got {error:?}");
    };
    assert_eq!(inner.original_status_code(), Some(500));
    assert!(inner.original_message().is_some());
}

#[tokio::test]
async fn a_throttling_frame_is_a_throttling_exception() {
    let emu = emulator().await;
    let (events, end) = consume(&client(&emu), FAULT_STREAM_THROTTLE, "hi").await;
    assert!(matches!(
        events[..],
        [ConverseStreamOutput::MessageStart(_)]
    ));
    let error = end.unwrap_err().into_service_error();
    assert!(error.is_throttling_exception(), "{error:?}");
}

#[tokio::test]
async fn an_unmodeled_error_frame_ends_the_stream_with_an_error() {
    let emu = emulator().await;
    let (events, end) = consume(&client(&emu), FAULT_ERROR_FRAME, "hi").await;
    assert_eq!(events.len(), 1);
    assert!(end.is_err());
}

#[tokio::test]
async fn the_sdk_rejects_a_bad_crc() {
    let emu = emulator().await;
    let (events, end) = consume(&client(&emu), FAULT_BAD_CRC, "hi").await;
    assert_eq!(events.len(), 1, "only messageStart decodes");
    let error = end.unwrap_err();
    assert!(matches!(error, SdkError::ResponseError(_)), "{error:?}");
}

#[tokio::test]
async fn a_truncated_stream_is_an_error_not_a_clean_end() {
    let emu = emulator().await;
    let (events, end) = consume(&client(&emu), FAULT_TRUNCATE, "hi").await;
    assert_eq!(events.len(), 3);
    assert!(end.is_err());
}

#[tokio::test]
async fn http_faults_fail_the_stream_request_itself() {
    let emu = emulator().await;
    let error = client(&emu)
        .converse_stream()
        .model_id(FAULT_THROTTLE)
        .messages(user("hi"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("ThrottlingException"));
    assert!(error.into_service_error().is_throttling_exception());
}
