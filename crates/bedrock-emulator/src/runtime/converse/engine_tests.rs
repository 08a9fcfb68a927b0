#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The deterministic engine and the request validation, on JSON bodies as clients send them.

use serde_json::json;

use super::super::test_support::{answer, rejection, user};
use super::*;

#[test]
fn echoes_the_last_user_message_and_counts_words() {
    let reply = answer(json!({
        "system": [{"text": "Be brief."}],
        "messages": [
            user("first question"),
            {"role": "assistant", "content": [{"text": "an answer"}]},
            {"role": "user", "content": [{"text": "tell me"}, {"text": "a joke"}]},
        ],
    }));
    assert_eq!(
        reply.text,
        "Hello from the Bedrock emulator. You said: tell me a joke"
    );
    assert_eq!(reply.stop_reason, StopReason::EndTurn);
    // system 2 + messages 2 + 2 + 4 words
    assert_eq!(reply.usage.input_tokens, 10);
    assert_eq!(reply.usage.output_tokens, 11);
    assert_eq!(reply.usage.total_tokens, 21);
    assert!(reply.tool_calls.is_empty());
}

#[test]
fn a_user_message_without_text_is_no_text() {
    let reply = answer(json!({"messages": [{"role": "user", "content": [
        {"image": {"format": "png", "source": {"bytes": "iVBORw0KGgo="}}}
    ]}]}));
    assert_eq!(
        reply.text,
        "Hello from the Bedrock emulator. You said: (no text) [image png 8 bytes]"
    );
    assert_eq!(reply.usage.input_tokens, 1, "an image is one token");
}

#[test]
fn cuts_at_the_earliest_stop_sequence() {
    let reply = answer(json!({
        "messages": [user("one two STOP three")],
        "inferenceConfig": {"stopSequences": ["three", "STOP"]},
    }));
    assert_eq!(
        reply.text,
        "Hello from the Bedrock emulator. You said: one two "
    );
    assert_eq!(reply.stop_reason, StopReason::StopSequence);
    assert_eq!(reply.usage.output_tokens, 9);
}

#[test]
fn keeps_only_max_tokens_words() {
    let reply = answer(json!({
        "messages": [user("hi")],
        "inferenceConfig": {"maxTokens": 3},
    }));
    assert_eq!(reply.text, "Hello from the");
    assert_eq!(reply.stop_reason, StopReason::MaxTokens);
    assert_eq!(reply.usage.output_tokens, 3);

    let exact = answer(json!({
        "messages": [user("hi")],
        "inferenceConfig": {"maxTokens": 8},
    }));
    assert_eq!(
        exact.stop_reason,
        StopReason::EndTurn,
        "8 words fit in 8 tokens"
    );
}

#[test]
fn max_tokens_applies_after_the_stop_sequence() {
    let reply = answer(json!({
        "messages": [user("hi")],
        "inferenceConfig": {"stopSequences": ["emulator"], "maxTokens": 2},
    }));
    assert_eq!(reply.text, "Hello from");
    assert_eq!(reply.stop_reason, StopReason::MaxTokens);
    let reply = answer(json!({
        "messages": [user("hi")],
        "inferenceConfig": {"stopSequences": ["the"], "maxTokens": 100},
    }));
    assert_eq!(reply.text, "Hello from ");
    assert_eq!(reply.stop_reason, StopReason::StopSequence);
}

fn weather_tools() -> serde_json::Value {
    json!({"tools": [
        {"toolSpec": {"name": "get_weather", "inputSchema": {"json": {
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "days": {"type": "integer"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                "hourly": {"type": "boolean"},
                "filters": {"type": "object"},
                "tags": {"type": ["array", "null"]},
                "optional": {"type": "string"}
            },
            "required": ["city", "days", "unit", "hourly", "filters", "tags"]
        }}}},
        {"toolSpec": {"name": "get_time", "inputSchema": {"json": {"type": "object"}}}}
    ]})
}

#[test]
fn calls_the_first_tool_with_example_arguments() {
    let body = json!({"messages": [user("weather in Paris?")], "toolConfig": weather_tools()});
    let reply = answer(body.clone());
    assert_eq!(reply.text, "Calling get_weather.");
    assert_eq!(reply.stop_reason, StopReason::ToolUse);
    let call = reply.tool_calls.into_iter().next().unwrap();
    assert_eq!(call.name, "get_weather");
    assert_eq!(
        call.input,
        json!({"city": "example", "days": 1, "unit": "celsius", "hourly": true, "filters": {}, "tags": []})
    );
    let suffix = call.id.strip_prefix("tooluse_").unwrap();
    assert_eq!(suffix.len(), 22);
    assert!(suffix.bytes().all(|b| b.is_ascii_alphanumeric()));
    assert_eq!(
        answer(body).tool_calls[0].id,
        call.id,
        "ids are deterministic"
    );

    let other =
        answer(json!({"messages": [user("weather in Rome?")], "toolConfig": weather_tools()}));
    assert_ne!(
        other.tool_calls[0].id, call.id,
        "ids depend on the conversation"
    );
}

