//! Prompt caching: the `cachePoint` rules, the prefix a request caches, and the emulator's
//! memory of prefixes it has already seen (so a repeat reads what the first request wrote).

use std::collections::{HashSet, VecDeque};
use std::sync::{Mutex, PoisonError};

use super::engine::{block_tokens, system_tokens};
use super::wire::{CachePoint, ContentBlock, ConverseRequest};
use crate::error::ApiError;
use crate::hash::Fnv;
use crate::model_id;

const MAX_CACHE_POINTS: usize = 4;
const NOVA_AFTER_TOOL_RESULT: &str =
    "Malformed input request: extraneous key [cachePoint] is not permitted";

/// Prefixes remembered at most; the oldest are forgotten first.
pub(crate) const CAPACITY: usize = 10_000;
/// Independent locks, so concurrent requests rarely wait for each other.
const SHARDS: usize = 16;

#[derive(Default)]
struct Shard {
    seen: HashSet<u64>,
    order: VecDeque<u64>,
}

/// Which prompt prefixes this emulator has cached. Bounded, sharded, O(1) per request.
pub(crate) struct PromptCache {
    shards: Vec<Mutex<Shard>>,
    per_shard: usize,
}

impl Default for PromptCache {
    fn default() -> Self {
        Self::with_capacity(CAPACITY)
    }
}

impl PromptCache {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
            per_shard: capacity.div_ceil(SHARDS).max(1),
        }
    }

    /// Remember `key`; true when it was already remembered (a cache read), false for a write.
    pub(crate) fn observe(&self, key: u64) -> bool {
        let index = usize::try_from(key % SHARDS as u64).unwrap_or(0);
        let mut shard = self.shards[index]
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if shard.seen.contains(&key) {
            return true;
        }
        if shard.order.len() >= self.per_shard {
            if let Some(oldest) = shard.order.pop_front() {
                shard.seen.remove(&oldest);
            }
        }
        shard.seen.insert(key);
        shard.order.push_back(key);
        false
    }
}

fn check_point(point: &CachePoint<'_>, at: &str) -> Result<(), ApiError> {
    if point.kind != "default" {
        return Err(ApiError::constraint(
            &point.kind,
            &format!("{at}.cachePoint.type"),
            "Member must satisfy enum value set: [default]",
        ));
    }
    match point.ttl.as_deref() {
        None | Some("5m" | "1h") => Ok(()),
        Some(ttl) => Err(ApiError::constraint(
            ttl,
            &format!("{at}.cachePoint.ttl"),
            "Member must satisfy enum value set: [5m, 1h]",
        )),
    }
}

/// At most four well-formed cache points; none right after a tool result on Nova models.
pub(crate) fn validate(request: &ConverseRequest<'_>, model_id: &str) -> Result<(), ApiError> {
    let mut count = 0;
    for (i, block) in request.system.iter().flatten().enumerate() {
        if let Some(point) = &block.cache_point {
            check_point(point, &format!("system.{i}.member"))?;
            count += 1;
        }
    }
    let tools = request.tool_config.iter().flat_map(|c| &c.tools);
    for (i, tool) in tools.enumerate() {
        if let Some(point) = &tool.cache_point {
            check_point(point, &format!("toolConfig.tools.{i}.member"))?;
            count += 1;
        }
    }
    let nova = model_id::is_nova(model_id);
    for (i, message) in request.messages.iter().flatten().enumerate() {
        let mut previous: Option<&ContentBlock<'_>> = None;
        for (j, block) in message.content.iter().enumerate() {
            if let Some(point) = &block.cache_point {
                check_point(point, &format!("messages.{i}.member.content.{j}.member"))?;
                count += 1;
                if nova && previous.is_some_and(|p| p.tool_result.is_some()) {
                    return Err(ApiError::validation(NOVA_AFTER_TOOL_RESULT));
                }
            }
            previous = Some(block);
        }
    }
    if count > MAX_CACHE_POINTS {
        return Err(ApiError::validation(format!(
            "A maximum of {MAX_CACHE_POINTS} blocks with cache_control may be provided. Found {count}."
        )));
    }
    Ok(())
}

/// What the request asks to cache: everything before its last cache point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Prefix {
    /// Input tokens of the prefix (counted like `inputTokens`).
    pub(crate) tokens: u64,
    /// Hash of the prefix content, the cache key.
    pub(crate) key: u64,
}

