//! Prompt caching: `cache_control` → `cachePoint`, placement, the limit of four, usage.

use serde_json::{json, Value};

use super::{
    chat_stream, chunk, converse, converse_for, delta_chunk, refused, run_stream, NOVA_PRO,
    ROLE_CHUNK, SONNET_4_5,
};

const EPHEMERAL: &str = "ephemeral";

fn tool(name: &str, cache: Option<Value>) -> Value {
    let mut t =
        json!({"type": "function", "function": {"name": name, "parameters": {"type": "object"}}});
    if let Some(c) = cache {
        t["cache_control"] = c;
    }
    t
}

fn spec(name: &str) -> Value {
    json!({"toolSpec": {"name": name, "inputSchema": {"json": {"type": "object"}}}})
}

#[test]
fn golden_markers_on_parts_messages_system_and_tools() {
    let out = converse_for(
        SONNET_4_5,
        json!({
            "messages": [
                {"role": "system", "content": [
                    {"type": "text", "text": "Long policy document.", "cache_control": {"type": EPHEMERAL, "ttl": "1h"}},
                    {"type": "text", "text": "Today is Monday."}
                ]},
                {"role": "user", "content": [
                    {"type": "text", "text": "Here is the codebase.", "cache_control": {"type": EPHEMERAL}},
                    {"type": "text", "text": "What does main do?"}
                ]},
                {"role": "assistant", "content": "It starts the server."},
                {"role": "user", "content": "And tests?", "cache_control": {"type": EPHEMERAL, "ttl": "5m"}}
            ],
            "tools": [tool("read_file", None), tool("grep", Some(json!({"type": EPHEMERAL})))]
        }),
    );
    assert_eq!(
        out,
        json!({
            "messages": [
                {"role": "user", "content": [
                    {"text": "Here is the codebase."},
                    {"cachePoint": {"type": "default"}},
                    {"text": "What does main do?"}
                ]},
                {"role": "assistant", "content": [{"text": "It starts the server."}]},
                {"role": "user", "content": [
                    {"text": "And tests?"},
                    {"cachePoint": {"type": "default", "ttl": "5m"}}
                ]}
            ],
            "system": [
                {"text": "Long policy document."},
                {"cachePoint": {"type": "default", "ttl": "1h"}},
                {"text": "Today is Monday."}
            ],
            "toolConfig": {"tools": [spec("read_file"), spec("grep"), {"cachePoint": {"type": "default"}}]}
        })
    );
    // The marker never leaks into a block (LiteLLM #34248).
    assert!(!out.to_string().contains("cache_control"));
    assert!(!out.to_string().contains("ephemeral"));
}

#[test]
fn a_system_message_marker_and_a_tool_result_marker_follow_their_blocks() {
    let out = converse(json!({"messages": [
        {"role": "system", "content": "Rules.", "cache_control": {"type": EPHEMERAL}},
        {"role": "user", "content": "go"},
        {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "c1", "content": [{"type": "text", "text": "big output", "cache_control": {"type": EPHEMERAL}}]}
    ]}));
    assert_eq!(
        out["system"],
        json!([{"text": "Rules."}, {"cachePoint": {"type": "default"}}])
    );
    assert_eq!(
        out["messages"][2]["content"],
        json!([
            {"toolResult": {"toolUseId": "c1", "content": [{"text": "big output"}]}},
            {"cachePoint": {"type": "default"}}
        ])
    );
}

#[test]
fn at_most_four_cache_points_the_first_four_in_prompt_order() {
    let marked =
        |text: &str| json!({"role": "user", "content": text, "cache_control": {"type": EPHEMERAL}});
    let out = converse_for(
        SONNET_4_5,
        json!({
            "messages": [
                {"role": "system", "content": "s", "cache_control": {"type": EPHEMERAL}},
                marked("one"),
                {"role": "assistant", "content": "a"},
                marked("two"),
                {"role": "assistant", "content": "b"},
                marked("three")
            ],
            "tools": [tool("t1", Some(json!({"type": EPHEMERAL}))), tool("t2", Some(json!({"type": EPHEMERAL})))]
        }),
    );
    let points = out.to_string().matches("cachePoint").count();
    assert_eq!(points, 4);
    // Tools first, then system, then the earliest message; the later ones are dropped.
    assert_eq!(
        out["toolConfig"]["tools"],
        json!([spec("t1"), {"cachePoint": {"type": "default"}}, spec("t2"), {"cachePoint": {"type": "default"}}])
    );
    assert_eq!(out["system"][1], json!({"cachePoint": {"type": "default"}}));
    assert_eq!(
        out["messages"][0]["content"],
        json!([{"text": "one"}, {"cachePoint": {"type": "default"}}])
    );
    assert_eq!(out["messages"][2]["content"], json!([{"text": "two"}]));
    assert_eq!(out["messages"][4]["content"], json!([{"text": "three"}]));
}

