//! Function calling and structured output in requests.

use serde_json::{json, Value};

use super::{converse, refused};

fn weather_tool() -> Value {
    json!({"type": "function", "function": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        "strict": true
    }})
}

fn weather_spec() -> Value {
    json!({"toolSpec": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "inputSchema": {"json": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}},
        // With no model family known, `strict` passes as sent.
        "strict": true
    }})
}

fn ask(tool_choice: Value) -> Value {
    converse(json!({
        "messages": [{"role": "user", "content": "Weather in Paris?"}],
        "tools": [weather_tool(), {"type": "function", "function": {"name": "no_args", "description": " "}}],
        "tool_choice": tool_choice
    }))
}

#[test]
fn golden_tools_and_each_tool_choice() {
    let no_args = json!({"toolSpec": {"name": "no_args", "inputSchema": {"json": {"type": "object", "properties": {}}}}});
    assert_eq!(
        ask(json!("auto")),
        json!({
            "messages": [{"role": "user", "content": [{"text": "Weather in Paris?"}]}],
            "toolConfig": {"tools": [weather_spec(), no_args], "toolChoice": {"auto": {}}}
        })
    );
    assert_eq!(
        ask(Value::Null)["toolConfig"],
        json!({"tools": [weather_spec(), no_args]})
    );
    assert_eq!(
        ask(json!("required"))["toolConfig"]["toolChoice"],
        json!({"any": {}})
    );
    assert_eq!(
        ask(json!({"type": "function", "function": {"name": "get_weather"}}))["toolConfig"]
            ["toolChoice"],
        json!({"tool": {"name": "get_weather"}})
    );
    // Converse has no "none": the tools are withheld.
    assert_eq!(ask(json!("none")).get("toolConfig"), None);
}

#[test]
fn golden_tool_round_trip_history() {
    let out = converse(json!({
        "messages": [
            {"role": "user", "content": "Weather in Paris and Berlin?"},
            {"role": "assistant", "content": "Checking.", "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}},
                {"id": "call_2", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Berlin\"}"}},
                {"id": "call_3", "type": "function", "function": {"name": "now", "arguments": ""}}
            ]},
            {"role": "tool", "tool_call_id": "call_1", "content": "{\"temp_c\": 18}"},
            {"role": "tool", "tool_call_id": "call_2", "content": "rainy, 12C"},
            {"role": "tool", "tool_call_id": "call_3", "content": [{"type": "text", "text": "[1, 2]"}]},
            {"role": "user", "content": "Summarise."}
        ],
        "tools": [weather_tool()]
    }));
    assert_eq!(
        out,
        json!({
            "messages": [
                {"role": "user", "content": [{"text": "Weather in Paris and Berlin?"}]},
                {"role": "assistant", "content": [
                    {"text": "Checking."},
                    {"toolUse": {"toolUseId": "call_1", "name": "get_weather", "input": {"city": "Paris"}}},
                    {"toolUse": {"toolUseId": "call_2", "name": "get_weather", "input": {"city": "Berlin"}}},
                    {"toolUse": {"toolUseId": "call_3", "name": "now", "input": {}}}
                ]},
                {"role": "user", "content": [
                    {"toolResult": {"toolUseId": "call_1", "content": [{"json": {"temp_c": 18}}]}},
                    {"toolResult": {"toolUseId": "call_2", "content": [{"text": "rainy, 12C"}]}},
                    {"toolResult": {"toolUseId": "call_3", "content": [{"text": "[1, 2]"}]}},
                    {"text": "Summarise."}
                ]}
            ],
            "toolConfig": {"tools": [weather_spec()]}
        })
    );
}

#[test]
fn an_empty_tool_result_still_answers_its_call() {
    let out = converse(json!({
        "messages": [
            {"role": "user", "content": "go"},
            {"role": "assistant", "content": null, "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "run", "arguments": "{}"}}
            ]},
            {"role": "tool", "tool_call_id": "c1", "content": "  "}
        ],
        "tools": [{"type": "function", "function": {"name": "run"}}]
    }));
    assert_eq!(
        out["messages"][2],
        json!({"role": "user", "content": [{"toolResult": {"toolUseId": "c1", "content": [{"text": "(empty)"}]}}]})
    );
}

#[test]
fn history_with_tool_calls_keeps_a_tool_config() {
    let history = json!([
        {"role": "user", "content": "go"},
        {"role": "assistant", "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": "run", "arguments": "{}"}},
            {"id": "c2", "type": "function", "function": {"name": "run", "arguments": "{}"}},
            {"id": "c3", "type": "function", "function": {"name": "stop", "arguments": "{}"}}
        ]},
        {"role": "tool", "tool_call_id": "c1", "content": "ok"},
        {"role": "tool", "tool_call_id": "c2", "content": "ok"},
        {"role": "tool", "tool_call_id": "c3", "content": "ok"}
    ]);
    // No tools sent: Bedrock still needs a toolConfig, so the called tools are declared.
    let out = converse(json!({"messages": history}));
    assert_eq!(
        out["toolConfig"],
        json!({"tools": [
            {"toolSpec": {"name": "run", "inputSchema": {"json": {"type": "object"}}}},
            {"toolSpec": {"name": "stop", "inputSchema": {"json": {"type": "object"}}}}
        ]})
    );
    // tool_choice "none" with such a history keeps the client's tools, without a choice.
    let out =
        converse(json!({"messages": history, "tools": [weather_tool()], "tool_choice": "none"}));
    assert_eq!(out["toolConfig"], json!({"tools": [weather_spec()]}));
}

