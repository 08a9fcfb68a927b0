//! Anthropic Messages bodies on InvokeModel: the request is rewritten into the equivalent
//! Converse request and answered by the Converse engine, so both APIs give the same text and
//! the same token counts; the reply is rendered back as an Anthropic `message`.

use serde_json::{json, Map, Value};

use super::schema::{self, as_array, as_object, as_str, at, malformed, required, Object};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::hash::{alnum, Fnv};
use crate::model_id;
use crate::runtime::converse::engine::{self, Reply, StopReason};
use crate::runtime::converse::validate::{self, Call};

/// The emulator's answer to one Anthropic request, ready to render.
pub(crate) struct Exchange {
    pub(crate) reply: Reply,
    /// `msg_bdrk_01` and 22 alphanumerics derived from the request body.
    pub(crate) id: String,
    /// The Anthropic model name (`claude-3-haiku-20240307`).
    pub(crate) model: String,
    /// `amazon-bedrock-guardrailAction` when a guardrail header was sent.
    pub(crate) guardrail_action: Option<&'static str>,
}

/// Guardrail headers of InvokeModel, mapped onto Converse's `guardrailConfig`.
fn guardrail_config(ctx: &Ctx<'_>) -> Result<Option<Value>, ApiError> {
    let Some(id) = ctx.header("x-amzn-bedrock-guardrailidentifier") else {
        return Ok(None);
    };
    let trace = match ctx.header("x-amzn-bedrock-trace") {
        None | Some("DISABLED") => "disabled",
        Some("ENABLED") => "enabled",
        Some("ENABLED_FULL") => "enabled_full",
        Some(other) => {
            return Err(ApiError::constraint(
                other,
                "trace",
                "Member must satisfy enum value set: [ENABLED, DISABLED, ENABLED_FULL]",
            ))
        }
    };
    Ok(Some(json!({
        "guardrailIdentifier": id,
        "guardrailVersion": ctx.header("x-amzn-bedrock-guardrailversion").unwrap_or("DRAFT"),
        "trace": trace,
    })))
}

/// Validate and answer an Anthropic Messages body.
pub(crate) fn answer(ctx: &Ctx<'_>, body: &Value) -> Result<Exchange, ApiError> {
    let guardrail = guardrail_config(ctx)?;
    let mut converse = to_converse(body)?;
    if let Some(config) = &guardrail {
        converse.insert("guardrailConfig".into(), config.clone());
    }
    let bytes = serde_json::to_vec(&converse).unwrap_or_default();
    let request = validate::parse(&bytes)?;
    validate::validate(
        &request,
        Call {
            model_id: ctx.label,
            streaming: false,
        },
    )?;
    let reply = engine::reply(&request, &ctx.stores.prompt_cache);
    let guardrail_action = guardrail.map(|_| {
        if reply.stop_reason == StopReason::GuardrailIntervened {
            "INTERVENED"
        } else {
            "NONE"
        }
    });
    Ok(Exchange {
        reply,
        id: format!(
            "msg_bdrk_01{}",
            alnum(Fnv::new().field(ctx.body).finish(), 22)
        ),
        model: model_name(ctx.label),
        guardrail_action,
    })
}

/// `anthropic.claude-3-haiku-20240307-v1:0` (also behind a geography prefix or in an ARN)
/// gives `claude-3-haiku-20240307`.
pub(crate) fn model_name(model_id: &str) -> String {
    let base = model_id::base_id(model_id);
    let name = base.strip_prefix("anthropic.").unwrap_or(base);
    let name = name.split(':').next().unwrap_or(name);
    match name.rfind("-v") {
        Some(at) if name[at + 2..].bytes().all(|b| b.is_ascii_digit()) && at + 2 < name.len() => {
            name[..at].to_owned()
        }
        _ => name.to_owned(),
    }
}

/// The Converse request equivalent to an Anthropic Messages body.
pub(crate) fn to_converse(body: &Value) -> Result<Object, ApiError> {
    let root = schema::root(body)?;
    required(root, "anthropic_version", "#")?;
    let max_tokens = schema::as_i64(required(root, "max_tokens", "#")?, "#/max_tokens")?;
    let messages = as_array(required(root, "messages", "#")?, "#/messages")?;

    let mut out = Map::new();
    let mut converted = Vec::with_capacity(messages.len());
    for (i, message) in messages.iter().enumerate() {
        let path = format!("#/messages/{i}");
        let message = as_object(message, &path)?;
        let role = schema::req_str(message, "role", &path)?;
        let content = blocks(required(message, "content", &path)?, &at(&path, "content"))?;
        converted.push(json!({"role": role, "content": content}));
    }
    out.insert("messages".into(), Value::Array(converted));
    if let Some(system) = root.get("system") {
        out.insert("system".into(), Value::Array(system_blocks(system)?));
    }

    let mut inference = Map::new();
    inference.insert("maxTokens".into(), max_tokens.into());
    for (from, to) in [("temperature", "temperature"), ("top_p", "topP")] {
        if let Some(value) = root.get(from) {
            inference.insert(to.into(), value.clone());
        }
    }
    if let Some(stops) = root.get("stop_sequences") {
        inference.insert("stopSequences".into(), stops.clone());
    }
    out.insert("inferenceConfig".into(), Value::Object(inference));

    if let Some(tools) = root.get("tools") {
        let mut config = Map::new();
        config.insert("tools".into(), Value::Array(tool_specs(tools)?));
        if let Some(choice) = root.get("tool_choice") {
            if let Some(choice) = tool_choice(choice)? {
                config.insert("toolChoice".into(), choice);
            }
        }
        out.insert("toolConfig".into(), Value::Object(config));
    }
    if let Some(thinking) = root.get("thinking") {
        out.insert(
            "additionalModelRequestFields".into(),
            json!({"thinking": thinking}),
        );
    }
    Ok(out)
}

