//! Model families from model IDs, profiles and ARNs, and the per-family request rules.

use quarry_openai::chat::ChatRequest;
use serde_json::json;

use super::{converse, converse_for, refused_for, SONNET_4_5};
use crate::chat::{
    converse_from_chat_for_model, converse_from_completion_for_model, family, ChatDefaults, Claude,
    ClaudeTier, Family,
};

fn claude(tier: ClaudeTier, major: u8, minor: u8) -> Family {
    Family::Anthropic(Claude {
        tier,
        version: Some((major, minor)),
    })
}

#[test]
fn ids_profiles_and_arns_resolve_to_families() {
    use ClaudeTier::*;
    let cases = [
        ("anthropic.claude-3-haiku-20240307-v1:0", claude(Haiku, 3, 0)),
        ("anthropic.claude-3-5-sonnet-20241022-v2:0", claude(Sonnet, 3, 5)),
        ("us.anthropic.claude-3-7-sonnet-20250219-v1:0", claude(Sonnet, 3, 7)),
        ("eu.anthropic.claude-sonnet-4-20250514-v1:0", claude(Sonnet, 4, 0)),
        ("apac.anthropic.claude-opus-4-1-20250805-v1:0", claude(Opus, 4, 1)),
        ("global.anthropic.claude-sonnet-4-5-20250929-v1:0", claude(Sonnet, 4, 5)),
        ("jp.anthropic.claude-haiku-4-5-20251001-v1:0", claude(Haiku, 4, 5)),
        ("au.anthropic.claude-opus-4-5-20251101-v1:0", claude(Opus, 4, 5)),
        ("us-gov.anthropic.claude-3-5-sonnet-20240620-v1:0", claude(Sonnet, 3, 5)),
        ("ca.anthropic.claude-opus-4-6-v1", claude(Opus, 4, 6)),
        ("anthropic.claude-v2:1", claude(Other, 2, 1)),
        ("anthropic.claude-instant-v1", claude(Other, 1, 0)),
        (
            "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0",
            claude(Haiku, 3, 5),
        ),
        (
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            claude(Sonnet, 4, 5),
        ),
        ("amazon.nova-pro-v1:0", Family::NovaV1),
        ("us.amazon.nova-micro-v1:0", Family::NovaV1),
        ("us.amazon.nova-premier-v1:0", Family::NovaV1),
        ("global.amazon.nova-2-lite-v1:0", Family::Nova2),
        ("amazon.nova-2-multimodal-embeddings-v1:0", Family::Other),
        ("amazon.titan-text-express-v1", Family::TitanText),
        ("amazon.titan-text-premier-v1:0", Family::TitanText),
        ("amazon.titan-tg1-large", Family::TitanText),
        ("amazon.titan-embed-text-v2:0", Family::Other),
        ("meta.llama2-70b-chat-v1", Family::Llama { tools: false }),
        ("meta.llama3-8b-instruct-v1:0", Family::Llama { tools: false }),
        ("meta.llama3-70b-instruct-v1:0", Family::Llama { tools: false }),
        ("us.meta.llama3-1-70b-instruct-v1:0", Family::Llama { tools: true }),
        ("us.meta.llama3-2-11b-instruct-v1:0", Family::Llama { tools: true }),
        ("us.meta.llama4-maverick-17b-instruct-v1:0", Family::Llama { tools: true }),
        ("mistral.mistral-large-2407-v1:0", Family::Mistral),
        ("mistral.mistral-7b-instruct-v0:2", Family::MistralLegacyNoSystem),
        ("mistral.mixtral-8x7b-instruct-v0:1", Family::MistralLegacyNoSystem),
        ("cohere.command-r-plus-v1:0", Family::CohereCommandR),
        ("cohere.command-text-v14", Family::CohereCommandLegacy),
        ("cohere.command-light-text-v14", Family::CohereCommandLegacy),
        ("us.deepseek.r1-v1:0", Family::DeepSeek),
        ("openai.gpt-oss-120b-1:0", Family::OpenAiGptOss),
        ("qwen.qwen3-32b-v1:0", Family::Qwen),
        ("ai21.jamba-1-5-large-v1:0", Family::Other),
        (
            "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6",
            Family::Unknown,
        ),
        (
            "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abcdefghijkl",
            Family::Unknown,
        ),
        ("arn:aws:bedrock:us-east-1:123456789012", Family::Unknown),
        ("my-imported-model", Family::Unknown),
        ("", Family::Unknown),
    ];
    for (id, expected) in cases {
        assert_eq!(family(id), expected, "{id}");
    }
}

#[test]
fn capability_table_follows_the_family() {
    let f = family;
    assert!(f("amazon.titan-text-express-v1").rejects_system());
    assert!(!f("us.amazon.nova-lite-v1:0").rejects_system());
    assert!(f("us.anthropic.claude-haiku-4-5-20251001-v1:0").rejects_temperature_with_top_p());
    assert!(f("anthropic.claude-opus-4-1-20250805-v1:0").rejects_temperature_with_top_p());
    assert!(!f("anthropic.claude-sonnet-4-20250514-v1:0").rejects_temperature_with_top_p());
    assert!(!f("anthropic.claude-opus-4-20250514-v1:0").rejects_temperature_with_top_p());
    assert!(f("anthropic.claude-sonnet-5-v1").rejects_temperature_with_top_p());
    assert!(!f("meta.llama3-8b-instruct-v1:0").supports_tools());
    assert!(f("meta.llama3-1-8b-instruct-v1:0").supports_tools());
    assert!(
        f("arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/x")
            .supports_tools()
    );
    assert!(f(SONNET_4_5).native_structured_output());
    assert!(!f("anthropic.claude-3-7-sonnet-20250219-v1:0").native_structured_output());
    assert!(f("anthropic.claude-3-7-sonnet-20250219-v1:0").anthropic_thinking());
    assert!(!f("anthropic.claude-3-5-sonnet-20241022-v2:0").anthropic_thinking());
}

