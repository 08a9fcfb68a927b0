//! Structured output: native `outputConfig` or the structured-output tool, in requests,
//! responses and streams (pitfall 12).

use serde_json::{json, Value};

use super::{
    chat_stream, chunk, converse_for, delta_chunk, meta, refused_for, run_stream, ROLE_CHUNK,
    SONNET_3_5, SONNET_4_5,
};
use crate::chat::{
    chat_from_converse, converse_from_chat_for_model, parse_converse_response,
    uses_structured_output_tool, ChatDefaults,
};

fn person_schema() -> Value {
    json!({"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"], "additionalProperties": false})
}

fn with_format(format: Value) -> Value {
    json!({"messages": [{"role": "user", "content": "Who wrote Faust?"}], "response_format": format})
}

fn json_schema() -> Value {
    json!({"type": "json_schema", "json_schema": {"name": "person", "description": "A person", "schema": person_schema()}})
}

fn structured_spec(schema: Value, description: &str) -> Value {
    json!({"toolSpec": {"name": "quarry_structured_output", "description": description, "inputSchema": {"json": schema}}})
}

const DEFAULT_DESCRIPTION: &str =
    "Give your final answer by calling this tool; its input is the answer and must match the schema.";

#[test]
fn native_structured_output_where_the_family_has_it() {
    for model in [
        SONNET_4_5,
        "openai.gpt-oss-20b-1:0",
        "qwen.qwen3-32b-v1:0",
        "us.deepseek.v3-v1:0",
    ] {
        let out = converse_for(model, with_format(json_schema()));
        assert_eq!(
            out["outputConfig"],
            json!({"textFormat": {"type": "json_schema", "structure": {"jsonSchema": {
                "schema": person_schema().to_string(), "name": "person", "description": "A person"
            }}}}),
            "{model}"
        );
        assert_eq!(out.get("toolConfig"), None);
    }
    // Native output takes any schema, top-level anyOf included.
    let any_of = json!({"type": "json_schema", "json_schema": {"schema": {"anyOf": [{"type": "string"}, {"type": "number"}]}}});
    assert!(converse_for(SONNET_4_5, with_format(any_of))
        .get("outputConfig")
        .is_some());
}

#[test]
fn golden_tool_emulation_for_older_models() {
    let out = converse_for(SONNET_3_5, with_format(json_schema()));
    assert_eq!(
        out,
        json!({
            "messages": [{"role": "user", "content": [{"text": "Who wrote Faust?"}]}],
            "toolConfig": {
                "tools": [structured_spec(person_schema(), "A person")],
                "toolChoice": {"tool": {"name": "quarry_structured_output"}}
            }
        })
    );
}

#[test]
fn json_object_is_the_tool_with_an_open_object_schema() {
    for model in [SONNET_4_5, SONNET_3_5, "us.amazon.nova-pro-v1:0"] {
        let out = converse_for(model, with_format(json!({"type": "json_object"})));
        assert_eq!(
            out["toolConfig"],
            json!({
                "tools": [structured_spec(json!({"type": "object"}), DEFAULT_DESCRIPTION)],
                "toolChoice": {"tool": {"name": "quarry_structured_output"}}
            }),
            "{model}"
        );
    }
}

#[test]
fn real_tools_stay_offered_next_to_the_structured_tool() {
    let weather = json!({"type": "function", "function": {"name": "weather", "parameters": {"type": "object"}}});
    let mut req = with_format(json_schema());
    req["tools"] = json!([weather]);
    let out = converse_for(SONNET_3_5, req.clone());
    assert_eq!(
        out["toolConfig"],
        json!({
            "tools": [
                {"toolSpec": {"name": "weather", "inputSchema": {"json": {"type": "object"}}}},
                structured_spec(person_schema(), "A person")
            ],
            "toolChoice": {"auto": {}}
        })
    );
    // The client's own choice stands.
    req["tool_choice"] = json!("required");
    assert_eq!(
        converse_for(SONNET_3_5, req.clone())["toolConfig"]["toolChoice"],
        json!({"any": {}})
    );
    // With thinking, the forced structured tool becomes auto like any forced tool.
    let mut thinking = with_format(json_schema());
    thinking["reasoning_effort"] = json!("low");
    let out = converse_for("anthropic.claude-sonnet-4-20250514-v1:0", thinking);
    assert_eq!(out["toolConfig"]["toolChoice"], json!({"auto": {}}));
}

