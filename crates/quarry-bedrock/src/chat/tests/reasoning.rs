//! Reasoning: `reasoning_effort` per family, forced tool choice with thinking, replayed
//! reasoning in history, reasoning in responses and streams.

use serde_json::{json, Value};

use super::{
    chat_stream, chunk, converse, converse_for, delta_chunk, meta, refused, run_stream, ROLE_CHUNK,
    SONNET_3_5, SONNET_4_5,
};
use crate::chat::{chat_from_converse, parse_converse_response};

const SONNET_3_7: &str = "us.anthropic.claude-3-7-sonnet-20250219-v1:0";

fn ask(effort: &str, extra: Value) -> Value {
    let mut req =
        json!({"messages": [{"role": "user", "content": "Prove it."}], "reasoning_effort": effort});
    if let Value::Object(extra) = extra {
        req.as_object_mut().unwrap().extend(extra);
    }
    req
}

#[test]
fn golden_anthropic_thinking_budgets_and_max_tokens() {
    for (effort, budget) in [
        ("minimal", 1024),
        ("low", 2048),
        ("medium", 8192),
        ("high", 16384),
    ] {
        let out = converse_for(SONNET_4_5, ask(effort, json!({"max_tokens": 1000})));
        assert_eq!(
            out,
            json!({
                "messages": [{"role": "user", "content": [{"text": "Prove it."}]}],
                "inferenceConfig": {"maxTokens": budget + 1024},
                "additionalModelRequestFields": {"thinking": {"type": "enabled", "budget_tokens": budget}}
            }),
            "{effort}"
        );
    }
    // Enough room already: max_tokens stays; unset: it is set.
    let out = converse_for(SONNET_3_7, ask("low", json!({"max_tokens": 32000})));
    assert_eq!(out["inferenceConfig"], json!({"maxTokens": 32000}));
    let out = converse_for(SONNET_3_7, ask("low", json!({})));
    assert_eq!(out["inferenceConfig"], json!({"maxTokens": 3072}));
}

#[test]
fn other_families_get_their_own_switch_or_nothing() {
    let out = converse_for("us.amazon.nova-2-lite-v1:0", ask("minimal", json!({})));
    assert_eq!(
        out["additionalModelRequestFields"],
        json!({"reasoningConfig": {"type": "enabled", "maxReasoningEffort": "low"}})
    );
    let out = converse_for("us.amazon.nova-2-lite-v1:0", ask("high", json!({})));
    assert_eq!(
        out["additionalModelRequestFields"]["reasoningConfig"]["maxReasoningEffort"],
        json!("high")
    );
    let out = converse_for("openai.gpt-oss-120b-1:0", ask("medium", json!({})));
    assert_eq!(
        out["additionalModelRequestFields"],
        json!({"reasoning_effort": "medium"})
    );
    // Ignored: models without a reasoning switch, Claude before 3.7, unknown IDs, "none".
    for model in [
        "us.meta.llama3-3-70b-instruct-v1:0",
        "us.deepseek.r1-v1:0",
        SONNET_3_5,
        "amazon.nova-pro-v1:0",
    ] {
        assert_eq!(
            converse_for(model, ask("high", json!({}))).get("additionalModelRequestFields"),
            None,
            "{model}"
        );
    }
    assert_eq!(
        converse(ask("high", json!({}))).get("additionalModelRequestFields"),
        None
    );
    assert_eq!(
        converse_for(SONNET_4_5, ask("none", json!({}))).get("additionalModelRequestFields"),
        None
    );
    refused(
        ask("extreme", json!({})),
        "reasoning_effort",
        "reasoning_effort 'extreme' is not supported; use 'none', 'minimal', 'low', 'medium' or 'high'",
    );
}

#[test]
fn the_clients_own_thinking_config_wins() {
    let out = converse_for(
        SONNET_4_5,
        ask(
            "high",
            json!({"additionalModelRequestFields": {"thinking": {"type": "enabled", "budget_tokens": 4000}}, "max_tokens": 5000}),
        ),
    );
    assert_eq!(
        out["additionalModelRequestFields"],
        json!({"thinking": {"type": "enabled", "budget_tokens": 4000}})
    );
    assert_eq!(out["inferenceConfig"], json!({"maxTokens": 5000}));
}

