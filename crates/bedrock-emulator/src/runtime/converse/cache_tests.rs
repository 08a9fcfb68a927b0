#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Prompt caching: cache-point rules, prefix accounting and the bounded memory.

use serde_json::{json, Value};

use super::super::response::Usage;
use super::super::test_support::{
    answer, answer_with, call, rejection, rejection_for, user, HAIKU, NOVA,
};
use super::*;

fn point() -> Value {
    json!({"cachePoint": {"type": "default"}})
}

fn cached_system(question: &str) -> Value {
    json!({
        "system": [{"text": "You are a helpful assistant."}, point()],
        "messages": [user(question)],
    })
}

fn usage(cache: &PromptCache, body: &Value) -> Usage {
    answer_with(body, cache, call(HAIKU, false)).usage
}

#[test]
fn without_cache_points_the_cache_fields_are_absent() {
    let usage = answer(json!({"messages": [user("hello there")]})).usage;
    assert_eq!(usage.cache_read_input_tokens, None);
    assert_eq!(usage.cache_write_input_tokens, None);
    let json = serde_json::to_value(usage).unwrap();
    assert_eq!(
        json,
        json!({"inputTokens": 2, "outputTokens": 9, "totalTokens": 11})
    );
}

#[test]
fn the_first_request_writes_the_prefix_and_the_next_reads_it() {
    let cache = PromptCache::default();
    let first = usage(&cache, &cached_system("hello there"));
    // 5 system words cached, 2 message words left as input, 9 output words.
    assert_eq!(
        serde_json::to_value(first).unwrap(),
        json!({"inputTokens": 2, "outputTokens": 9, "totalTokens": 16,
               "cacheReadInputTokens": 0, "cacheWriteInputTokens": 5})
    );
    let second = usage(&cache, &cached_system("something else entirely"));
    assert_eq!(
        (
            second.input_tokens,
            second.cache_read_input_tokens,
            second.cache_write_input_tokens
        ),
        (3, Some(5), Some(0)),
        "same prefix, different suffix: a read"
    );
    assert_eq!(second.total_tokens, 3 + 10 + 5);

    let fresh = PromptCache::default();
    assert_eq!(
        usage(&fresh, &cached_system("hello there")).cache_write_input_tokens,
        Some(5),
        "the memory belongs to one emulator"
    );
}

#[test]
fn the_last_cache_point_in_system_tools_messages_order_wins() {
    let cache = PromptCache::default();
    let body = json!({
        "system": [{"text": "Be brief."}, point()],
        "messages": [{"role": "user", "content": [
            {"text": "long document text here"}, point(), {"text": "question?"}
        ]}],
    });
    let usage = usage(&cache, &body);
    // prefix = 2 system + 4 message words; the question is the only uncached input
    assert_eq!(usage.cache_write_input_tokens, Some(6));
    assert_eq!(usage.input_tokens, 1);
    assert_eq!(usage.output_tokens, 12);
    assert_eq!(usage.total_tokens, 1 + 12 + 6);
}

#[test]
fn images_and_documents_count_in_the_prefix() {
    let body = json!({"messages": [{"role": "user", "content": [
        {"text": "look"},
        {"image": {"format": "png", "source": {"bytes": "iVBORw0KGgo="}}},
        point(),
        {"text": "what is it?"},
    ]}]});
    let usage = answer(body).usage;
    assert_eq!(usage.cache_write_input_tokens, Some(2));
    assert_eq!(usage.input_tokens, 3);
}

fn tools_with(description: &str) -> Value {
    json!({
        "system": [{"text": "Be brief."}],
        "messages": [user("weather?")],
        "toolConfig": {"tools": [
            {"toolSpec": {"name": "get_weather", "description": description,
                          "inputSchema": {"json": {"type": "object"}}}},
            point(),
        ]},
    })
}

