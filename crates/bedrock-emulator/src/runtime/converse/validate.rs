//! Converse request checks, with the messages Bedrock's `ValidationException` uses.

use serde_json::Value;

use super::wire::{ConverseRequest, InferenceConfig, OutputConfig, ToolConfig};
use super::{cache, guardrail, media, reasoning};
use crate::error::ApiError;

const START_WITH_USER: &str = "A conversation must start with a user message. Try again with a conversation that starts with a user message.";
const ALTERNATE: &str = "A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.";
const TOOL_CONFIG_REQUIRED: &str =
    "The toolConfig field must be defined when using toolUse and toolResult content blocks.";
const MAX_STOP_SEQUENCES: usize = 2500;
const BAD_OUTPUT_SCHEMA: &str = "The format of the value at outputConfig.textFormat.structure.jsonSchema.schema is invalid. Provide a json object for the field and try again.";

/// Which operation a request came in on: some rules depend on the model or on streaming.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Call<'a> {
    pub(crate) model_id: &'a str,
    pub(crate) streaming: bool,
}

/// Parse the body, turning any JSON or type error into Bedrock's "Malformed input request".
pub(crate) fn parse(body: &[u8]) -> Result<ConverseRequest<'_>, ApiError> {
    serde_json::from_slice(body).map_err(|error| {
        ApiError::validation(format!(
            "Malformed input request: {error}, please reformat your input and try again."
        ))
    })
}

pub(crate) fn validate(request: &ConverseRequest<'_>, call: Call<'_>) -> Result<(), ApiError> {
    validate_messages(request)?;
    for (i, block) in request.system.iter().flatten().enumerate() {
        if block.text.as_deref().is_some_and(|t| t.trim().is_empty()) {
            return Err(ApiError::validation(format!(
                "The text field in the SystemContentBlock object at system.{i} is blank. Add text to the text field, and try again."
            )));
        }
    }
    if let Some(config) = &request.inference_config {
        validate_inference(config)?;
    }
    if let Some(config) = &request.tool_config {
        validate_tools(config)?;
    }
    if let Some(config) = &request.guardrail_config {
        guardrail::validate(config, call.streaming)?;
    }
    if let Some(config) = &request.output_config {
        validate_output(config)?;
    }
    cache::validate(request, call.model_id)?;
    reasoning::validate(request)
}

fn validate_messages(request: &ConverseRequest<'_>) -> Result<(), ApiError> {
    let messages = request.messages.as_deref().unwrap_or_default();
    if messages.is_empty() {
        return Err(ApiError::validation(START_WITH_USER));
    }
    let mut uses_tools = false;
    let mut previous: Option<&str> = None;
    for (i, message) in messages.iter().enumerate() {
        let role = message.role.as_ref();
        if role != "user" && role != "assistant" {
            return Err(ApiError::constraint(
                role,
                &format!("messages.{i}.member.role"),
                "Member must satisfy enum value set: [user, assistant]",
            ));
        }
        if i == 0 && role != "user" {
            return Err(ApiError::validation(START_WITH_USER));
        }
        if previous == Some(role) {
            return Err(ApiError::validation(ALTERNATE));
        }
        previous = Some(role);
        if message.content.is_empty() {
            return Err(ApiError::validation(format!(
                "The content field in the Message object at messages.{i} is empty. Add a ContentBlock object to the content field and try again."
            )));
        }
        for (j, block) in message.content.iter().enumerate() {
            if block.text.as_deref().is_some_and(|t| t.trim().is_empty()) {
                return Err(ApiError::validation(format!(
                    "The text field in the ContentBlock object at messages.{i}.content.{j} is blank. Add text to the text field, and try again."
                )));
            }
            if let Some(image) = &block.image {
                media::validate_image(image, i, j)?;
            }
            if let Some(document) = &block.document {
                media::validate_document(document, i, j)?;
            }
            uses_tools |= block.tool_use.is_some() || block.tool_result.is_some();
        }
    }
    if uses_tools && request.tool_config.is_none() {
        return Err(ApiError::validation(TOOL_CONFIG_REQUIRED));
    }
    Ok(())
}

fn validate_inference(config: &InferenceConfig<'_>) -> Result<(), ApiError> {
    if let Some(max) = config.max_tokens.filter(|m| *m < 1) {
        return Err(ApiError::constraint(
            max,
            "inferenceConfig.maxTokens",
            "Member must have value greater than or equal to 1",
        ));
    }
    for (name, value) in [("temperature", config.temperature), ("topP", config.top_p)] {
        let Some(value) = value else { continue };
        let rule = if value < 0.0 {
            "Member must have value greater than or equal to 0"
        } else if value > 1.0 || value.is_nan() {
            "Member must have value less than or equal to 1"
        } else {
            continue;
        };
        return Err(ApiError::constraint(
            value,
            &format!("inferenceConfig.{name}"),
            rule,
        ));
    }
    let stops = config.stop_sequences.as_deref().unwrap_or_default();
    if stops.len() > MAX_STOP_SEQUENCES {
        return Err(ApiError::constraint(
            format!("[{} items]", stops.len()),
            "inferenceConfig.stopSequences",
            "Member must have length less than or equal to 2500",
        ));
    }
    if stops.iter().any(|s| s.is_empty()) {
        return Err(ApiError::constraint(
            "",
            "inferenceConfig.stopSequences",
            "Member must satisfy constraint: [Member must have length greater than or equal to 1]",
        ));
    }
    Ok(())
}

fn validate_tools(config: &ToolConfig<'_>) -> Result<(), ApiError> {
    if config.tools.is_empty() {
        return Err(ApiError::constraint(
            "[]",
            "toolConfig.tools",
            "Member must have length greater than or equal to 1",
        ));
    }
    if let Some(wanted) = config.tool_choice.as_ref().and_then(|c| c.tool.as_ref()) {
        let defined = config
            .tools
            .iter()
            .filter_map(|t| t.tool_spec.as_ref())
            .any(|spec| spec.name == wanted.name);
        if !defined {
            return Err(ApiError::validation(format!(
                "The tool {} specified in toolChoice is not defined in toolConfig.tools. Define the tool or choose another one, and try again.",
                wanted.name
            )));
        }
    }
    Ok(())
}

fn validate_output(config: &OutputConfig<'_>) -> Result<(), ApiError> {
    let Some(format) = &config.text_format else {
        return Ok(());
    };
    if format.kind != "json_schema" {
        return Err(ApiError::constraint(
            &format.kind,
            "outputConfig.textFormat.type",
            "Member must satisfy enum value set: [json_schema]",
        ));
    }
    let Some(schema) = &format.structure.json_schema else {
        return Ok(());
    };
    match serde_json::from_str::<Value>(&schema.schema) {
        Ok(Value::Object(_)) => Ok(()),
        _ => Err(ApiError::validation(BAD_OUTPUT_SCHEMA)),
    }
}
