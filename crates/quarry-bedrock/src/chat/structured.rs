//! Structured output: `response_format` → Converse's native `outputConfig.textFormat` where the
//! family has it (see `Family::native_structured_output`), otherwise a forced tool,
//! [`STRUCTURED_OUTPUT_TOOL`], whose input is the answer. Responses and streams turn that
//! tool's input back into `message.content` (finish reason `stop`), and never touch the other
//! tool calls of the answer.
//!
//! - `json_schema` → native, or the tool with the schema as `inputSchema`. A tool schema must
//!   be one object type: top-level `anyOf`/`oneOf` or a non-object `type` are refused (Bedrock
//!   rejects them, LiteLLM #17574); wrap such a schema in an object property.
//! - `json_object` → always the tool, with schema `{"type": "object"}`: native structured output
//!   needs a closed schema (Anthropic requires `additionalProperties: false`), which would
//!   only allow `{}`.
//! - With the client's own tools, they stay, with the client's `tool_choice` (`auto` when
//!   unset), next to the structured tool; without them, the structured tool is forced.

use serde_json::{json, Map, Value};

use super::family::Family;
use super::TranslateError;
use crate::wire::{
    ConverseRequest, Empty, SpecificToolChoice, Tool, ToolChoice, ToolConfig, ToolInputSchema,
    ToolSpecification,
};

/// The tool that carries a structured answer; clients may not declare a tool of this name.
pub const STRUCTURED_OUTPUT_TOOL: &str = "quarry_structured_output";

const TOOL_DESCRIPTION: &str =
    "Give your final answer by calling this tool; its input is the answer and must match the schema.";

/// How a request's `response_format` is carried out.
#[derive(Debug)]
pub(super) enum Plan {
    /// No structured output.
    None,
    /// Converse `outputConfig`.
    Native(Value),
    /// The structured-output tool.
    Tool(ToolSpecification),
}

pub(super) fn plan(
    response_format: Option<&Value>,
    family: Family,
) -> Result<Plan, TranslateError> {
    let Some(format) = response_format.filter(|v| !v.is_null()) else {
        return Ok(Plan::None);
    };
    let Some(obj) = format.as_object() else {
        return Err(TranslateError::at(
            "response_format",
            "response_format must be an object",
        ));
    };
    match obj.get("type").and_then(Value::as_str) {
        Some("text") => Ok(Plan::None),
        Some("json_schema") => {
            let spec = obj.get("json_schema").and_then(Value::as_object);
            let Some(schema) = spec.and_then(|s| s.get("schema")).filter(|s| s.is_object()) else {
                return Err(TranslateError::at(
                    "response_format.json_schema.schema",
                    "response_format 'json_schema' needs json_schema.schema, a JSON Schema object",
                ));
            };
            let text = |key: &str| spec.and_then(|s| s.get(key)).filter(|v| v.is_string());
            if family.native_structured_output() {
                let mut json_schema = Map::new();
                json_schema.insert("schema".into(), Value::String(schema.to_string()));
                for key in ["name", "description"] {
                    if let Some(v) = text(key) {
                        json_schema.insert(key.into(), v.clone());
                    }
                }
                return Ok(Plan::Native(json!({
                    "textFormat": {
                        "type": "json_schema",
                        "structure": {"jsonSchema": json_schema}
                    }
                })));
            }
            check_tool_schema(schema)?;
            let description = text("description").and_then(Value::as_str);
            tool_plan(family, "json_schema", schema.clone(), description)
        }
        Some("json_object") => tool_plan(family, "json_object", json!({"type": "object"}), None),
        Some(other) => Err(TranslateError::at(
            "response_format.type",
            format!("response_format type '{other}' is not supported"),
        )),
        None => Err(TranslateError::at(
            "response_format.type",
            "response_format needs a type",
        )),
    }
}

fn tool_plan(
    family: Family,
    kind: &str,
    schema: Value,
    description: Option<&str>,
) -> Result<Plan, TranslateError> {
    if !family.supports_tools() {
        return Err(TranslateError::at(
            "response_format",
            format!(
                "response_format '{kind}' is not supported for this model: on Bedrock it has \
                 neither native structured output nor tool use"
            ),
        ));
    }
    let description = description
        .filter(|d| !d.trim().is_empty())
        .unwrap_or(TOOL_DESCRIPTION);
    Ok(Plan::Tool(ToolSpecification {
        name: STRUCTURED_OUTPUT_TOOL.to_owned(),
        description: Some(description.to_owned()),
        input_schema: ToolInputSchema::Json(schema),
        strict: None,
    }))
}

/// A tool's input schema must describe one object.
fn check_tool_schema(schema: &Value) -> Result<(), TranslateError> {
    let param = "response_format.json_schema.schema";
    for key in ["anyOf", "oneOf"] {
        if schema.get(key).is_some() {
            return Err(TranslateError::at(
                param,
                format!(
                    "a schema with a top-level '{key}' cannot be used for this model: Bedrock \
                     emulates response_format with a tool, whose input must be a single object \
                     type; wrap the alternatives in an object property"
                ),
            ));
        }
    }
    match schema.get("type") {
        None => Ok(()),
        Some(Value::String(t)) if t == "object" => Ok(()),
        Some(other) => Err(TranslateError::at(
            param,
            format!(
                "the schema's top-level type must be 'object' for this model (got {other}): \
                 Bedrock emulates response_format with a tool, whose input is an object; wrap \
                 the value in an object property"
            ),
        )),
    }
}

/// Adds the structured-output tool to the request's tools. `client_tools` says whether the
/// client's own tools are offered (then its `tool_choice` stands, `auto` when unset).
pub(super) fn attach(config: &mut Option<ToolConfig>, spec: ToolSpecification, client_tools: bool) {
    let config = config.get_or_insert_with(|| ToolConfig {
        tools: Vec::with_capacity(1),
        tool_choice: None,
    });
    config.tools.push(Tool::ToolSpec(spec));
    if client_tools {
        config.tool_choice.get_or_insert(ToolChoice::Auto(Empty {}));
    } else {
        config.tool_choice = Some(ToolChoice::Tool(SpecificToolChoice {
            name: STRUCTURED_OUTPUT_TOOL.to_owned(),
        }));
    }
}

/// Whether a translated request emulates `response_format` with the structured-output tool;
/// the gateway then calls `StreamTranslator::hold_text_for_structured_output`.
pub fn uses_structured_output_tool(req: &ConverseRequest) -> bool {
    req.tool_config.as_ref().is_some_and(|c| {
        c.tools
            .iter()
            .any(|t| matches!(t, Tool::ToolSpec(s) if s.name == STRUCTURED_OUTPUT_TOOL))
    })
}
