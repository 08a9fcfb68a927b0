#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Guardrails: the verdict, the trace, and the configuration checks.

use serde_json::{json, Value};

use super::super::cache::PromptCache;
use super::super::engine::StopReason;
use super::super::test_support::{answer, answer_with, call, rejection_for, user, HAIKU};
use super::*;

fn guarded(text: &str, trace: Option<&str>) -> Value {
    let mut config = json!({"guardrailIdentifier": "abc123", "guardrailVersion": "1"});
    if let Some(trace) = trace {
        config["trace"] = json!(trace);
    }
    json!({"messages": [user(text)], "guardrailConfig": config})
}

#[test]
fn the_trigger_is_a_whole_word_in_any_case() {
    assert!(mentions_trigger("this is blocked"));
    assert!(mentions_trigger("BLOCKED!"));
    assert!(mentions_trigger("(Blocked)"));
    assert!(!mentions_trigger("unblocked"));
    assert!(!mentions_trigger("blockedness"));
    assert!(!mentions_trigger("block"));
}

#[test]
fn a_blocked_request_gets_the_canned_answer_and_a_trace() {
    let reply = answer(guarded("Tell me something Blocked please", Some("enabled")));
    assert_eq!(reply.text, "Sorry, the model cannot answer this question.");
    assert_eq!(reply.stop_reason, StopReason::GuardrailIntervened);
    assert!(reply.tool_calls.is_empty());
    assert_eq!(
        (reply.usage.input_tokens, reply.usage.output_tokens),
        (5, 7)
    );
    assert_eq!(
        reply.trace.unwrap(),
        json!({"guardrail": {"inputAssessment": {"abc123": {"topicPolicy": {"topics": [
            {"name": "Blocked", "type": "DENY", "action": "BLOCKED", "detected": true}
        ]}}}}})
    );
}

#[test]
fn the_trace_is_only_sent_when_asked_for() {
    for trace in [None, Some("disabled")] {
        let reply = answer(guarded("blocked", trace));
        assert_eq!(reply.stop_reason, StopReason::GuardrailIntervened);
        assert!(reply.trace.is_none(), "{trace:?}");
    }
    let full = answer(guarded("blocked", Some("enabled_full")));
    assert!(full.trace.is_some());
}

#[test]
fn a_passing_request_is_answered_normally_with_an_empty_assessment() {
    let reply = answer(guarded("hello there", Some("enabled")));
    assert_eq!(
        reply.text,
        "Hello from the Bedrock emulator. You said: hello there"
    );
    assert_eq!(reply.stop_reason, StopReason::EndTurn);
    assert_eq!(
        reply.trace.unwrap(),
        json!({"guardrail": {"inputAssessment": {"abc123": {}}}})
    );
}

#[test]
fn without_a_guardrail_the_word_is_just_a_word() {
    let reply = answer(json!({"messages": [user("blocked")]}));
    assert_eq!(
        reply.text,
        "Hello from the Bedrock emulator. You said: blocked"
    );
    assert!(reply.trace.is_none());
}

#[test]
fn an_intervention_skips_reasoning_and_tools() {
    let mut body = guarded("blocked", None);
    body["additionalModelRequestFields"] = json!({"thinking": {"type": "enabled"}});
    body["toolConfig"] =
        json!({"tools": [{"toolSpec": {"name": "t", "inputSchema": {"json": {}}}}]});
    let reply = answer(body);
    assert!(reply.reasoning.is_none());
    assert!(reply.tool_calls.is_empty());
    assert_eq!(reply.stop_reason, StopReason::GuardrailIntervened);
}

#[test]
fn stream_processing_mode_belongs_to_streams_only() {
    let mut body = guarded("hi", None);
    body["guardrailConfig"]["streamProcessingMode"] = json!("async");
    assert_eq!(
        rejection_for(&body.to_string(), call(HAIKU, false)),
        "Malformed input request: extraneous key [streamProcessingMode] is not permitted"
    );
    let reply = answer_with(&body, &PromptCache::default(), call(HAIKU, true));
    assert_eq!(reply.stop_reason, StopReason::EndTurn);
    body["guardrailConfig"]["streamProcessingMode"] = json!("later");
    assert!(rejection_for(&body.to_string(), call(HAIKU, true))
        .contains("'guardrailConfig.streamProcessingMode'"));
}

#[test]
fn the_trace_setting_is_an_enum() {
    let body = guarded("hi", Some("verbose"));
    assert_eq!(
        rejection_for(&body.to_string(), call(HAIKU, false)),
        "1 validation error detected: Value 'verbose' at 'guardrailConfig.trace' failed to satisfy constraint: Member must satisfy enum value set: [enabled, disabled, enabled_full]"
    );
}
