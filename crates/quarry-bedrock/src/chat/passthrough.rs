//! Bedrock-only request fields a client may put in an OpenAI request (`guardrailConfig`,
//! `additionalModelRequestFields`, …), copied to the Converse body unchanged. Clients that do
//! not merge `extra_body` into the request send it literally; its members count the same, and
//! a top-level field wins over the same field in `extra_body`.

use serde_json::{Map, Value};

use super::TranslateError;
use crate::wire::{ConverseRequest, PerformanceConfig};

/// Copies the passthrough fields of `extra` into `out`; returns `extra_body.top_k` if sent.
pub(super) fn apply(
    extra: &Map<String, Value>,
    out: &mut ConverseRequest,
) -> Result<Option<u32>, TranslateError> {
    let mut top_k = None;
    match extra.get("extra_body") {
        None | Some(Value::Null) => {}
        Some(Value::Object(body)) => {
            copy(body, "extra_body.", out)?;
            top_k = match body.get("top_k") {
                None | Some(Value::Null) => None,
                Some(v) => Some(v.as_u64().and_then(|k| u32::try_from(k).ok()).ok_or_else(
                    || {
                        TranslateError::at(
                            "extra_body.top_k",
                            "top_k must be a non-negative integer",
                        )
                    },
                )?),
            };
        }
        Some(_) => {
            return Err(TranslateError::at(
                "extra_body",
                "extra_body must be an object",
            ))
        }
    }
    copy(extra, "", out)?;
    Ok(top_k)
}

fn copy(
    src: &Map<String, Value>,
    prefix: &str,
    out: &mut ConverseRequest,
) -> Result<(), TranslateError> {
    let object = |key: &str| -> Result<Option<&Map<String, Value>>, TranslateError> {
        match src.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(o)) => Ok(Some(o)),
            Some(_) => Err(TranslateError::at(
                format!("{prefix}{key}"),
                format!("{key} must be an object"),
            )),
        }
    };
    if let Some(o) = object("additionalModelRequestFields")? {
        out.additional_model_request_fields = Some(o.clone());
    }
    if let Some(o) = object("performanceConfig")? {
        let config: PerformanceConfig =
            serde_json::from_value(Value::Object(o.clone())).map_err(|e| {
                TranslateError::at(
                    format!("{prefix}performanceConfig"),
                    format!("performanceConfig is invalid: {e}"),
                )
            })?;
        out.performance_config = Some(config);
    }
    let slots: [(&str, &mut Option<Value>); 5] = [
        ("guardrailConfig", &mut out.guardrail_config),
        ("requestMetadata", &mut out.request_metadata),
        ("promptVariables", &mut out.prompt_variables),
        ("serviceTier", &mut out.service_tier),
        ("outputConfig", &mut out.output_config),
    ];
    for (key, slot) in slots {
        if let Some(o) = object(key)? {
            *slot = Some(Value::Object(o.clone()));
        }
    }
    match src.get("additionalModelResponseFieldPaths") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            let paths = items
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| {
                    TranslateError::at(
                        format!("{prefix}additionalModelResponseFieldPaths"),
                        "additionalModelResponseFieldPaths must be a list of JSON pointer strings",
                    )
                })?;
            out.additional_model_response_field_paths = Some(paths);
        }
        Some(_) => {
            return Err(TranslateError::at(
                format!("{prefix}additionalModelResponseFieldPaths"),
                "additionalModelResponseFieldPaths must be a list of JSON pointer strings",
            ))
        }
    }
    Ok(())
}