fn cache_point(block: &Object, out: &mut Vec<Value>) {
    if block.contains_key("cache_control") {
        out.push(json!({"cachePoint": {"type": "default"}}));
    }
}

fn system_blocks(system: &Value) -> Result<Vec<Value>, ApiError> {
    if let Some(text) = system.as_str() {
        return Ok(vec![json!({"text": text})]);
    }
    let mut out = Vec::new();
    for (i, block) in as_array(system, "#/system")?.iter().enumerate() {
        let path = format!("#/system/{i}");
        let block = as_object(block, &path)?;
        out.push(json!({"text": schema::req_str(block, "text", &path)?}));
        cache_point(block, &mut out);
    }
    Ok(out)
}

/// Converse content blocks for an Anthropic `content` (a string or a list of blocks).
fn blocks(content: &Value, path: &str) -> Result<Vec<Value>, ApiError> {
    if let Some(text) = content.as_str() {
        return Ok(vec![json!({"text": text})]);
    }
    let mut out = Vec::new();
    for (j, block) in as_array(content, path)?.iter().enumerate() {
        let path = format!("{path}/{j}");
        let block = as_object(block, &path)?;
        out.push(block_to_converse(block, &path)?);
        cache_point(block, &mut out);
    }
    Ok(out)
}

/// `image/png` gives `png`.
fn subtype(media_type: &str) -> &str {
    media_type.rsplit('/').next().unwrap_or(media_type)
}

fn block_to_converse(block: &Object, path: &str) -> Result<Value, ApiError> {
    let kind = schema::req_str(block, "type", path)?;
    let field = |key: &str| schema::req_str(block, key, path);
    Ok(match kind {
        "text" => json!({"text": field("text")?}),
        "image" => {
            let source = media_source(block, path)?;
            json!({"image": {
                "format": subtype(schema::req_str(source, "media_type", &at(path, "source"))?),
                "source": {"bytes": schema::req_str(source, "data", &at(path, "source"))?},
            }})
        }
        "document" => {
            let source = media_source(block, path)?;
            let source_path = at(path, "source");
            let media_type = schema::req_str(source, "media_type", &source_path)?;
            let data = schema::req_str(source, "data", &source_path)?;
            let (format, source) = match schema::req_str(source, "type", &source_path)? {
                "text" => ("txt", json!({"text": data})),
                _ => (subtype(media_type), json!({"bytes": data})),
            };
            json!({"document": {"format": format, "name": "document", "source": source}})
        }
        "tool_use" => json!({"toolUse": {
            "toolUseId": field("id")?,
            "name": field("name")?,
            "input": block.get("input").cloned().unwrap_or_else(|| json!({})),
        }}),
        "tool_result" => {
            let mut result = json!({
                "toolUseId": field("tool_use_id")?,
                "content": tool_result_content(block.get("content"), path)?,
            });
            if block.get("is_error").and_then(Value::as_bool) == Some(true) {
                result["status"] = "error".into();
            }
            json!({"toolResult": result})
        }
        "thinking" => json!({"reasoningContent": {"reasoningText": {
            "text": field("thinking")?,
            "signature": block.get("signature").cloned().unwrap_or(Value::Null),
        }}}),
        "redacted_thinking" => json!({"reasoningContent": {"redactedContent": field("data")?}}),
        other => {
            return Err(malformed(format!(
                "{path}/type: {other} is not a valid enum value"
            )))
        }
    })
}

/// A base64 or text `source` of an image or document block.
fn media_source<'b>(block: &'b Object, path: &str) -> Result<&'b Object, ApiError> {
    let source = as_object(required(block, "source", path)?, &at(path, "source"))?;
    match schema::req_str(source, "type", &at(path, "source"))? {
        "base64" | "text" => Ok(source),
        other => Err(malformed(format!(
            "{path}/source/type: {other} is not a valid enum value"
        ))),
    }
}

