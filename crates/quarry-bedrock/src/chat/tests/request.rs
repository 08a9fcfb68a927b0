//! Chat requests: messages, sampling parameters, defaults, passthrough fields, refusals.

use quarry_openai::chat::ChatRequest;
use serde_json::json;

use super::{converse, converse_for, converse_with, refused, refused_for};
use crate::chat::{converse_from_chat, converse_from_chat_for_model, ChatDefaults};

#[test]
fn golden_conversation_with_system_prompt_and_sampling() {
    let out = converse(json!({
        "model": "claude",
        "messages": [
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": "Capital of France?"},
            {"role": "assistant", "content": "Paris."},
            {"role": "developer", "content": [{"type": "text", "text": "Answer in English."}]},
            {"role": "user", "content": "And Germany?"}
        ],
        "max_tokens": 256,
        "temperature": 0.2,
        "top_p": 0.9,
        "stop": "\n\n"
    }));
    assert_eq!(
        out,
        json!({
            "messages": [
                {"role": "user", "content": [{"text": "Capital of France?"}]},
                {"role": "assistant", "content": [{"text": "Paris."}]},
                {"role": "user", "content": [{"text": "And Germany?"}]}
            ],
            "system": [{"text": "You are terse."}, {"text": "Answer in English."}],
            "inferenceConfig": {"maxTokens": 256, "temperature": 0.2, "topP": 0.9, "stopSequences": ["\n\n"]}
        })
    );
}

#[test]
fn exact_bytes_follow_bedrock_field_order() {
    let req: ChatRequest = serde_json::from_value(json!({
        "messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}],
        "max_tokens": 5,
        "top_k": 3,
        "guardrailConfig": {"guardrailIdentifier": "g", "guardrailVersion": "1"}
    }))
    .unwrap();
    let out = converse_from_chat(&req, &ChatDefaults::default()).unwrap();
    assert_eq!(
        serde_json::to_string(&out).unwrap(),
        concat!(
            r#"{"messages":[{"role":"user","content":[{"text":"u"}]}],"system":[{"text":"s"}],"#,
            r#""inferenceConfig":{"maxTokens":5},"#,
            r#""guardrailConfig":{"guardrailIdentifier":"g","guardrailVersion":"1"},"#,
            r#""additionalModelRequestFields":{"top_k":3}}"#
        )
    );
}

#[test]
fn every_text_part_is_kept_and_blank_ones_are_dropped() {
    let out = converse(json!({"messages": [
        {"role": "system", "content": [{"type": "text", "text": " "}, {"type": "text", "text": "rules"}]},
        {"role": "user", "content": [
            {"type": "text", "text": "first"},
            {"type": "text", "text": "  \n "},
            {"type": "text", "text": "second"},
            {"type": "text", "text": "third"}
        ]}
    ]}));
    assert_eq!(
        out,
        json!({
            "messages": [{"role": "user", "content": [{"text": "first"}, {"text": "second"}, {"text": "third"}]}],
            "system": [{"text": "rules"}]
        })
    );
}

#[test]
fn same_role_neighbours_merge_and_empty_assistant_turns_vanish() {
    let out = converse(json!({"messages": [
        {"role": "user", "content": "one"},
        {"role": "user", "content": "two"},
        {"role": "assistant", "content": ""},
        {"role": "assistant", "content": null},
        {"role": "user", "content": "three"},
        {"role": "assistant", "content": "a"},
        {"role": "system", "content": "late system"},
        {"role": "assistant", "content": [{"type": "text", "text": "b"}, {"type": "refusal", "refusal": "no"}]},
        {"role": "user", "content": "   "},
        {"role": "user", "content": "four"}
    ]}));
    assert_eq!(
        out,
        json!({
            "messages": [
                {"role": "user", "content": [{"text": "one"}, {"text": "two"}, {"text": "three"}]},
                {"role": "assistant", "content": [{"text": "a"}, {"text": "b"}, {"text": "no"}]},
                {"role": "user", "content": [{"text": "four"}]}
            ],
            "system": [{"text": "late system"}]
        })
    );
}

#[test]
fn a_final_assistant_prefill_loses_trailing_whitespace() {
    let out = converse(json!({"messages": [
        {"role": "user", "content": "Write JSON"},
        {"role": "assistant", "content": "{\n  "}
    ]}));
    assert_eq!(
        out["messages"][1],
        json!({"role": "assistant", "content": [{"text": "{"}]})
    );
}