#[test]
fn bad_tool_calls_in_history_are_refused() {
    let with_call = |call: Value| {
        json!({"messages": [
            {"role": "user", "content": "go"},
            {"role": "assistant", "tool_calls": [call]}
        ]})
    };
    refused(
        with_call(
            json!({"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{\"a\":"}}),
        ),
        "messages[1].tool_calls[0].function.arguments",
        "tool call arguments are not valid JSON: EOF while parsing a value at line 1 column 5",
    );
    refused(
        with_call(
            json!({"id": "c1", "type": "function", "function": {"name": "f", "arguments": "[1]"}}),
        ),
        "messages[1].tool_calls[0].function.arguments",
        "tool call arguments must be a JSON object",
    );
    refused(
        with_call(
            json!({"id": "c1", "type": "custom", "function": {"name": "f", "arguments": "{}"}}),
        ),
        "messages[1].tool_calls[0].type",
        "tool call type 'custom' is not supported; only 'function'",
    );
    refused(
        with_call(
            json!({"id": "", "type": "function", "function": {"name": "f", "arguments": "{}"}}),
        ),
        "messages[1].tool_calls[0].id",
        "a tool call needs a non-empty id",
    );
    refused(
        json!({"messages": [{"role": "user", "content": "go"}, {"role": "tool", "content": "42"}]}),
        "messages[1].tool_call_id",
        "a tool message needs the tool_call_id of the call it answers",
    );
    refused(
        json!({"messages": [
            {"role": "user", "content": "go"},
            {"role": "tool", "tool_call_id": "c", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}
        ]}),
        "messages[1].content[0]",
        "image_url must be a data: URL (data:image/png;base64,...)",
    );
}

#[test]
fn bad_tool_definitions_are_refused() {
    let with_tools = |tools: Value, choice: Value| json!({"messages": [{"role": "user", "content": "hi"}], "tools": tools, "tool_choice": choice});
    refused(
        with_tools(json!({"name": "f"}), Value::Null),
        "tools",
        "tools must be an array",
    );
    refused(
        with_tools(json!([weather_tool(), {"type": "function", "function": {"name": "get weather"}}]), Value::Null),
        "tools[1].function.name",
        "tool name 'get weather' is invalid: use 1 to 64 letters, digits, '_' or '-' (Bedrock's rule)",
    );
    // Empty and over-long names break Bedrock's rule too (LiteLLM #19384).
    refused(
        with_tools(
            json!([{"type": "function", "function": {"name": ""}}]),
            Value::Null,
        ),
        "tools[0].function.name",
        "tool name '' is invalid: use 1 to 64 letters, digits, '_' or '-' (Bedrock's rule)",
    );
    let long = "a".repeat(65);
    refused(
        with_tools(json!([{"type": "function", "function": {"name": long}}]), Value::Null),
        "tools[0].function.name",
        &format!("tool name '{long}' is invalid: use 1 to 64 letters, digits, '_' or '-' (Bedrock's rule)"),
    );
    refused(
        with_tools(
            json!([{"type": "function", "function": {"description": "d"}}]),
            Value::Null,
        ),
        "tools[0].function.name",
        "a function tool needs a name",
    );
    refused(
        with_tools(json!([{"type": "function"}]), Value::Null),
        "tools[0].function",
        "a function tool needs a 'function' object",
    );
    refused(
        with_tools(json!([{"type": "web_search"}]), Value::Null),
        "tools[0].type",
        "tool type 'web_search' is not supported; only 'function' tools are",
    );
    refused(
        with_tools(
            json!([{"type": "function", "function": {"name": "f", "parameters": "x"}}]),
            Value::Null,
        ),
        "tools[0].function.parameters",
        "parameters must be a JSON Schema object",
    );
    refused(
        with_tools(json!([]), json!("required")),
        "tool_choice",
        "tool_choice 'required' needs at least one tool in tools",
    );
    refused(
        with_tools(
            json!([weather_tool()]),
            json!({"type": "function", "function": {"name": "other"}}),
        ),
        "tool_choice.function.name",
        "tool_choice names 'other', which is not one of the tools sent",
    );
    refused(
        with_tools(json!([weather_tool()]), json!("sometimes")),
        "tool_choice",
        "tool_choice must be 'none', 'auto', 'required' or {\"type\": \"function\", \"function\": {\"name\": \"...\"}}",
    );
}

#[test]
fn response_format_maps_to_native_structured_output() {
    let with_format = |format: Value| json!({"messages": [{"role": "user", "content": "hi"}], "response_format": format});
    let out = converse(with_format(json!({
        "type": "json_schema",
        "json_schema": {"name": "person", "strict": true, "schema": {"type": "object", "properties": {"name": {"type": "string"}}}}
    })));
    assert_eq!(
        out["outputConfig"],
        json!({"textFormat": {"type": "json_schema", "structure": {"jsonSchema": {
            "schema": json!({"type": "object", "properties": {"name": {"type": "string"}}}).to_string(),
            "name": "person"
        }}}})
    );
    assert_eq!(
        converse(with_format(json!({"type": "text"}))).get("outputConfig"),
        None
    );
    refused(
        with_format(json!({"type": "json_schema", "json_schema": {"name": "x"}})),
        "response_format.json_schema.schema",
        "response_format 'json_schema' needs json_schema.schema, a JSON Schema object",
    );
    // An explicit Bedrock outputConfig wins over the mapped one.
    let mut req =
        with_format(json!({"type": "json_schema", "json_schema": {"schema": {"type": "object"}}}));
    req["outputConfig"] = json!({"effort": "high"});
    assert_eq!(converse(req)["outputConfig"], json!({"effort": "high"}));
}