fn tool_result_content(content: Option<&Value>, path: &str) -> Result<Vec<Value>, ApiError> {
    let path = at(path, "content");
    match content {
        None => Ok(Vec::new()),
        Some(Value::String(text)) => Ok(vec![json!({"text": text})]),
        Some(list) => as_array(list, &path)?
            .iter()
            .enumerate()
            .map(|(k, item)| {
                let item_path = format!("{path}/{k}");
                let item = as_object(item, &item_path)?;
                match item.get("text") {
                    Some(text) => Ok(json!({"text": as_str(text, &at(&item_path, "text"))?})),
                    None => Ok(json!({"json": Value::Object(item.clone())})),
                }
            })
            .collect(),
    }
}

fn tool_specs(tools: &Value) -> Result<Vec<Value>, ApiError> {
    let mut out = Vec::new();
    for (i, tool) in as_array(tools, "#/tools")?.iter().enumerate() {
        let path = format!("#/tools/{i}");
        let tool = as_object(tool, &path)?;
        let mut spec = json!({
            "name": schema::req_str(tool, "name", &path)?,
            "inputSchema": {"json": tool.get("input_schema").cloned().unwrap_or_else(|| json!({"type": "object"}))},
        });
        if let Some(description) = tool.get("description") {
            spec["description"] = description.clone();
        }
        out.push(json!({"toolSpec": spec}));
        cache_point(tool, &mut out);
    }
    Ok(out)
}

/// Anthropic's `tool_choice` as Converse's `toolChoice`; `none` (and `auto`) leave the choice
/// to the model, which then behaves as with `auto`.
fn tool_choice(choice: &Value) -> Result<Option<Value>, ApiError> {
    let choice = as_object(choice, "#/tool_choice")?;
    Ok(match schema::req_str(choice, "type", "#/tool_choice")? {
        "auto" | "none" => None,
        "any" => Some(json!({"any": {}})),
        "tool" => {
            Some(json!({"tool": {"name": schema::req_str(choice, "name", "#/tool_choice")?}}))
        }
        other => {
            return Err(malformed(format!(
                "#/tool_choice/type: {other} is not a valid enum value"
            )))
        }
    })
}

/// Anthropic's name for a stop reason (guardrail interventions end the turn normally; the
/// `amazon-bedrock-guardrailAction` member tells them apart).
pub(crate) fn stop_reason(reason: StopReason) -> &'static str {
    match reason {
        StopReason::EndTurn | StopReason::GuardrailIntervened => "end_turn",
        StopReason::ToolUse => "tool_use",
        StopReason::MaxTokens => "max_tokens",
        StopReason::StopSequence => "stop_sequence",
    }
}

/// Bedrock's tool-use IDs for Claude look like `toolu_bdrk_01...`.
pub(crate) fn tool_id(converse_id: &str) -> String {
    let suffix = converse_id.strip_prefix("tooluse_").unwrap_or(converse_id);
    format!("toolu_bdrk_01{suffix}")
}

/// The Anthropic `usage` object.
pub(crate) fn usage(reply: &Reply, output_tokens: u64) -> Value {
    let mut usage = json!({
        "input_tokens": reply.usage.input_tokens,
        "output_tokens": output_tokens,
    });
    if let Some(write) = reply.usage.cache_write_input_tokens {
        usage["cache_creation_input_tokens"] = write.into();
    }
    if let Some(read) = reply.usage.cache_read_input_tokens {
        usage["cache_read_input_tokens"] = read.into();
    }
    usage
}

/// The non-streamed Anthropic `message` for an exchange.
pub(crate) fn message(exchange: &Exchange) -> Value {
    let reply = &exchange.reply;
    let mut content = Vec::with_capacity(2 + reply.tool_calls.len());
    if let Some(reasoning) = &reply.reasoning {
        content.push(json!({"type": "thinking", "thinking": reasoning.text, "signature": reasoning.signature}));
    }
    content.push(json!({"type": "text", "text": reply.text}));
    for call in &reply.tool_calls {
        content.push(json!({"type": "tool_use", "id": tool_id(&call.id), "name": call.name, "input": call.input}));
    }
    let mut message = json!({
        "id": exchange.id,
        "type": "message",
        "role": "assistant",
        "model": exchange.model,
        "content": content,
        "stop_reason": stop_reason(reply.stop_reason),
        "stop_sequence": reply.stop_sequence,
        "usage": usage(reply, reply.usage.output_tokens),
    });
    if let Some(action) = exchange.guardrail_action {
        message["amazon-bedrock-guardrailAction"] = action.into();
    }
    if let Some(guardrail) = reply.trace.as_ref().and_then(|t| t.get("guardrail")) {
        message["amazon-bedrock-trace"] = json!({"guardrail": guardrail});
    }
    message
}

#[cfg(test)]
#[path = "anthropic_tests.rs"]
mod tests;
