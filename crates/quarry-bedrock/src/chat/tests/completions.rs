//! Legacy completions requests.

use quarry_openai::completions::CompletionRequest;
use serde_json::{json, Value};

use crate::chat::{converse_from_completion, ChatDefaults, TranslateError};

fn converse(req: Value) -> Value {
    let req: CompletionRequest = serde_json::from_value(req).unwrap();
    serde_json::to_value(converse_from_completion(&req, &ChatDefaults::default()).unwrap()).unwrap()
}

fn refused(req: Value, param: &str, message: &str) {
    let req: CompletionRequest = serde_json::from_value(req).unwrap();
    assert_eq!(
        converse_from_completion(&req, &ChatDefaults::default()).unwrap_err(),
        TranslateError {
            message: message.to_owned(),
            param: Some(param.to_owned())
        }
    );
}

#[test]
fn golden_prompt_becomes_one_user_message() {
    let expected = json!({
        "messages": [{"role": "user", "content": [{"text": "Once upon a time"}]}],
        "inferenceConfig": {"maxTokens": 32, "temperature": 1.0, "stopSequences": ["."]},
        "additionalModelRequestFields": {"top_k": 5},
        "guardrailConfig": {"guardrailIdentifier": "g", "guardrailVersion": "1"}
    });
    let req = |prompt: Value| {
        json!({
            "model": "titan", "prompt": prompt, "max_tokens": 32, "temperature": 1.0,
            "top_k": 5, "stop": ["."], "stream": true,
            "guardrailConfig": {"guardrailIdentifier": "g", "guardrailVersion": "1"}
        })
    };
    assert_eq!(converse(req(json!("Once upon a time"))), expected);
    assert_eq!(converse(req(json!(["Once upon a time"]))), expected);
}

#[test]
fn prompts_bedrock_cannot_take_are_refused() {
    refused(
        json!({"prompt": ["a", "b"]}),
        "prompt",
        "a list of 2 prompts is not supported: Bedrock completes one prompt per request, send \
         them one by one",
    );
    let tokens = "token arrays are not supported as prompt: send the prompt as text";
    refused(json!({"prompt": [1, 2, 3]}), "prompt", tokens);
    refused(json!({"prompt": [[1, 2], [3]]}), "prompt", tokens);
    refused(
        json!({"prompt": []}),
        "prompt",
        "prompt must not be an empty list",
    );
    refused(json!({"model": "m"}), "prompt", "prompt is required");
    refused(json!({"prompt": 5}), "prompt", "prompt must be a string");
    refused(
        json!({"prompt": "  "}),
        "prompt",
        "prompt must contain non-whitespace text",
    );
}

#[test]
fn options_bedrock_cannot_honour_are_refused() {
    refused(
        json!({"prompt": "p", "echo": true}),
        "echo",
        "echo is not supported: Bedrock does not return the prompt",
    );
    refused(
        json!({"prompt": "p", "suffix": "end"}),
        "suffix",
        "suffix is not supported: Bedrock models do not insert text before a suffix",
    );
    refused(
        json!({"prompt": "p", "best_of": 3}),
        "best_of",
        "best_of must be 1 (got 3): Bedrock returns one candidate per request",
    );
    refused(
        json!({"prompt": "p", "logprobs": 2}),
        "logprobs",
        "logprobs is not supported: Bedrock does not return token log probabilities",
    );
    refused(
        json!({"prompt": "p", "n": 4}),
        "n",
        "n must be 1 (got 4): Bedrock returns one choice per request",
    );
    // Defaults clients send explicitly are fine.
    converse(
        json!({"prompt": "p", "echo": false, "suffix": "", "best_of": 1, "logprobs": null, "n": 1}),
    );
    converse(json!({"prompt": "p", "logprobs": 0}));
}