#[test]
fn tool_definitions_are_part_of_the_prefix_but_count_no_tokens() {
    let cache = PromptCache::default();
    let first = usage(&cache, &tools_with("Weather for a city"));
    assert_eq!(
        first.cache_write_input_tokens,
        Some(2),
        "only the system words"
    );
    assert_eq!(first.input_tokens, 1);
    let other = usage(&cache, &tools_with("Forecast for a city"));
    assert_eq!(
        other.cache_write_input_tokens,
        Some(2),
        "another description is another prefix"
    );
    let again = usage(&cache, &tools_with("Weather for a city"));
    assert_eq!(again.cache_read_input_tokens, Some(2));
}

#[test]
fn more_than_four_cache_points_are_rejected() {
    let body = json!({
        "system": [{"text": "a"}, point(), {"text": "b"}, point()],
        "messages": [{"role": "user", "content": [{"text": "c"}, point(), {"text": "d"}, point()]}],
        "toolConfig": {"tools": [{"toolSpec": {"name": "t", "inputSchema": {"json": {}}}}, point()]},
    });
    assert_eq!(
        rejection(&body.to_string()),
        "A maximum of 4 blocks with cache_control may be provided. Found 5."
    );
}

#[test]
fn cache_points_are_well_formed() {
    let body = json!({"system": [{"text": "a"}, {"cachePoint": {"type": "ephemeral"}}], "messages": [user("b")]});
    assert_eq!(
        rejection(&body.to_string()),
        "1 validation error detected: Value 'ephemeral' at 'system.1.member.cachePoint.type' failed to satisfy constraint: Member must satisfy enum value set: [default]"
    );
    let body = json!({"system": [{"text": "a"}, {"cachePoint": {"type": "default", "ttl": "2h"}}], "messages": [user("b")]});
    assert!(rejection(&body.to_string()).contains("[5m, 1h]"));
    let body = json!({"system": [{"text": "a"}, {"cachePoint": {"type": "default", "ttl": "1h"}}], "messages": [user("b")]});
    assert_eq!(answer(body).usage.cache_write_input_tokens, Some(1));
}

fn after_tool_result() -> String {
    json!({
        "messages": [
            user("weather?"),
            {"role": "assistant", "content": [{"toolUse": {"toolUseId": "t1", "name": "get_weather", "input": {}}}]},
            {"role": "user", "content": [
                {"toolResult": {"toolUseId": "t1", "content": [{"text": "sunny"}]}},
                point(),
            ]},
        ],
        "toolConfig": {"tools": [{"toolSpec": {"name": "get_weather", "inputSchema": {"json": {}}}}]},
    })
    .to_string()
}

#[test]
fn nova_rejects_a_cache_point_right_after_a_tool_result() {
    for model in [NOVA, "amazon.nova-pro-v1:0"] {
        assert_eq!(
            rejection_for(&after_tool_result(), call(model, false)),
            "Malformed input request: extraneous key [cachePoint] is not permitted"
        );
    }
    let body: Value = serde_json::from_str(&after_tool_result()).unwrap();
    let reply = answer_with(&body, &PromptCache::default(), call(HAIKU, false));
    assert_eq!(reply.text, "Tool results received: sunny");
    // Elsewhere in the message Nova accepts it.
    let body =
        json!({"messages": [{"role": "user", "content": [{"text": "a"}, point(), {"text": "b"}]}]});
    let reply = answer_with(&body, &PromptCache::default(), call(NOVA, true));
    assert_eq!(reply.usage.cache_write_input_tokens, Some(1));
}

#[test]
fn the_memory_is_bounded_and_forgets_the_oldest() {
    let cache = PromptCache::with_capacity(32); // two keys per shard
    let shard = SHARDS as u64;
    assert!(!cache.observe(7));
    assert!(!cache.observe(7 + shard));
    assert!(cache.observe(7));
    assert!(!cache.observe(7 + 2 * shard), "evicts key 7");
    assert!(cache.observe(7 + shard));
    assert!(!cache.observe(7), "7 was forgotten");
    for key in 0..1000 {
        cache.observe(key * 1_000_003);
    }
    let remembered: usize = cache
        .shards
        .iter()
        .map(|s| s.lock().unwrap().seen.len())
        .sum();
    assert!(remembered <= 32, "{remembered}");
}