#[test]
fn a_conversation_without_content_is_refused() {
    let message = "messages must contain at least one user message with non-empty content";
    refused(json!({"messages": []}), "messages", message);
    refused(
        json!({"messages": [{"role": "system", "content": "only a system prompt"}]}),
        "messages",
        message,
    );
    refused(
        json!({"messages": [{"role": "user", "content": " "}, {"role": "assistant", "content": ""}]}),
        "messages",
        message,
    );
}

#[test]
fn a_conversation_must_start_with_the_user() {
    refused(
        json!({"messages": [
            {"role": "system", "content": "s"},
            {"role": "assistant", "content": "Hello!"},
            {"role": "user", "content": "Hi"}
        ]}),
        "messages[1]",
        "the conversation must start with a user message, but messages[1] is an assistant \
         message (Bedrock requires the first message to be from the user)",
    );
    // An empty assistant turn first is dropped, not refused.
    let out = converse(json!({"messages": [
        {"role": "assistant", "content": ""},
        {"role": "user", "content": "Hi"}
    ]}));
    assert_eq!(
        out["messages"],
        json!([{"role": "user", "content": [{"text": "Hi"}]}])
    );
}

#[test]
fn remote_images_and_file_ids_are_refused_with_what_to_send_instead() {
    let messages = |part: serde_json::Value| {
        json!({"messages": [
            {"role": "system", "content": "s"},
            {"role": "user", "content": "a"},
            {"role": "assistant", "content": "b"},
            {"role": "user", "content": [{"type": "text", "text": "what is this?"}, part]}
        ]})
    };
    refused(
        messages(json!({"type": "image_url", "image_url": {"url": "https://x/cat.png"}})),
        "messages[3].content[1]",
        "remote image URLs are not fetched by this route; send the image as a data: URL (base64)",
    );
    refused(
        messages(json!({"type": "file", "file": {"file_id": "file-1"}})),
        "messages[3].content[1]",
        "file_id is not supported: this route has no files API; send the file inline as \
         file_data (a base64 data: URL)",
    );
    refused(
        json!({"messages": [
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}]}
        ]}),
        "messages[1].content[0]",
        "content part type 'image_url' is not supported in assistant messages",
    );
}

#[test]
fn odd_parts_are_refused_by_name() {
    let user = |part: serde_json::Value| json!({"messages": [{"role": "user", "content": [part]}]});
    refused(
        user(json!({"type": "video_url", "video_url": {"url": "x"}})),
        "messages[0].content[0]",
        "content part type 'video_url' is not supported (OpenAI's part types are 'text', \
         'image_url', 'input_audio', 'file' and 'refusal')",
    );
    refused(
        user(json!({"text": "no type"})),
        "messages[0].content[0]",
        "content part has no 'type'; expected e.g. {\"type\": \"text\", \"text\": \"...\"}",
    );
    refused(
        user(json!({"type": "refusal", "refusal": "no"})),
        "messages[0].content[0]",
        "content part type 'refusal' is only allowed in assistant messages, not in user messages",
    );
    refused(
        json!({"messages": [
            {"role": "developer", "content": [{"type": "image_url", "image_url": {"url": "x"}}]},
            {"role": "user", "content": "hi"}
        ]}),
        "messages[0].content[0]",
        "content part type 'image_url' is not supported in developer messages; only 'text' is",
    );
    refused(
        json!({"messages": [
            {"role": "user", "content": "hi"},
            {"role": "function", "name": "f", "content": "42"}
        ]}),
        "messages[1].role",
        "role 'function' is not supported: send function results as role 'tool' messages with \
         tool_call_id",
    );
}

#[test]
fn max_completion_tokens_wins_and_empty_stops_are_dropped() {
    let out = converse(json!({
        "messages": [{"role": "user", "content": "hi"}],
        "max_tokens": 10,
        "max_completion_tokens": 20,
        "stop": ["", "END", ""]
    }));
    assert_eq!(
        out["inferenceConfig"],
        json!({"maxTokens": 20, "stopSequences": ["END"]})
    );
    let out = converse(json!({"messages": [{"role": "user", "content": "hi"}], "stop": ""}));
    assert_eq!(out.get("inferenceConfig"), None);
    let out = converse(json!({"messages": [{"role": "user", "content": "hi"}], "stop": []}));
    assert_eq!(out.get("inferenceConfig"), None);
}