#[test]
fn thinking_turns_a_forced_tool_choice_into_auto() {
    let tools = json!([{"type": "function", "function": {"name": "calc"}}]);
    for choice in [
        json!("required"),
        json!({"type": "function", "function": {"name": "calc"}}),
    ] {
        let out = converse_for(
            SONNET_4_5,
            ask("low", json!({"tools": tools, "tool_choice": choice})),
        );
        assert_eq!(out["toolConfig"]["toolChoice"], json!({"auto": {}}));
        // Thinking the client enabled itself counts too.
        let out = converse_for(
            SONNET_4_5,
            json!({
                "messages": [{"role": "user", "content": "2+2?"}],
                "tools": tools, "tool_choice": choice,
                "additionalModelRequestFields": {"thinking": {"type": "enabled", "budget_tokens": 1024}}
            }),
        );
        assert_eq!(out["toolConfig"]["toolChoice"], json!({"auto": {}}));
    }
    // Without thinking the choice is kept.
    let out = converse_for(
        SONNET_4_5,
        json!({"messages": [{"role": "user", "content": "2+2?"}], "tools": tools, "tool_choice": "required"}),
    );
    assert_eq!(out["toolConfig"]["toolChoice"], json!({"any": {}}));
}

#[test]
fn golden_history_replays_signed_reasoning_first_and_drops_unsigned() {
    let out = converse_for(
        SONNET_4_5,
        json!({
            "messages": [
                {"role": "user", "content": "Weather in Paris?"},
                {"role": "assistant", "content": "Let me check.",
                 "reasoning_content": "I should call the tool.",
                 "thinking_blocks": [
                    {"type": "thinking", "thinking": "I should call the tool.", "signature": "sig-1"},
                    {"type": "redacted_thinking", "data": "ZW5jcnlwdGVk"},
                    {"type": "thinking", "thinking": "", "signature": "sig-only"},
                    {"type": "thinking", "thinking": "unsigned, dropped"}
                 ],
                 "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "weather", "arguments": "{}"}}]},
                {"role": "tool", "tool_call_id": "c1", "content": "sunny"},
                {"role": "assistant", "content": "Sunny.", "reasoning_content": "no signature: dropped"},
                {"role": "user", "content": "Thanks"}
            ],
            "tools": [{"type": "function", "function": {"name": "weather"}}]
        }),
    );
    assert_eq!(
        out["messages"],
        json!([
            {"role": "user", "content": [{"text": "Weather in Paris?"}]},
            {"role": "assistant", "content": [
                {"reasoningContent": {"reasoningText": {"text": "I should call the tool.", "signature": "sig-1"}}},
                {"reasoningContent": {"redactedContent": "ZW5jcnlwdGVk"}},
                {"reasoningContent": {"reasoningText": {"text": "", "signature": "sig-only"}}},
                {"text": "Let me check."},
                {"toolUse": {"toolUseId": "c1", "name": "weather", "input": {}}}
            ]},
            {"role": "user", "content": [{"toolResult": {"toolUseId": "c1", "content": [{"text": "sunny"}]}}]},
            {"role": "assistant", "content": [{"text": "Sunny."}]},
            {"role": "user", "content": [{"text": "Thanks"}]}
        ])
    );
    refused(
        json!({"messages": [
            {"role": "user", "content": "a"},
            {"role": "assistant", "content": "b", "thinking_blocks": [{"type": "musing"}]},
            {"role": "user", "content": "c"}
        ]}),
        "messages[1].thinking_blocks[0]",
        "a thinking block must be {\"type\": \"thinking\", \"thinking\", \"signature\"} or \
         {\"type\": \"redacted_thinking\", \"data\"}: unknown variant `musing`, expected \
         `thinking` or `redacted_thinking`",
    );
}

#[test]
fn a_tool_loop_without_replayed_reasoning_is_not_given_thinking() {
    let history = |blocks: Value| {
        json!({
            "messages": [
                {"role": "user", "content": "Weather?"},
                {"role": "assistant", "thinking_blocks": blocks, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "weather", "arguments": "{}"}}]},
                {"role": "tool", "tool_call_id": "c1", "content": "sunny"}
            ],
            "tools": [{"type": "function", "function": {"name": "weather"}}],
            "reasoning_effort": "low"
        })
    };
    // Anthropic requires the tool-calling turn to start with reasoning when thinking is on.
    let out = converse_for(SONNET_4_5, history(Value::Null));
    assert_eq!(out.get("additionalModelRequestFields"), None);
    let out = converse_for(
        SONNET_4_5,
        history(json!([{"type": "thinking", "thinking": "call it", "signature": "s"}])),
    );
    assert_eq!(
        out["additionalModelRequestFields"]["thinking"],
        json!({"type": "enabled", "budget_tokens": 2048})
    );
}