#[test]
fn schemas_a_tool_cannot_carry_are_refused() {
    let schema =
        |s: Value| with_format(json!({"type": "json_schema", "json_schema": {"schema": s}}));
    refused_for(
        SONNET_3_5,
        schema(json!({"anyOf": [{"type": "object"}, {"type": "string"}]})),
        "response_format.json_schema.schema",
        "a schema with a top-level 'anyOf' cannot be used for this model: Bedrock emulates \
         response_format with a tool, whose input must be a single object type; wrap the \
         alternatives in an object property",
    );
    refused_for(
        SONNET_3_5,
        schema(json!({"type": "array", "items": {"type": "string"}})),
        "response_format.json_schema.schema",
        "the schema's top-level type must be 'object' for this model (got \"array\"): Bedrock \
         emulates response_format with a tool, whose input is an object; wrap the value in an \
         object property",
    );
    refused_for(
        "amazon.titan-text-express-v1",
        with_format(json!({"type": "json_object"})),
        "response_format",
        "response_format 'json_object' is not supported for this model: on Bedrock it has \
         neither native structured output nor tool use",
    );
    let mut reserved = with_format(json!({"type": "text"}));
    reserved["tools"] =
        json!([{"type": "function", "function": {"name": "quarry_structured_output"}}]);
    refused_for(
        SONNET_3_5,
        reserved,
        "tools[0].function.name",
        "tool name 'quarry_structured_output' is reserved: Quarry uses it for response_format; \
         rename the tool",
    );
}

#[test]
fn the_gateway_can_tell_an_emulated_request() {
    let req = serde_json::from_value(with_format(json_schema())).unwrap();
    let d = ChatDefaults::default();
    assert!(uses_structured_output_tool(
        &converse_from_chat_for_model(&req, &d, SONNET_3_5, true).unwrap()
    ));
    assert!(!uses_structured_output_tool(
        &converse_from_chat_for_model(&req, &d, SONNET_4_5, true).unwrap()
    ));
}

fn respond(content: Value, stop: &str) -> Value {
    let body = json!({
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": stop,
        "usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2},
        "metrics": {"latencyMs": 1}
    });
    let resp = parse_converse_response(body.to_string().as_bytes()).unwrap();
    serde_json::to_value(chat_from_converse(resp, &meta())).unwrap()["choices"][0].clone()
}

#[test]
fn golden_structured_answer_becomes_content() {
    let choice = respond(
        json!([
            {"text": "Here you go:"},
            {"toolUse": {"toolUseId": "t1", "name": "quarry_structured_output", "input": {"name": "Goethe"}}}
        ]),
        "tool_use",
    );
    assert_eq!(
        choice,
        json!({
            "index": 0,
            "message": {"role": "assistant", "content": "{\"name\":\"Goethe\"}", "refusal": null},
            "logprobs": null,
            "finish_reason": "stop"
        })
    );
}

#[test]
fn a_real_tool_call_beside_the_structured_tool_is_not_swallowed() {
    let choice = respond(
        json!([
            {"toolUse": {"toolUseId": "t1", "name": "weather", "input": {"city": "Weimar"}}},
            {"toolUse": {"toolUseId": "t2", "name": "quarry_structured_output", "input": {}}}
        ]),
        "tool_use",
    );
    assert_eq!(choice["finish_reason"], json!("tool_calls"));
    assert_eq!(choice["message"]["content"], json!("{}"));
    assert_eq!(
        choice["message"]["tool_calls"],
        json!([{"id": "t1", "type": "function", "function": {"name": "weather", "arguments": "{\"city\":\"Weimar\"}"}}])
    );
    // The model may also answer in plain text: that is the content.
    let choice = respond(json!([{"text": "{\"name\": \"Goethe\"}"}]), "end_turn");
    assert_eq!(
        choice["message"]["content"],
        json!("{\"name\": \"Goethe\"}")
    );
}