#[test]
fn route_defaults_fill_only_what_the_client_left_out() {
    let defaults = ChatDefaults {
        max_tokens: Some(1000),
        temperature: Some(0.5),
        top_p: Some(0.8),
        top_k: Some(40),
        performance_config_latency: Some("optimized".into()),
    };
    let bare = converse_with(
        json!({"messages": [{"role": "user", "content": "hi"}]}),
        &defaults,
    );
    assert_eq!(
        bare,
        json!({
            "messages": [{"role": "user", "content": [{"text": "hi"}]}],
            "inferenceConfig": {"maxTokens": 1000, "temperature": 0.5, "topP": 0.8},
            "additionalModelRequestFields": {"top_k": 40},
            "performanceConfig": {"latency": "optimized"}
        })
    );
    let client = converse_with(
        json!({
            "messages": [{"role": "user", "content": "hi"}],
            "max_tokens": 7, "temperature": 0.0, "top_p": 1.0, "top_k": 3,
            "performanceConfig": {"latency": "standard"}
        }),
        &defaults,
    );
    assert_eq!(
        client["inferenceConfig"],
        json!({"maxTokens": 7, "temperature": 0.0, "topP": 1.0})
    );
    assert_eq!(client["additionalModelRequestFields"], json!({"top_k": 3}));
    // The route's latency setting is forced, whatever the client sent.
    assert_eq!(client["performanceConfig"], json!({"latency": "optimized"}));
    // A top_k the client sent inside additionalModelRequestFields beats the route default.
    let nested = converse_with(
        json!({
            "messages": [{"role": "user", "content": "hi"}],
            "additionalModelRequestFields": {"top_k": 9}
        }),
        &defaults,
    );
    assert_eq!(nested["additionalModelRequestFields"], json!({"top_k": 9}));
}

#[test]
fn top_k_merges_into_additional_model_request_fields() {
    let out = converse(json!({
        "messages": [{"role": "user", "content": "hi"}],
        "top_k": 50,
        "additionalModelRequestFields": {"thinking": {"type": "enabled", "budget_tokens": 1024}, "top_k": 1}
    }));
    assert_eq!(
        out["additionalModelRequestFields"],
        json!({"thinking": {"type": "enabled", "budget_tokens": 1024}, "top_k": 50})
    );
}

#[test]
fn choices_and_logprobs_are_refused() {
    let base = |extra: serde_json::Value| {
        let mut req = json!({"messages": [{"role": "user", "content": "hi"}]});
        req.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        req
    };
    refused(
        base(json!({"n": 2})),
        "n",
        "n must be 1 (got 2): Bedrock returns one choice per request",
    );
    refused(
        base(json!({"n": 0})),
        "n",
        "n must be 1 (got 0): Bedrock returns one choice per request",
    );
    refused(
        base(json!({"logprobs": true})),
        "logprobs",
        "logprobs is not supported: Bedrock does not return token log probabilities",
    );
    refused(
        base(json!({"top_logprobs": 3})),
        "top_logprobs",
        "top_logprobs is not supported: Bedrock does not return token log probabilities",
    );
    // The harmless forms pass.
    converse(base(json!({"n": 1, "logprobs": false, "top_logprobs": 0})));
    converse(base(
        json!({"frequency_penalty": 0, "presence_penalty": 0.0, "logit_bias": {}, "seed": 7}),
    ));
    refused(
        base(json!({"frequency_penalty": 0.5})),
        "frequency_penalty",
        "frequency_penalty is not supported by Bedrock's Converse API (only 0 is accepted)",
    );
    refused(
        base(json!({"presence_penalty": -1})),
        "presence_penalty",
        "presence_penalty is not supported by Bedrock's Converse API (only 0 is accepted)",
    );
    refused(
        base(json!({"logit_bias": {"123": 5}})),
        "logit_bias",
        "logit_bias is not supported by Bedrock's Converse API",
    );
}

