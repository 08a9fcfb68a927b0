//! Prompt caching: Anthropic-style `cache_control` markers → Converse `cachePoint` blocks, and
//! the pass that keeps them where Bedrock accepts them.
//!
//! A marker on a content part, a message, a system part or a tool becomes
//! `{"cachePoint": {"type": "default"}}` (with `ttl` only when the client gave one) right after
//! what it marks, so the marker itself never reaches a text block. Then, per request:
//! - families without prompt caching lose every cache point, Nova loses those on tools
//!   (Bedrock caches Nova's system and messages only) and those right after a `toolResult`
//!   (Nova refuses them there, LiteLLM #17479);
//! - a cache point right after another one is dropped (it would mark the same prefix);
//! - at most four remain, the first four in prompt order (tools, then system, then messages):
//!   Bedrock refuses a fifth, and the earliest ones cover the longest-lived prefix.

use serde_json::Value;

use super::family::Family;
use super::TranslateError;
use crate::wire::{CachePointBlock, ContentBlock, ConverseRequest, SystemContentBlock, Tool};

/// Bedrock's limit on cache points per request.
pub(super) const MAX_CACHE_POINTS: usize = 4;

/// A `cache_control` marker as a cache point; `param` names the marker (`….cache_control`).
pub(super) fn cache_point(
    value: &Value,
    param: &dyn Fn() -> String,
) -> Result<CachePointBlock, TranslateError> {
    let Some(obj) = value.as_object() else {
        return Err(TranslateError::at(
            param(),
            "cache_control must be an object like {\"type\": \"ephemeral\"}",
        ));
    };
    match obj.get("type") {
        None | Some(Value::Null) => {}
        Some(Value::String(t)) if t == "ephemeral" => {}
        Some(other) => {
            return Err(TranslateError::at(
                format!("{}.type", param()),
                format!("cache_control type {other} is not supported; only 'ephemeral'"),
            ))
        }
    }
    let ttl = match obj.get("ttl") {
        None | Some(Value::Null) => None,
        Some(Value::String(t)) if t == "5m" || t == "1h" => Some(t.clone()),
        Some(other) => {
            return Err(TranslateError::at(
                format!("{}.ttl", param()),
                format!("cache_control ttl must be '5m' or '1h', not {other}"),
            ))
        }
    };
    Ok(CachePointBlock {
        kind: "default".to_owned(),
        ttl,
    })
}

/// Applies the family's placement rules, drops doubled cache points and keeps the first four.
pub(super) fn place(out: &mut ConverseRequest, family: Family) {
    let (in_prompt, in_tools) = family.cache_points();
    let after_tool_result_ok = !family.rejects_cache_point_after_tool_result();
    let mut kept = 0usize;
    let mut keep = |allowed: bool| {
        let ok = allowed && kept < MAX_CACHE_POINTS;
        kept += usize::from(ok);
        ok
    };

    if let Some(config) = out.tool_config.as_mut() {
        let mut previous_was_point = true;
        config.tools.retain(|t| {
            let is_point = matches!(t, Tool::CachePoint(_));
            let retain = !is_point || (!previous_was_point && keep(in_tools));
            if retain {
                previous_was_point = is_point;
            }
            retain
        });
    }

    let mut previous_was_point = true;
    out.system.retain(|b| {
        let is_point = matches!(b, SystemContentBlock::CachePoint(_));
        let retain = !is_point || (!previous_was_point && keep(in_prompt));
        if retain {
            previous_was_point = is_point;
        }
        retain
    });

    for message in &mut out.messages {
        let mut previous: Option<bool> = None; // Some(true) after a toolResult
        let mut previous_was_point = true;
        message.content.retain(|b| {
            let is_point = matches!(b, ContentBlock::CachePoint(_));
            let retain = if is_point {
                let after_result = previous == Some(true);
                !previous_was_point && (after_tool_result_ok || !after_result) && keep(in_prompt)
            } else {
                true
            };
            if retain {
                previous_was_point = is_point;
                previous = Some(matches!(b, ContentBlock::ToolResult(_)));
            }
            retain
        });
    }
}