#[test]
fn tool_choice_picks_the_named_tool() {
    let mut config = weather_tools();
    config["toolChoice"] = json!({"tool": {"name": "get_time"}});
    let reply = answer(json!({"messages": [user("time?")], "toolConfig": config}));
    let call = reply.tool_calls.into_iter().next().unwrap();
    assert_eq!(call.name, "get_time");
    assert_eq!(call.input, json!({}));
}

#[test]
fn tool_results_are_acknowledged_instead_of_calling_again() {
    let reply = answer(json!({
        "messages": [
            user("weather in Paris?"),
            {"role": "assistant", "content": [{"toolUse": {"toolUseId": "tooluse_1", "name": "get_weather", "input": {}}}]},
            {"role": "user", "content": [{"toolResult": {"toolUseId": "tooluse_1", "content": [
                {"text": "sunny"}, {"json": {"celsius": 21}}
            ]}}]},
        ],
        "toolConfig": weather_tools(),
    }));
    assert_eq!(reply.text, r#"Tool results received: sunny {"celsius":21}"#);
    assert_eq!(reply.stop_reason, StopReason::EndTurn);
    assert!(reply.tool_calls.is_empty());
}

#[test]
fn word_ends_are_found_on_unicode_whitespace() {
    assert_eq!(end_of_word("a b c", 2), Some(3));
    assert_eq!(end_of_word("a\u{3000}b", 1), Some(1));
    assert_eq!(end_of_word("a b ", 2), None);
    assert_eq!(end_of_word("", 1), None);
}

#[test]
fn malformed_json_is_a_malformed_input_request() {
    let message = rejection(r#"{"messages": [}"#);
    assert!(
        message.starts_with("Malformed input request: "),
        "{message}"
    );
    let message = rejection(r#"{"messages": "hi"}"#);
    assert!(
        message.starts_with("Malformed input request: "),
        "{message}"
    );
    let message = rejection(r#"{"messages": [{"role": "user"}]}"#);
    assert!(message.contains("content"), "{message}");
}

#[test]
fn missing_or_empty_messages_are_rejected() {
    assert!(rejection("{}").starts_with("A conversation must start with a user message."));
    assert!(rejection(r#"{"messages": []}"#)
        .starts_with("A conversation must start with a user message."));
}

#[test]
fn blank_text_is_rejected_with_its_location() {
    assert_eq!(
        rejection(r#"{"messages": [{"role": "user", "content": [{"text": "  \n"}]}]}"#),
        "The text field in the ContentBlock object at messages.0.content.0 is blank. Add text to the text field, and try again."
    );
    let message = rejection(
        r#"{"messages": [{"role": "user", "content": [{"text": "hi"}]}, {"role": "assistant", "content": [{"text": "ok"}, {"text": ""}]}]}"#,
    );
    assert!(
        message.contains("messages.1.content.1 is blank"),
        "{message}"
    );
    let message = rejection(
        r#"{"system": [{"text": " "}], "messages": [{"role": "user", "content": [{"text": "hi"}]}]}"#,
    );
    assert!(message.contains("system.0 is blank"), "{message}");
}

#[test]
fn roles_must_start_with_user_and_alternate() {
    assert!(
        rejection(r#"{"messages": [{"role": "assistant", "content": [{"text": "hi"}]}]}"#)
            .starts_with("A conversation must start with a user message.")
    );
    assert!(rejection(
        r#"{"messages": [{"role": "user", "content": [{"text": "a"}]}, {"role": "user", "content": [{"text": "b"}]}]}"#
    )
    .starts_with("A conversation must alternate between user and assistant roles."));
    assert!(
        rejection(r#"{"messages": [{"role": "robot", "content": [{"text": "a"}]}]}"#)
            .contains("Member must satisfy enum value set: [user, assistant]")
    );
    assert!(
        rejection(r#"{"messages": [{"role": "user", "content": []}]}"#)
            .contains("messages.0 is empty")
    );
}

#[test]
fn inference_config_ranges_are_enforced() {
    let with = |config: &str| {
        rejection(&format!(
            r#"{{"messages": [{{"role": "user", "content": [{{"text": "hi"}}]}}], "inferenceConfig": {config}}}"#
        ))
    };
    assert_eq!(
        with(r#"{"maxTokens": 0}"#),
        "1 validation error detected: Value '0' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1"
    );
    assert!(with(r#"{"temperature": 1.5}"#).contains("'inferenceConfig.temperature'"));
    assert!(with(r#"{"temperature": -0.1}"#).contains("greater than or equal to 0"));
    assert!(with(r#"{"topP": 2}"#).contains("'inferenceConfig.topP'"));
    assert!(with(r#"{"stopSequences": [""]}"#).contains("'inferenceConfig.stopSequences'"));
}

#[test]
fn tool_configuration_is_checked() {
    let base = r#"{"role": "user", "content": [{"text": "hi"}]}"#;
    assert!(rejection(&format!(
        r#"{{"messages": [{base}], "toolConfig": {{"tools": []}}}}"#
    ))
    .contains("'toolConfig.tools'"));
    assert!(rejection(&format!(
        r#"{{"messages": [{base}], "toolConfig": {{"tools": [{{"toolSpec": {{"name": "a", "inputSchema": {{"json": {{}}}}}}}}], "toolChoice": {{"tool": {{"name": "b"}}}}}}}}"#
    ))
    .contains("The tool b specified in toolChoice is not defined"));
    assert_eq!(
        rejection(
            r#"{"messages": [{"role": "user", "content": [{"toolResult": {"toolUseId": "t", "content": [{"text": "x"}]}}]}]}"#
        ),
        "The toolConfig field must be defined when using toolUse and toolResult content blocks."
    );
}

#[test]
fn unknown_members_are_accepted() {
    let reply = answer(json!({
        "messages": [user("hi")],
        "additionalModelRequestFields": {"top_k": 200, "cache": true},
        "performanceConfig": {"latency": "optimized"},
        "requestMetadata": {"team": "a"},
    }));
    assert_eq!(reply.stop_reason, StopReason::EndTurn);
}

fn person_schema() -> String {
    json!({
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "age": {"type": "integer"},
            "ok": {"type": "boolean"},
            "tags": {"type": "array"},
            "address": {"type": "object"},
            "nickname": {"type": "string"}
        },
        "required": ["name", "age", "ok", "tags", "address"]
    })
    .to_string()
}

fn structured(schema: &str) -> serde_json::Value {
    json!({
        "messages": [user("who are you?")],
        "outputConfig": {"textFormat": {"type": "json_schema", "structure": {"jsonSchema": {
            "schema": schema, "name": "person"
        }}}},
    })
}

#[test]
fn structured_output_answers_with_json_from_the_schema() {
    let reply = answer(structured(&person_schema()));
    assert_eq!(
        reply.text,
        r#"{"address":{},"age":1,"name":"example","ok":true,"tags":[]}"#
    );
    assert_eq!(reply.stop_reason, StopReason::EndTurn);
    assert_eq!(reply.usage.output_tokens, 1);
}

#[test]
fn structured_output_needs_a_json_object_schema() {
    let message = "The format of the value at outputConfig.textFormat.structure.jsonSchema.schema is invalid. Provide a json object for the field and try again.";
    for schema in ["{not json", "[1, 2]", ""] {
        assert_eq!(
            rejection(&structured(schema).to_string()),
            message,
            "{schema:?}"
        );
    }
    let mut body = structured(&person_schema());
    body["outputConfig"]["textFormat"]["type"] = json!("xml");
    assert!(rejection(&body.to_string()).contains("'outputConfig.textFormat.type'"));
}

#[test]
fn all_tools_calls_every_tool_in_order() {
    let reply =
        answer(json!({"messages": [user("Use ALL tools please")], "toolConfig": weather_tools()}));
    assert_eq!(reply.text, "Calling 2 tools.");
    assert_eq!(reply.stop_reason, StopReason::ToolUse);
    let names: Vec<&str> = reply.tool_calls.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["get_weather", "get_time"]);
    assert_eq!(reply.tool_calls[1].input, json!({}));
    assert_ne!(reply.tool_calls[0].id, reply.tool_calls[1].id);
    assert!(reply.tool_calls.iter().all(|c| c.id.len() == 30));
    // 3 text words + one word per compact input
    assert_eq!(reply.usage.output_tokens, 5);

    let mut config = weather_tools();
    config["toolChoice"] = json!({"tool": {"name": "get_time"}});
    let named = answer(json!({"messages": [user("use all tools")], "toolConfig": config}));
    assert_eq!(named.text, "Calling get_time.", "a named toolChoice wins");
}