#[test]
fn bedrock_fields_pass_through_and_unknown_fields_are_ignored() {
    let out = converse(json!({
        "messages": [{"role": "user", "content": "hi"}],
        "guardrailConfig": {"guardrailIdentifier": "gr-1", "guardrailVersion": "DRAFT", "trace": "enabled"},
        "additionalModelRequestFields": {"anthropic_beta": ["x"]},
        "additionalModelResponseFieldPaths": ["/stop_sequence"],
        "performanceConfig": {"latency": "optimized"},
        "requestMetadata": {"team": "search"},
        "promptVariables": {"topic": {"text": "cats"}},
        "serviceTier": {"type": "flex"},
        "outputConfig": {"effort": "low"},
        "frequency_penalty": 0,
        "user": "u-1",
        "seed": 7,
        "reasoning_effort": "low",
        "some_new_openai_field": {"x": 1}
    }));
    assert_eq!(
        out,
        json!({
            "messages": [{"role": "user", "content": [{"text": "hi"}]}],
            "guardrailConfig": {"guardrailIdentifier": "gr-1", "guardrailVersion": "DRAFT", "trace": "enabled"},
            "additionalModelRequestFields": {"anthropic_beta": ["x"]},
            "additionalModelResponseFieldPaths": ["/stop_sequence"],
            "promptVariables": {"topic": {"text": "cats"}},
            "requestMetadata": {"team": "search"},
            "performanceConfig": {"latency": "optimized"},
            "serviceTier": {"type": "flex"},
            "outputConfig": {"effort": "low"}
        })
    );
}

#[test]
fn extra_body_is_flattened_and_loses_to_top_level_fields() {
    let out = converse(json!({
        "messages": [{"role": "user", "content": "hi"}],
        "extra_body": {
            "guardrailConfig": {"guardrailIdentifier": "from-extra-body", "guardrailVersion": "1"},
            "requestMetadata": {"source": "extra_body"},
            "top_k": 12
        },
        "requestMetadata": {"source": "top-level"}
    }));
    assert_eq!(
        out,
        json!({
            "messages": [{"role": "user", "content": [{"text": "hi"}]}],
            "guardrailConfig": {"guardrailIdentifier": "from-extra-body", "guardrailVersion": "1"},
            "additionalModelRequestFields": {"top_k": 12},
            "requestMetadata": {"source": "top-level"}
        })
    );
}

#[test]
fn malformed_passthrough_fields_are_refused_by_path() {
    let with = |key: &str, value: serde_json::Value| {
        let mut req = json!({"messages": [{"role": "user", "content": "hi"}]});
        req[key] = value;
        req
    };
    refused(
        with("guardrailConfig", json!("gr-1")),
        "guardrailConfig",
        "guardrailConfig must be an object",
    );
    refused(
        with("additionalModelRequestFields", json!([{"top_k": 1}])),
        "additionalModelRequestFields",
        "additionalModelRequestFields must be an object",
    );
    refused(
        with("additionalModelResponseFieldPaths", json!([1])),
        "additionalModelResponseFieldPaths",
        "additionalModelResponseFieldPaths must be a list of JSON pointer strings",
    );
    refused(
        with("performanceConfig", json!({"latency": 5})),
        "performanceConfig",
        "performanceConfig is invalid: invalid type: integer `5`, expected a string",
    );
    refused(
        with("extra_body", json!("x")),
        "extra_body",
        "extra_body must be an object",
    );
    refused(
        with("extra_body", json!({"serviceTier": "flex"})),
        "extra_body.serviceTier",
        "serviceTier must be an object",
    );
    refused(
        with("extra_body", json!({"top_k": -1})),
        "extra_body.top_k",
        "top_k must be a non-negative integer",
    );
}

#[test]
fn top_k_goes_where_each_family_reads_it() {
    let base = |extra: serde_json::Value| {
        let mut req = json!({"messages": [{"role": "user", "content": "hi"}]});
        req.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        req
    };
    let req = || base(json!({"top_k": 5}));
    assert_eq!(
        converse_for("anthropic.claude-3-haiku-20240307-v1:0", req())
            ["additionalModelRequestFields"],
        json!({"top_k": 5})
    );
    assert_eq!(
        converse_for("us.amazon.nova-pro-v1:0", req())["additionalModelRequestFields"],
        json!({"inferenceConfig": {"topK": 5}})
    );
    assert_eq!(
        converse_for("cohere.command-r-plus-v1:0", req())["additionalModelRequestFields"],
        json!({"k": 5})
    );
    refused_for(
        "meta.llama3-1-70b-instruct-v1:0",
        req(),
        "top_k",
        "this model does not accept top_k on Bedrock",
    );
    // A route default does not apply to a model without top_k: nothing is sent, nothing fails.
    let parsed: ChatRequest = serde_json::from_value(base(json!({}))).unwrap();
    let defaults = ChatDefaults {
        top_k: Some(9),
        ..ChatDefaults::default()
    };
    let out =
        converse_from_chat_for_model(&parsed, &defaults, "meta.llama3-1-70b-instruct-v1:0", false)
            .unwrap();
    assert!(serde_json::to_value(out)
        .unwrap()
        .get("additionalModelRequestFields")
        .is_none());
}