#[test]
fn nova_gets_no_cache_point_after_a_tool_result_nor_on_tools() {
    let req = json!({
        "messages": [
            {"role": "system", "content": "s", "cache_control": {"type": EPHEMERAL}},
            {"role": "user", "content": "go"},
            {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
            {"role": "tool", "tool_call_id": "c1", "content": "result", "cache_control": {"type": EPHEMERAL}},
            {"role": "user", "content": "next", "cache_control": {"type": EPHEMERAL}}
        ],
        "tools": [tool("f", Some(json!({"type": EPHEMERAL})))]
    });
    let out = converse_for(NOVA_PRO, req.clone());
    assert_eq!(out["toolConfig"]["tools"], json!([spec("f")]));
    assert_eq!(
        out["system"],
        json!([{"text": "s"}, {"cachePoint": {"type": "default"}}])
    );
    assert_eq!(
        out["messages"][2]["content"],
        json!([
            {"toolResult": {"toolUseId": "c1", "content": [{"text": "result"}]}},
            {"text": "next"},
            {"cachePoint": {"type": "default"}}
        ])
    );
    // Claude keeps the one after the tool result.
    let claude = converse_for(SONNET_4_5, req);
    assert_eq!(
        claude["messages"][2]["content"][1],
        json!({"cachePoint": {"type": "default"}})
    );
}

#[test]
fn families_without_prompt_caching_lose_every_marker() {
    let out = converse_for(
        "us.meta.llama3-3-70b-instruct-v1:0",
        json!({
            "messages": [
                {"role": "system", "content": "s", "cache_control": {"type": EPHEMERAL}},
                {"role": "user", "content": [{"type": "text", "text": "u", "cache_control": {"type": EPHEMERAL}}]}
            ],
            "tools": [tool("f", Some(json!({"type": EPHEMERAL})))]
        }),
    );
    assert!(!out.to_string().contains("cachePoint"), "{out}");
}

#[test]
fn markers_on_blank_parts_mark_the_block_before_or_nothing() {
    let out = converse(json!({"messages": [{"role": "user", "content": [
        {"type": "text", "text": " ", "cache_control": {"type": EPHEMERAL}},
        {"type": "text", "text": "real"},
        {"type": "text", "text": "  ", "cache_control": {"type": EPHEMERAL}}
    ], "cache_control": {"type": EPHEMERAL}}]}));
    // One point after "real": the blank parts' markers and the message marker collapse.
    assert_eq!(
        out["messages"][0]["content"],
        json!([{"text": "real"}, {"cachePoint": {"type": "default"}}])
    );
}

#[test]
fn malformed_markers_are_refused_by_path() {
    refused(
        json!({"messages": [{"role": "user", "content": [{"type": "text", "text": "x", "cache_control": {"type": EPHEMERAL, "ttl": "2h"}}]}]}),
        "messages[0].content[0].cache_control.ttl",
        "cache_control ttl must be '5m' or '1h', not \"2h\"",
    );
    refused(
        json!({"messages": [{"role": "user", "content": "x", "cache_control": {"type": "persistent"}}]}),
        "messages[0].cache_control.type",
        "cache_control type \"persistent\" is not supported; only 'ephemeral'",
    );
    refused(
        json!({"messages": [{"role": "user", "content": "x"}], "tools": [tool("f", Some(json!("yes")))]}),
        "tools[0].cache_control",
        "cache_control must be an object like {\"type\": \"ephemeral\"}",
    );
}

#[test]
fn streams_carry_cache_read_and_write_tokens() {
    let (sse, t) = run_stream(
        chat_stream(true),
        &[
            ("messageStart", r#"{"role":"assistant"}"#),
            (
                "contentBlockDelta",
                r#"{"contentBlockIndex":0,"delta":{"text":"ok"}}"#,
            ),
            ("messageStop", r#"{"stopReason":"end_turn"}"#),
            (
                "metadata",
                r#"{"usage":{"inputTokens":10,"outputTokens":2,"totalTokens":2012,"cacheReadInputTokens":1500,"cacheWriteInputTokens":500,"cacheDetails":[{"ttl":"5m","inputTokens":500}]},"metrics":{"latencyMs":3}}"#,
            ),
        ],
    );
    let expected = [
        delta_chunk(ROLE_CHUNK),
        delta_chunk(r#"{"content":"ok"}"#),
        chunk(r#""choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]"#),
        chunk(concat!(
            r#""choices":[],"usage":{"prompt_tokens":2010,"completion_tokens":2,"total_tokens":2012,"#,
            r#""prompt_tokens_details":{"cached_tokens":1500}}"#
        )),
        "data: [DONE]\n\n".to_owned(),
    ]
    .concat();
    assert_eq!(sse, expected);
    // total_tokens equals Bedrock's totalTokens, which includes cache reads and writes.
    assert_eq!(t.usage().map(|u| u.total_tokens), Some(2012));
}