#[test]
fn system_text_opens_the_first_user_message_for_models_without_system() {
    let req = json!({"messages": [
        {"role": "system", "content": "You are terse."},
        {"role": "developer", "content": [{"type": "text", "text": "Answer in French."}]},
        {"role": "user", "content": "Capital of Italy?"},
        {"role": "assistant", "content": "Rome."},
        {"role": "user", "content": "And Spain?"}
    ]});
    let expected = json!({"messages": [
        {"role": "user", "content": [{"text": "You are terse.\n\nAnswer in French.\n\nCapital of Italy?"}]},
        {"role": "assistant", "content": [{"text": "Rome."}]},
        {"role": "user", "content": [{"text": "And Spain?"}]}
    ]});
    for model in [
        "amazon.titan-text-express-v1",
        "mistral.mixtral-8x7b-instruct-v0:1",
        "cohere.command-light-text-v14",
    ] {
        assert_eq!(converse_for(model, req.clone()), expected, "{model}");
    }
    // Other families and unknown IDs keep the system field.
    let kept = converse_for("mistral.mistral-large-2407-v1:0", req.clone());
    assert_eq!(
        kept["system"],
        json!([{"text": "You are terse."}, {"text": "Answer in French."}])
    );
    assert_eq!(converse(req)["system"], kept["system"]);
}

#[test]
fn a_system_prompt_before_an_image_only_message_becomes_its_own_text_block() {
    let out = converse_for(
        "amazon.titan-text-premier-v1:0",
        json!({"messages": [
            {"role": "system", "content": "Describe briefly."},
            {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}]}
        ]}),
    );
    assert_eq!(
        out["messages"][0]["content"],
        json!([
            {"text": "Describe briefly."},
            {"image": {"format": "png", "source": {"bytes": "iVBORw0KGgo="}}}
        ])
    );
}

#[test]
fn claude_4_5_keeps_temperature_and_drops_top_p() {
    let req =
        json!({"messages": [{"role": "user", "content": "hi"}], "temperature": 0.3, "top_p": 0.9});
    for model in [
        SONNET_4_5,
        "anthropic.claude-haiku-4-5-20251001-v1:0",
        "global.anthropic.claude-opus-4-5-20251101-v1:0",
        "anthropic.claude-opus-4-1-20250805-v1:0",
    ] {
        assert_eq!(
            converse_for(model, req.clone())["inferenceConfig"],
            json!({"temperature": 0.3}),
            "{model}"
        );
    }
    // Older Claude models and unknown IDs get both.
    for model in [
        "anthropic.claude-sonnet-4-20250514-v1:0",
        "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc",
    ] {
        assert_eq!(
            converse_for(model, req.clone())["inferenceConfig"],
            json!({"temperature": 0.3, "topP": 0.9}),
            "{model}"
        );
    }
    // top_p alone stays; a route-default temperature still wins over the client's top_p.
    let only_top_p = json!({"messages": [{"role": "user", "content": "hi"}], "top_p": 0.5});
    assert_eq!(
        converse_for(SONNET_4_5, only_top_p.clone())["inferenceConfig"],
        json!({"topP": 0.5})
    );
    let defaults = ChatDefaults {
        temperature: Some(0.7),
        ..ChatDefaults::default()
    };
    let parsed: ChatRequest = serde_json::from_value(only_top_p).unwrap();
    let out = converse_from_chat_for_model(&parsed, &defaults, SONNET_4_5, false).unwrap();
    assert_eq!(
        serde_json::to_value(out.inference_config).unwrap(),
        json!({"temperature": 0.7})
    );
    // Legacy completions follow the same rule.
    let completion =
        serde_json::from_value(json!({"prompt": "p", "temperature": 0.1, "top_p": 0.2})).unwrap();
    let out =
        converse_from_completion_for_model(&completion, &ChatDefaults::default(), SONNET_4_5, true)
            .unwrap();
    assert_eq!(
        serde_json::to_value(out.inference_config).unwrap(),
        json!({"temperature": 0.1})
    );
}

#[test]
fn models_without_tool_use_refuse_tools() {
    let req = json!({
        "messages": [{"role": "user", "content": "Weather?"}],
        "tools": [{"type": "function", "function": {"name": "get_weather"}}]
    });
    for model in [
        "amazon.titan-text-express-v1",
        "meta.llama3-8b-instruct-v1:0",
        "mistral.mistral-7b-instruct-v0:2",
        "cohere.command-text-v14",
    ] {
        refused_for(
            model,
            req.clone(),
            "tools",
            &format!("model '{model}' does not support tool use on Bedrock (remove tools)"),
        );
    }
    // tool_choice "none" withholds the tools, so there is nothing to refuse.
    let mut none = req.clone();
    none["tool_choice"] = json!("none");
    assert_eq!(
        converse_for("amazon.titan-text-express-v1", none).get("toolConfig"),
        None
    );
    // A history with tool calls needs a toolConfig too.
    refused_for(
        "meta.llama2-13b-chat-v1",
        json!({"messages": [
            {"role": "user", "content": "go"},
            {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
            {"role": "tool", "tool_call_id": "c1", "content": "ok"}
        ]}),
        "messages",
        "model 'meta.llama2-13b-chat-v1' does not support tool use on Bedrock (the history holds \
         tool calls or tool results)",
    );
    // Tool-capable families pass.
    converse_for("us.meta.llama3-3-70b-instruct-v1:0", req);
}