/// Walk the request in Bedrock's cache order (system, tools, messages), hashing the content
/// and counting tokens; `None` without a cache point.
pub(crate) fn prefix(request: &ConverseRequest<'_>) -> Option<Prefix> {
    let marked = request
        .system
        .iter()
        .flatten()
        .any(|b| b.cache_point.is_some())
        || request
            .tool_config
            .iter()
            .flat_map(|c| &c.tools)
            .any(|t| t.cache_point.is_some())
        || request
            .messages
            .iter()
            .flatten()
            .flat_map(|m| &m.content)
            .any(|b| b.cache_point.is_some());
    if !marked {
        // The common case: skip hashing (which would read every image) altogether.
        return None;
    }
    let mut hash = Fnv::new();
    let mut tokens = 0;
    let mut last = None;
    for block in request.system.iter().flatten() {
        if block.cache_point.is_some() {
            last = Some(Prefix {
                tokens,
                key: hash.finish(),
            });
        }
        if let Some(text) = block.text.as_deref() {
            hash.field(b"system").field(text.as_bytes());
        }
        tokens += system_tokens(block);
    }
    for tool in request.tool_config.iter().flat_map(|c| &c.tools) {
        if tool.cache_point.is_some() {
            last = Some(Prefix {
                tokens,
                key: hash.finish(),
            });
        }
        if let Some(spec) = &tool.tool_spec {
            hash.field(b"tool").field(spec.name.as_bytes());
            hash.field(spec.description.as_deref().unwrap_or_default().as_bytes());
            let schema = spec.input_schema.as_ref().and_then(|s| s.json.as_ref());
            hash.field(
                schema
                    .map(ToString::to_string)
                    .unwrap_or_default()
                    .as_bytes(),
            );
        }
    }
    for message in request.messages.iter().flatten() {
        hash.field(b"role").field(message.role.as_bytes());
        for block in &message.content {
            if block.cache_point.is_some() {
                last = Some(Prefix {
                    tokens,
                    key: hash.finish(),
                });
            }
            hash_block(block, &mut hash);
            tokens += block_tokens(block);
        }
    }
    last
}

/// Feed what a block contributes to the prompt; blocks the emulator does not read add nothing.
fn hash_block(block: &ContentBlock<'_>, hash: &mut Fnv) {
    if let Some(text) = block.text.as_deref() {
        hash.field(b"text").field(text.as_bytes());
    }
    if let Some(input) = &block.tool_use {
        hash.field(b"toolUse").field(input.to_string().as_bytes());
    }
    if let Some(result) = &block.tool_result {
        hash.field(b"toolResult")
            .field(result.tool_use_id.as_deref().unwrap_or_default().as_bytes());
        for content in &result.content {
            hash.field(content.text.as_deref().unwrap_or_default().as_bytes());
            let json = content.json.as_ref().map(ToString::to_string);
            hash.field(json.unwrap_or_default().as_bytes());
        }
    }
    let sources = [
        block.image.as_ref().map(|i| (&i.format, &i.source)),
        block.document.as_ref().map(|d| (&d.name, &d.source)),
    ];
    for (label, source) in sources.into_iter().flatten() {
        hash.field(b"media").field(label.as_bytes());
        hash.field(source.bytes.as_deref().unwrap_or_default().as_bytes());
        hash.field(source.text.as_deref().unwrap_or_default().as_bytes());
        let uri = source.s3_location.as_ref().map(|l| l.uri.as_ref());
        hash.field(uri.unwrap_or_default().as_bytes());
        for text in source
            .content
            .iter()
            .flatten()
            .filter_map(|c| c.text.as_deref())
        {
            hash.field(text.as_bytes());
        }
    }
    if let Some(text) = block
        .reasoning_content
        .as_ref()
        .and_then(|r| r.reasoning_text.as_ref())
    {
        hash.field(b"reasoning").field(text.text.as_bytes());
    }
}

/// How a request used the cache: `tokens` were read (`hit`) or written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CacheUse {
    pub(crate) tokens: u64,
    pub(crate) hit: bool,
}

/// Look the request's prefix up in `cache`, remembering it for next time.
pub(crate) fn lookup(request: &ConverseRequest<'_>, cache: &PromptCache) -> Option<CacheUse> {
    let prefix = prefix(request)?;
    Some(CacheUse {
        tokens: prefix.tokens,
        hit: cache.observe(prefix.key),
    })
}

#[cfg(test)]
#[path = "cache_tests.rs"]
mod tests;