/// A stream where a real tool call and the structured tool interleave (LiteLLM PR #34230).
fn interleaved() -> Vec<(&'static str, &'static str)> {
    vec![
        ("messageStart", r#"{"role":"assistant"}"#),
        (
            "contentBlockDelta",
            r#"{"contentBlockIndex":0,"delta":{"text":"Sure."}}"#,
        ),
        ("contentBlockStop", r#"{"contentBlockIndex":0}"#),
        (
            "contentBlockStart",
            r#"{"contentBlockIndex":1,"start":{"toolUse":{"toolUseId":"t_s","name":"quarry_structured_output"}}}"#,
        ),
        (
            "contentBlockStart",
            r#"{"contentBlockIndex":2,"start":{"toolUse":{"toolUseId":"t_w","name":"weather"}}}"#,
        ),
        (
            "contentBlockDelta",
            r#"{"contentBlockIndex":1,"delta":{"toolUse":{"input":"{\"name\":"}}}"#,
        ),
        (
            "contentBlockDelta",
            r#"{"contentBlockIndex":2,"delta":{"toolUse":{"input":"{\"city\":\"Weimar\"}"}}}"#,
        ),
        (
            "contentBlockDelta",
            r#"{"contentBlockIndex":1,"delta":{"toolUse":{"input":"\"Goethe\"}"}}}"#,
        ),
        ("contentBlockStop", r#"{"contentBlockIndex":1}"#),
        ("contentBlockStop", r#"{"contentBlockIndex":2}"#),
        ("messageStop", r#"{"stopReason":"tool_use"}"#),
    ]
}

#[test]
fn golden_stream_keeps_interleaved_real_tool_calls() {
    let (sse, t) = run_stream(chat_stream(false), &interleaved());
    let expected = [
        delta_chunk(ROLE_CHUNK),
        delta_chunk(r#"{"content":"Sure."}"#),
        delta_chunk(r#"{"tool_calls":[{"index":0,"id":"t_w","type":"function","function":{"name":"weather","arguments":""}}]}"#),
        delta_chunk(r#"{"content":"{\"name\":"}"#),
        delta_chunk(r#"{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":\"Weimar\"}"}}]}"#),
        delta_chunk(r#"{"content":"\"Goethe\"}"}"#),
        chunk(r#""choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}]"#),
        "data: [DONE]\n\n".to_owned(),
    ]
    .concat();
    assert_eq!(sse, expected);
    assert_eq!(t.text(), "Sure.{\"name\":\"Goethe\"}");
}

#[test]
fn golden_held_stream_drops_a_preamble_before_the_structured_answer() {
    let mut t = chat_stream(false);
    t.hold_text_for_structured_output();
    let events: Vec<_> = interleaved()
        .into_iter()
        .filter(|(_, p)| !p.contains("weather") && !p.contains("Weimar") && !p.contains(":2}"))
        .collect();
    let (sse, t) = run_stream(t, &events);
    let expected = [
        delta_chunk(ROLE_CHUNK),
        delta_chunk(r#"{"content":"{\"name\":"}"#),
        delta_chunk(r#"{"content":"\"Goethe\"}"}"#),
        // The only tool call was the structured answer: for the client, the answer is done.
        chunk(r#""choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]"#),
        "data: [DONE]\n\n".to_owned(),
    ]
    .concat();
    assert_eq!(sse, expected);
    assert_eq!(t.finish_reason(), Some("stop"));
}

#[test]
fn held_text_is_sent_before_a_real_tool_call_or_at_the_end() {
    let mut t = chat_stream(false);
    t.hold_text_for_structured_output();
    let (sse, _) = run_stream(
        t,
        &[
            (
                "contentBlockDelta",
                r#"{"contentBlockIndex":0,"delta":{"text":"Checking."}}"#,
            ),
            (
                "contentBlockStart",
                r#"{"contentBlockIndex":1,"start":{"toolUse":{"toolUseId":"t_w","name":"weather"}}}"#,
            ),
            ("contentBlockStop", r#"{"contentBlockIndex":1}"#),
            ("messageStop", r#"{"stopReason":"tool_use"}"#),
        ],
    );
    let expected = [
        delta_chunk(ROLE_CHUNK),
        delta_chunk(r#"{"content":"Checking."}"#),
        delta_chunk(r#"{"tool_calls":[{"index":0,"id":"t_w","type":"function","function":{"name":"weather","arguments":""}}]}"#),
        delta_chunk(r#"{"tool_calls":[{"index":0,"function":{"arguments":"{}"}}]}"#),
        chunk(r#""choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}]"#),
        "data: [DONE]\n\n".to_owned(),
    ]
    .concat();
    assert_eq!(sse, expected);

    let mut t = chat_stream(false);
    t.hold_text_for_structured_output();
    let (sse, t) = run_stream(
        t,
        &[
            (
                "contentBlockDelta",
                r#"{"contentBlockIndex":0,"delta":{"text":"{\"name\": "}}"#,
            ),
            (
                "contentBlockDelta",
                r#"{"contentBlockIndex":0,"delta":{"text":"\"Goethe\"}"}}"#,
            ),
            ("messageStop", r#"{"stopReason":"end_turn"}"#),
        ],
    );
    let expected = [
        delta_chunk(ROLE_CHUNK),
        delta_chunk(r#"{"content":"{\"name\": \"Goethe\"}"}"#),
        chunk(r#""choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]"#),
        "data: [DONE]\n\n".to_owned(),
    ]
    .concat();
    assert_eq!(sse, expected);
    assert_eq!(t.text(), "{\"name\": \"Goethe\"}");
}

#[test]
fn a_structured_tool_without_input_streams_an_empty_object() {
    let (sse, _) = run_stream(
        chat_stream(false),
        &[
            (
                "contentBlockStart",
                r#"{"contentBlockIndex":0,"start":{"toolUse":{"toolUseId":"t","name":"quarry_structured_output"}}}"#,
            ),
            ("contentBlockStop", r#"{"contentBlockIndex":0}"#),
            ("messageStop", r#"{"stopReason":"tool_use"}"#),
        ],
    );
    assert!(sse.contains(&delta_chunk(r#"{"content":"{}"}"#)), "{sse}");
    assert!(sse.contains(r#""finish_reason":"stop""#), "{sse}");
}
