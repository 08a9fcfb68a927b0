#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Extended thinking: the signed reasoning block and the history rules.

use serde_json::{json, Value};

use super::super::engine::StopReason;
use super::super::test_support::{answer, rejection, user};
use super::*;

fn thinking() -> Value {
    json!({"thinking": {"type": "enabled", "budget_tokens": 1024}})
}

fn weather_tool() -> Value {
    json!({"tools": [{"toolSpec": {"name": "get_weather", "inputSchema": {"json": {
        "type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]
    }}}}]})
}

#[test]
fn signatures_are_deterministic_hashes_of_the_text() {
    let sig = signature("Thinking about: hi");
    assert_eq!(sig, "sig-2c77d21a9102c74a");
    assert_eq!(sig, signature("Thinking about: hi"));
    assert_ne!(sig, signature("Thinking about: ho"));
    let hex = sig.strip_prefix("sig-").unwrap();
    assert_eq!(hex.len(), 16);
    assert!(hex
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
}

#[test]
fn thinking_adds_a_signed_reasoning_block_that_counts_as_output() {
    let reply = answer(json!({
        "messages": [user("what is two plus two")],
        "additionalModelRequestFields": thinking(),
    }));
    let reasoning = reply.reasoning.unwrap();
    assert_eq!(reasoning.text, "Thinking about: what is two plus two");
    assert_eq!(reasoning.signature, signature(&reasoning.text));
    assert_eq!(
        reply.text,
        "Hello from the Bedrock emulator. You said: what is two plus two"
    );
    assert_eq!(reply.stop_reason, StopReason::EndTurn);
    // 7 reasoning words + 12 text words
    assert_eq!(
        (reply.usage.input_tokens, reply.usage.output_tokens),
        (5, 19)
    );
}

#[test]
fn reasoning_config_also_switches_thinking_on_and_other_types_do_not() {
    let on = answer(json!({
        "messages": [user("hi")],
        "additionalModelRequestFields": {"reasoningConfig": {"type": "enabled", "maxReasoningEffort": "low"}},
    }));
    assert_eq!(on.reasoning.unwrap().text, "Thinking about: hi");
    for fields in [
        json!({"thinking": {"type": "disabled"}}),
        json!({"reasoningConfig": {"type": "adaptive"}}),
        json!({"thinking": "enabled"}),
        json!({"reasoning": {"effort": "low"}}),
    ] {
        let off = answer(json!({"messages": [user("hi")], "additionalModelRequestFields": fields}));
        assert!(off.reasoning.is_none(), "{fields}");
    }
}

#[test]
fn thinking_precedes_tool_use() {
    let reply = answer(json!({
        "messages": [user("weather?")],
        "toolConfig": weather_tool(),
        "additionalModelRequestFields": thinking(),
    }));
    assert_eq!(reply.reasoning.unwrap().text, "Thinking about: weather?");
    assert_eq!(reply.text, "Calling get_weather.");
    assert_eq!(reply.tool_calls.len(), 1);
    assert_eq!(reply.stop_reason, StopReason::ToolUse);
    // 3 reasoning + 2 text + 1 input word
    assert_eq!(reply.usage.output_tokens, 6);
}

#[test]
fn forced_tool_choice_is_rejected_with_thinking() {
    for choice in [json!({"any": {}}), json!({"tool": {"name": "get_weather"}})] {
        let mut config = weather_tool();
        config["toolChoice"] = choice;
        let body = json!({
            "messages": [user("weather?")],
            "toolConfig": config,
            "additionalModelRequestFields": thinking(),
        });
        assert_eq!(
            rejection(&body.to_string()),
            "Thinking may not be enabled when tool_choice forces tool use."
        );
    }
    let mut config = weather_tool();
    config["toolChoice"] = json!({"auto": {}});
    let reply = answer(json!({
        "messages": [user("weather?")],
        "toolConfig": config,
        "additionalModelRequestFields": thinking(),
    }));
    assert_eq!(reply.stop_reason, StopReason::ToolUse);
}

/// A tool round trip whose assistant turn starts with `first` (if any).
fn round_trip(first: Option<Value>) -> Value {
    let mut assistant = Vec::from_iter(first);
    assistant.push(json!({"toolUse": {"toolUseId": "tooluse_1", "name": "get_weather", "input": {"city": "Paris"}}}));
    json!({
        "messages": [
            user("weather?"),
            {"role": "assistant", "content": assistant},
            {"role": "user", "content": [{"toolResult": {"toolUseId": "tooluse_1", "content": [{"text": "sunny"}]}}]},
        ],
        "toolConfig": weather_tool(),
        "additionalModelRequestFields": thinking(),
    })
}

fn reasoning_block(text: &str, signature: Option<&str>) -> Value {
    let mut inner = json!({"text": text});
    if let Some(signature) = signature {
        inner["signature"] = json!(signature);
    }
    json!({"reasoningContent": {"reasoningText": inner}})
}

#[test]
fn a_tool_use_turn_must_start_with_thinking() {
    assert_eq!(
        rejection(&round_trip(None).to_string()),
        "Expected `thinking` or `redacted_thinking`, but found `tool_use`. When `thinking` is enabled, a final `assistant` message must start with a thinking block."
    );
    let text = "Thinking about: weather?";
    let signed = answer(round_trip(Some(reasoning_block(
        text,
        Some(&signature(text)),
    ))));
    assert_eq!(signed.text, "Tool results received: sunny");
    assert_eq!(
        signed.reasoning.unwrap().text,
        "Thinking about: (no text)",
        "the last user message has no text"
    );
    let redacted = answer(round_trip(Some(
        json!({"reasoningContent": {"redactedContent": "c2VjcmV0"}}),
    )));
    assert_eq!(redacted.stop_reason, StopReason::EndTurn);
}

#[test]
fn replayed_reasoning_needs_the_emulators_signature() {
    assert_eq!(
        rejection(&round_trip(Some(reasoning_block("I should call it", None))).to_string()),
        "messages.1.content.0.reasoningContent.reasoningText.signature: Field required"
    );
    assert_eq!(
        rejection(
            &round_trip(Some(reasoning_block(
                "I should call it",
                Some("sig-forged")
            )))
            .to_string()
        ),
        "Invalid `signature` in `thinking` block"
    );
    // A plain text turn with reasoning is checked too.
    let body = json!({
        "messages": [
            user("a"),
            {"role": "assistant", "content": [reasoning_block("x", None), {"text": "b"}]},
            user("c"),
        ],
        "additionalModelRequestFields": thinking(),
    });
    assert_eq!(
        rejection(&body.to_string()),
        "messages.1.content.0.reasoningContent.reasoningText.signature: Field required"
    );
}

#[test]
fn without_thinking_history_rules_do_not_apply() {
    let mut body = round_trip(Some(reasoning_block("unsigned", None)));
    body.as_object_mut()
        .unwrap()
        .remove("additionalModelRequestFields");
    assert!(answer(body).reasoning.is_none());
    let mut body = round_trip(None);
    body.as_object_mut()
        .unwrap()
        .remove("additionalModelRequestFields");
    assert_eq!(answer(body).stop_reason, StopReason::EndTurn);
}
