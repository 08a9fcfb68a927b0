//! ConverseStream features through the official SDK: reasoning deltas with their signature,
//! cache usage and the guardrail trace in `metadata`, and parallel tool calls, all parsed into
//! the SDK's typed events.

use aws_sdk_bedrockruntime::operation::converse_stream::builders::ConverseStreamFluentBuilder;
use aws_sdk_bedrockruntime::types::{
    ContentBlock, ContentBlockDelta, ContentBlockStart, ConverseOutput,
    ConverseStreamMetadataEvent, ConverseStreamOutput, GuardrailStreamConfiguration,
    GuardrailStreamProcessingMode, GuardrailTopicPolicyAction, GuardrailTrace,
    ReasoningContentBlock, ReasoningContentBlockDelta, StopReason, SystemContentBlock,
};

use crate::common::{client, emulator, user, HAIKU};
use crate::sdk_converse::weather_tool;
use crate::sdk_features::{cache_point, thinking};

async fn collect(request: ConverseStreamFluentBuilder) -> Vec<ConverseStreamOutput> {
    let mut output = request.send().await.unwrap();
    let mut events = Vec::new();
    while let Some(event) = output.stream.recv().await.unwrap() {
        events.push(event);
    }
    events
}

/// Every delta as (block index, delta).
fn deltas(events: &[ConverseStreamOutput]) -> Vec<(i32, &ContentBlockDelta)> {
    events
        .iter()
        .filter_map(|e| match e {
            ConverseStreamOutput::ContentBlockDelta(d) => {
                Some((d.content_block_index(), d.delta()?))
            }
            _ => None,
        })
        .collect()
}

fn stops(events: &[ConverseStreamOutput]) -> Vec<i32> {
    events
        .iter()
        .filter_map(|e| match e {
            ConverseStreamOutput::ContentBlockStop(s) => Some(s.content_block_index()),
            _ => None,
        })
        .collect()
}

fn stop_reason(events: &[ConverseStreamOutput]) -> &StopReason {
    events
        .iter()
        .find_map(|e| match e {
            ConverseStreamOutput::MessageStop(s) => Some(s.stop_reason()),
            _ => None,
        })
        .unwrap()
}

fn metadata(events: &[ConverseStreamOutput]) -> &ConverseStreamMetadataEvent {
    match events.last() {
        Some(ConverseStreamOutput::Metadata(m)) => m,
        other => panic!("metadata last, got {other:?}"),
    }
}

#[tokio::test]
async fn reasoning_streams_text_deltas_then_a_signature_delta() {
    let emu = emulator().await;
    let client = client(&emu);
    let events = collect(
        client
            .converse_stream()
            .model_id(HAIKU)
            .messages(user("what is two plus two"))
            .additional_model_request_fields(thinking()),
    )
    .await;
    let mut reasoning = String::new();
    let mut signatures = Vec::new();
    let mut text = String::new();
    for (index, delta) in deltas(&events) {
        match (index, delta) {
            (0, ContentBlockDelta::ReasoningContent(ReasoningContentBlockDelta::Text(t))) => {
                assert!(signatures.is_empty(), "text after the signature");
                reasoning.push_str(t);
            }
            (0, ContentBlockDelta::ReasoningContent(ReasoningContentBlockDelta::Signature(s))) => {
                signatures.push(s.clone());
            }
            (1, ContentBlockDelta::Text(t)) => text.push_str(t),
            other => panic!("unexpected delta {other:?}"),
        }
    }
    assert_eq!(reasoning, "Thinking about: what is two plus two");
    assert_eq!(
        text,
        "Hello from the Bedrock emulator. You said: what is two plus two"
    );
    assert_eq!(stops(&events), [0, 1]);
    assert!(!events
        .iter()
        .any(|e| matches!(e, ConverseStreamOutput::ContentBlockStart(_))));

    let whole = client
        .converse()
        .model_id(HAIKU)
        .messages(user("what is two plus two"))
        .additional_model_request_fields(thinking())
        .send()
        .await
        .unwrap();
    let ConverseOutput::Message(message) = whole.output().unwrap() else {
        panic!("message expected");
    };
    let ContentBlock::ReasoningContent(ReasoningContentBlock::ReasoningText(block)) =
        &message.content()[0]
    else {
        panic!("reasoning first");
    };
    assert_eq!(signatures, [block.signature().unwrap().to_owned()]);
    assert_eq!(metadata(&events).usage(), whole.usage());
}

