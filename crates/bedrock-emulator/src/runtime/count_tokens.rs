//! CountTokens: the input tokens a Converse request (`input.converse`) or an Anthropic
//! InvokeModel body (`input.invokeModel.body`, base64) would be billed, counted exactly as
//! Converse and InvokeModel count them.

use base64::Engine;
use http::Response;
use serde_json::{json, Value};

use super::converse::engine;
use super::converse::media::BASE64;
use super::converse::validate::{self, Call};
use super::invoke::{anthropic_to_converse, detect_family, Family};
use super::{json_response, parse_json, Ctx};
use crate::body::ResponseBody;
use crate::error::ApiError;
use crate::faults::{self, Fault};
use crate::model_id;

const NOT_NULL: &str = "failed to satisfy constraint: Member must not be null";

/// Input tokens of a Converse-shaped JSON request.
fn converse_tokens(converse: &Value, model_id: &str) -> Result<u64, ApiError> {
    let bytes = serde_json::to_vec(converse).unwrap_or_default();
    let request = validate::parse(&bytes)?;
    validate::validate(
        &request,
        Call {
            model_id,
            streaming: false,
        },
    )?;
    Ok(engine::input_tokens(&request))
}

pub(crate) fn handle(ctx: &Ctx<'_>) -> Result<Response<ResponseBody>, ApiError> {
    match faults::parse(ctx.label) {
        Some(Fault::Error(error)) => return Err(error),
        Some(_) => {}
        None if !model_id::is_valid(ctx.label) => {
            return Err(ApiError::validation(
                "The provided model identifier is invalid.",
            ))
        }
        None => {}
    }
    let body: Value = parse_json(ctx.body)?;
    let Some(input) = body.get("input").and_then(Value::as_object) else {
        return Err(ApiError::validation(format!(
            "1 validation error detected: Value null at 'input' {NOT_NULL}"
        )));
    };
    let tokens = match (input.get("converse"), input.get("invokeModel")) {
        (Some(converse), None) => converse_tokens(converse, ctx.label)?,
        (None, Some(invoke)) => {
            let encoded = invoke.get("body").and_then(Value::as_str).ok_or_else(|| {
                ApiError::validation(format!(
                    "1 validation error detected: Value null at 'input.invokeModel.body' {NOT_NULL}"
                ))
            })?;
            let decoded = BASE64.decode(encoded).map_err(|_| {
                ApiError::validation("The value of input.invokeModel.body is not valid base64.")
            })?;
            let native: Value = parse_json(&decoded)?;
            let anthropic = faults::parse(ctx.label).is_some()
                || detect_family(ctx.label, &native) == Some(Family::Anthropic);
            if !anthropic {
                return Err(ApiError::validation(
                    "The provided model doesn't support counting tokens.",
                ));
            }
            converse_tokens(&Value::Object(anthropic_to_converse(&native)?), ctx.label)?
        }
        _ => {
            return Err(ApiError::validation(
                "Exactly one of input.converse or input.invokeModel must be set.",
            ))
        }
    };
    Ok(json_response(&json!({"inputTokens": tokens})))
}