#[test]
fn golden_response_reasoning_and_redacted_reasoning() {
    let body = json!({
        "output": {"message": {"role": "assistant", "content": [
            {"reasoningContent": {"reasoningText": {"text": "Step 1. ", "signature": "s1"}}},
            {"reasoningContent": {"redactedContent": "cmVkYWN0ZWQ="}},
            {"reasoningContent": {"reasoningText": {"text": "Step 2.", "signature": "s2"}}},
            {"text": "42"}
        ]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 5, "outputTokens": 50, "totalTokens": 55},
        "metrics": {"latencyMs": 9}
    });
    let completion = chat_from_converse(
        parse_converse_response(body.to_string().as_bytes()).unwrap(),
        &meta(),
    );
    assert_eq!(
        serde_json::to_value(&completion).unwrap()["choices"][0]["message"],
        json!({
            "role": "assistant", "content": "42", "refusal": null,
            "reasoning_content": "Step 1. Step 2.",
            "thinking_blocks": [
                {"type": "thinking", "thinking": "Step 1. ", "signature": "s1"},
                {"type": "redacted_thinking", "data": "cmVkYWN0ZWQ="},
                {"type": "thinking", "thinking": "Step 2.", "signature": "s2"}
            ]
        })
    );
}

#[test]
fn golden_reasoning_stream_with_signature_and_redacted_chunks() {
    let (sse, t) = run_stream(
        chat_stream(false),
        &[
            ("messageStart", r#"{"role":"assistant"}"#),
            (
                "contentBlockDelta",
                r#"{"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"Let me "}},"p":"abc"}"#,
            ),
            (
                "contentBlockDelta",
                r#"{"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"think."}}}"#,
            ),
            (
                "contentBlockDelta",
                r#"{"contentBlockIndex":0,"delta":{"reasoningContent":{"signature":"EqQBCkgIAR"}}}"#,
            ),
            ("contentBlockStop", r#"{"contentBlockIndex":0}"#),
            (
                "contentBlockDelta",
                r#"{"contentBlockIndex":1,"delta":{"reasoningContent":{"redactedContent":"c2VjcmV0"}}}"#,
            ),
            ("contentBlockStop", r#"{"contentBlockIndex":1}"#),
            (
                "contentBlockDelta",
                r#"{"contentBlockIndex":2,"delta":{"text":"Done."}}"#,
            ),
            ("contentBlockStop", r#"{"contentBlockIndex":2}"#),
            ("messageStop", r#"{"stopReason":"end_turn"}"#),
            (
                "metadata",
                r#"{"usage":{"inputTokens":3,"outputTokens":9,"totalTokens":12},"metrics":{"latencyMs":1}}"#,
            ),
        ],
    );
    let expected = [
        delta_chunk(ROLE_CHUNK),
        delta_chunk(r#"{"reasoning_content":"Let me "}"#),
        delta_chunk(r#"{"reasoning_content":"think."}"#),
        delta_chunk(r#"{"thinking_blocks":[{"type":"thinking","thinking":"Let me think.","signature":"EqQBCkgIAR"}]}"#),
        delta_chunk(r#"{"thinking_blocks":[{"type":"redacted_thinking","data":"c2VjcmV0"}]}"#),
        delta_chunk(r#"{"content":"Done."}"#),
        chunk(r#""choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]"#),
        "data: [DONE]\n\n".to_owned(),
    ]
    .concat();
    assert_eq!(sse, expected);
    assert_eq!(t.text(), "Done.");
    assert!(t.first_content_seen());
}

#[test]
fn a_reasoning_only_prefix_counts_as_content_sent() {
    let (_, t) = run_stream(
        chat_stream(false),
        &[(
            "contentBlockDelta",
            r#"{"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"hmm"}}}"#,
        )],
    );
    assert!(t.first_content_seen());
}

#[test]
fn claude_thinking_gets_the_sampling_anthropic_allows() {
    let out = converse_for(
        "us.anthropic.claude-3-7-sonnet-20250219-v1:0",
        ask(
            "low",
            json!({"temperature": 0.2, "top_p": 0.5, "top_k": 40}),
        ),
    );
    assert_eq!(
        out["inferenceConfig"].get("temperature"),
        None,
        "temperature is dropped"
    );
    assert_eq!(
        out["inferenceConfig"]["topP"], 0.95,
        "top_p is raised to 0.95"
    );
    assert_eq!(
        out["additionalModelRequestFields"].get("top_k"),
        None,
        "top_k is dropped"
    );
    assert_eq!(
        out["additionalModelRequestFields"]["thinking"]["type"],
        "enabled"
    );
    // Without thinking the same sampling goes through untouched.
    let plain = converse_for(
        "us.anthropic.claude-3-7-sonnet-20250219-v1:0",
        json!({"messages": [{"role": "user", "content": "x"}], "temperature": 0.2, "top_p": 0.5}),
    );
    assert_eq!(plain["inferenceConfig"]["temperature"], 0.2);
    assert_eq!(plain["inferenceConfig"]["topP"], 0.5);
}