#[tokio::test]
async fn stream_metadata_carries_cache_usage() {
    let emu = emulator().await;
    let client = client(&emu);
    let request = || {
        client
            .converse_stream()
            .model_id(HAIKU)
            .system(SystemContentBlock::Text(
                "You are a helpful assistant.".into(),
            ))
            .system(SystemContentBlock::CachePoint(cache_point()))
            .messages(user("hello there"))
    };
    let first = collect(request()).await;
    let usage = metadata(&first).usage().unwrap();
    assert_eq!(
        (
            usage.input_tokens(),
            usage.cache_write_input_tokens(),
            usage.cache_read_input_tokens(),
            usage.total_tokens()
        ),
        (2, Some(5), Some(0), 16)
    );
    let second = collect(request()).await;
    let usage = metadata(&second).usage().unwrap();
    assert_eq!(
        (
            usage.cache_write_input_tokens(),
            usage.cache_read_input_tokens()
        ),
        (Some(0), Some(5))
    );
}

fn stream_guardrail(trace: GuardrailTrace) -> GuardrailStreamConfiguration {
    GuardrailStreamConfiguration::builder()
        .guardrail_identifier("abc123")
        .guardrail_version("DRAFT")
        .trace(trace)
        .stream_processing_mode(GuardrailStreamProcessingMode::Async)
        .build()
}

#[tokio::test]
async fn a_blocked_stream_ends_with_the_trace_in_metadata() {
    let emu = emulator().await;
    let events = collect(
        client(&emu)
            .converse_stream()
            .model_id(HAIKU)
            .messages(user("this is BLOCKED content"))
            .guardrail_config(stream_guardrail(GuardrailTrace::EnabledFull)),
    )
    .await;
    let text: String = deltas(&events)
        .into_iter()
        .filter_map(|(_, d)| d.as_text().ok().map(String::as_str))
        .collect();
    assert_eq!(text, "Sorry, the model cannot answer this question.");
    assert_eq!(stop_reason(&events), &StopReason::GuardrailIntervened);
    let trace = metadata(&events).trace().unwrap().guardrail().unwrap();
    let topic = &trace.input_assessment().unwrap()["abc123"]
        .topic_policy()
        .unwrap()
        .topics()[0];
    assert_eq!(topic.action(), &GuardrailTopicPolicyAction::Blocked);

    let passed = collect(
        client(&emu)
            .converse_stream()
            .model_id(HAIKU)
            .messages(user("a harmless question"))
            .guardrail_config(stream_guardrail(GuardrailTrace::Enabled)),
    )
    .await;
    assert_eq!(stop_reason(&passed), &StopReason::EndTurn);
    let trace = metadata(&passed).trace().unwrap().guardrail().unwrap();
    let assessment = &trace.input_assessment().unwrap()["abc123"];
    assert!(assessment.topic_policy().is_none());
}

#[tokio::test]
async fn parallel_tool_calls_stream_as_separate_blocks() {
    let emu = emulator().await;
    let events = collect(
        client(&emu)
            .converse_stream()
            .model_id(HAIKU)
            .messages(user("call all tools"))
            .tool_config(weather_tool()),
    )
    .await;
    let starts: Vec<(i32, String)> = events
        .iter()
        .filter_map(|e| match e {
            ConverseStreamOutput::ContentBlockStart(s) => match s.start() {
                Some(ContentBlockStart::ToolUse(t)) => {
                    Some((s.content_block_index(), t.name().to_owned()))
                }
                _ => None,
            },
            _ => None,
        })
        .collect();
    assert_eq!(
        starts,
        [(1, "get_weather".to_owned()), (2, "get_time".to_owned())]
    );
    assert_eq!(stops(&events), [0, 1, 2]);
    let order: Vec<i32> = events
        .iter()
        .filter_map(|e| match e {
            ConverseStreamOutput::ContentBlockStart(s) => Some(s.content_block_index()),
            ConverseStreamOutput::ContentBlockDelta(d) => Some(d.content_block_index()),
            ConverseStreamOutput::ContentBlockStop(s) => Some(s.content_block_index()),
            _ => None,
        })
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] <= w[1]),
        "blocks interleave: {order:?}"
    );
    let mut inputs = [String::new(), String::new()];
    let mut text = String::new();
    for (index, delta) in deltas(&events) {
        match delta {
            ContentBlockDelta::Text(t) if index == 0 => text.push_str(t),
            ContentBlockDelta::ToolUse(t) if index == 1 || index == 2 => {
                inputs[usize::try_from(index - 1).unwrap()].push_str(t.input());
            }
            other => panic!("unexpected delta {index} {other:?}"),
        }
    }
    assert_eq!(text, "Calling 2 tools.");
    let parsed: Vec<serde_json::Value> = inputs
        .iter()
        .map(|i| serde_json::from_str(i).unwrap())
        .collect();
    assert_eq!(
        parsed,
        [
            serde_json::json!({"city": "example", "days": 1}),
            serde_json::json!({})
        ]
    );
    assert_eq!(stop_reason(&events), &StopReason::ToolUse);
}
