//! The stream translator: realistic ConverseStream event sequences → exact SSE bytes.

use bytes::BytesMut;
use quarry_openai::chat::{PromptTokensDetails, Usage};

use super::meta;
use crate::chat::{StreamFormat, StreamTranslator};

const PAD: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX";

/// `data: <chat chunk>\n\n` with the test stream's id, created and model.
fn chat(body: &str) -> String {
    format!(
        "data: {{\"id\":\"chatcmpl-test\",\"object\":\"chat.completion.chunk\",\
         \"created\":1700000000,\"model\":\"claude\",{body}}}\n\n"
    )
}

fn delta(delta: &str) -> String {
    chat(&format!(
        r#""choices":[{{"index":0,"delta":{delta},"logprobs":null,"finish_reason":null}}]"#
    ))
}

fn text_completion(body: &str) -> String {
    format!(
        "data: {{\"id\":\"chatcmpl-test\",\"object\":\"text_completion\",\
         \"created\":1700000000,\"model\":\"claude\",{body}}}\n\n"
    )
}

/// Feeds every event, then ends the body; returns the SSE text and the translator.
fn run(
    format: StreamFormat,
    include_usage: bool,
    events: &[(&str, String)],
) -> (String, StreamTranslator) {
    let mut t = StreamTranslator::new(format, meta(), include_usage);
    t.keep_text();
    let mut out = BytesMut::new();
    for (event_type, payload) in events {
        t.on_event(event_type, payload.as_bytes(), &mut out)
            .unwrap_or_else(|e| panic!("{event_type}: {e}"));
    }
    t.finish(&mut out);
    (String::from_utf8(out.to_vec()).unwrap(), t)
}

fn text_events() -> Vec<(&'static str, String)> {
    vec![
        (
            "messageStart",
            format!(r#"{{"role":"assistant","p":"{PAD}"}}"#),
        ),
        (
            "contentBlockDelta",
            format!(r#"{{"contentBlockIndex":0,"delta":{{"text":"Guten"}},"p":"{PAD}"}}"#),
        ),
        (
            "contentBlockDelta",
            r#"{"contentBlockIndex":0,"delta":{"text":" Tag \"du\"\n"},"p":"ab"}"#.to_owned(),
        ),
        (
            "contentBlockStop",
            r#"{"contentBlockIndex":0,"p":"abc"}"#.to_owned(),
        ),
        (
            "messageStop",
            r#"{"stopReason":"end_turn","p":"abcd"}"#.to_owned(),
        ),
        (
            "metadata",
            concat!(
                r#"{"usage":{"inputTokens":20,"outputTokens":3,"totalTokens":1023,"#,
                r#""cacheReadInputTokens":1000},"metrics":{"latencyMs":412},"p":"abcde"}"#
            )
            .to_owned(),
        ),
    ]
}

#[test]
fn golden_chat_text_stream_with_usage() {
    let (sse, t) = run(StreamFormat::Chat, true, &text_events());
    let expected = [
        delta(r#"{"role":"assistant","content":""}"#),
        delta(r#"{"content":"Guten"}"#),
        delta(r#"{"content":" Tag \"du\"\n"}"#),
        chat(r#""choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]"#),
        chat(concat!(
            r#""choices":[],"usage":{"prompt_tokens":1020,"completion_tokens":3,"total_tokens":1023,"#,
            r#""prompt_tokens_details":{"cached_tokens":1000}}"#
        )),
        "data: [DONE]\n\n".to_owned(),
    ]
    .concat();
    assert_eq!(sse, expected);
    assert_eq!(t.text(), "Guten Tag \"du\"\n");
    assert_eq!(t.finish_reason(), Some("stop"));
    assert!(t.first_content_seen());
    assert!(t.is_done());
    assert_eq!(
        t.usage(),
        Some(&Usage {
            prompt_tokens: 1020,
            completion_tokens: 3,
            total_tokens: 1023,
            prompt_tokens_details: Some(PromptTokensDetails {
                cached_tokens: 1000
            }),
            completion_tokens_details: None,
        })
    );
}

#[test]
fn without_include_usage_there_is_no_usage_chunk_but_usage_is_known() {
    let (sse, t) = run(StreamFormat::Chat, false, &text_events());
    assert!(!sse.contains("\"usage\""), "{sse}");
    assert!(sse.ends_with(
        &[
            chat(r#""choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]"#),
            "data: [DONE]\n\n".to_owned()
        ]
        .concat()
    ));
    assert_eq!(t.usage().map(|u| u.total_tokens), Some(1023));
}

#[test]
fn golden_tool_call_stream_uses_dense_indexes() {
    let events: Vec<(&str, String)> = [
        ("messageStart", r#"{"role":"assistant"}"#),
        ("contentBlockDelta", r#"{"contentBlockIndex":0,"delta":{"text":"Checking."}}"#),
        ("contentBlockStop", r#"{"contentBlockIndex":0}"#),
        (
            "contentBlockStart",
            r#"{"contentBlockIndex":1,"start":{"toolUse":{"toolUseId":"tooluse_a","name":"get_weather"}},"p":"ab"}"#,
        ),
        ("contentBlockDelta", r#"{"contentBlockIndex":1,"delta":{"toolUse":{"input":""}}}"#),
        ("contentBlockDelta", r#"{"contentBlockIndex":1,"delta":{"toolUse":{"input":"{\"city\":"}}}"#),
        ("contentBlockDelta", r#"{"contentBlockIndex":1,"delta":{"toolUse":{"input":"\"Paris\"}"}}}"#),
        ("contentBlockStop", r#"{"contentBlockIndex":1}"#),
        (
            "contentBlockStart",
            r#"{"contentBlockIndex":2,"start":{"toolUse":{"toolUseId":"tooluse_b","name":"now"}}}"#,
        ),
        ("contentBlockStop", r#"{"contentBlockIndex":2}"#),
        ("messageStop", r#"{"stopReason":"tool_use"}"#),
        ("metadata", r#"{"usage":{"inputTokens":9,"outputTokens":8,"totalTokens":17},"metrics":{"latencyMs":5}}"#),
    ]
    .into_iter()
    .map(|(t, p)| (t, p.to_owned()))
    .collect();
    let (sse, t) = run(StreamFormat::Chat, false, &events);
    let expected = [
        delta(r#"{"role":"assistant","content":""}"#),
        delta(r#"{"content":"Checking."}"#),
        delta(r#"{"tool_calls":[{"index":0,"id":"tooluse_a","type":"function","function":{"name":"get_weather","arguments":""}}]}"#),
        delta(r#"{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}"#),
        delta(r#"{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]}"#),
        delta(r#"{"tool_calls":[{"index":1,"id":"tooluse_b","type":"function","function":{"name":"now","arguments":""}}]}"#),
        // A tool without input gets `{}`, never an empty string.
        delta(r#"{"tool_calls":[{"index":1,"function":{"arguments":"{}"}}]}"#),
        chat(r#""choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}]"#),
        "data: [DONE]\n\n".to_owned(),
    ]
    .concat();
    assert_eq!(sse, expected);
    assert_eq!(t.text(), "Checking.");
    assert_eq!(t.finish_reason(), Some("tool_calls"));
}

#[test]
fn golden_text_completion_stream() {
    let (sse, t) = run(StreamFormat::Completion, true, &text_events());
    let expected = [
        text_completion(r#""choices":[{"text":"Guten","index":0,"logprobs":null,"finish_reason":null}]"#),
        text_completion(r#""choices":[{"text":" Tag \"du\"\n","index":0,"logprobs":null,"finish_reason":null}]"#),
        text_completion(r#""choices":[{"text":"","index":0,"logprobs":null,"finish_reason":"stop"}]"#),
        text_completion(concat!(
            r#""choices":[],"usage":{"prompt_tokens":1020,"completion_tokens":3,"total_tokens":1023,"#,
            r#""prompt_tokens_details":{"cached_tokens":1000}}"#
        )),
        "data: [DONE]\n\n".to_owned(),
    ]
    .concat();
    assert_eq!(sse, expected);
    assert_eq!(t.text(), "Guten Tag \"du\"\n");
}

#[test]
fn a_truncated_stream_ends_with_an_error_not_done() {
    let events = &text_events()[..2];
    let (sse, t) = run(StreamFormat::Chat, true, events);
    let expected = [
        delta(r#"{"role":"assistant","content":""}"#),
        delta(r#"{"content":"Guten"}"#),
        concat!(
            r#"data: {"error":{"message":"Bedrock's stream ended before the response was complete","#,
            r#""type":"api_error","param":null,"code":"upstream_stream_truncated"}}"#,
            "\n\n"
        )
        .to_owned(),
    ]
    .concat();
    assert_eq!(sse, expected);
    assert!(t.is_done());
    assert_eq!(t.finish_reason(), None);
}

#[test]
fn an_upstream_exception_becomes_one_error_event_and_ends_the_stream() {
    let mut t = StreamTranslator::new(StreamFormat::Chat, meta(), true);
    let mut out = BytesMut::new();
    let events = text_events();
    t.on_event(events[0].0, events[0].1.as_bytes(), &mut out)
        .unwrap();
    out.clear();
    t.on_upstream_error(
        "throttlingException",
        "Too many requests, please wait before trying again.",
        &mut out,
    );
    // Nothing after the error reaches the client.
    t.on_event(events[1].0, events[1].1.as_bytes(), &mut out)
        .unwrap();
    t.finish(&mut out);
    assert_eq!(
        std::str::from_utf8(&out).unwrap(),
        concat!(
            r#"data: {"error":{"message":"Too many requests, please wait before trying again.","#,
            r#""type":"rate_limit_error","param":null,"code":"throttling"}}"#,
            "\n\n"
        )
    );
    assert!(t.is_done());
    assert!(!t.first_content_seen());

    let mut t = StreamTranslator::new(StreamFormat::Chat, meta(), false);
    let mut out = BytesMut::new();
    t.on_upstream_error("internalServerException", "", &mut out);
    assert_eq!(
        std::str::from_utf8(&out).unwrap(),
        concat!(
            r#"data: {"error":{"message":"Bedrock's stream failed with InternalServerException","#,
            r#""type":"api_error","param":null,"code":"internal_server"}}"#,
            "\n\n"
        )
    );
}

#[test]
fn an_unparseable_payload_is_an_error_and_writes_nothing() {
    let mut t = StreamTranslator::new(StreamFormat::Chat, meta(), false);
    let mut out = BytesMut::new();
    let err = t
        .on_event("contentBlockDelta", b"{\"contentBlockIndex\":0,", &mut out)
        .unwrap_err();
    assert!(
        err.starts_with("Bedrock sent an invalid contentBlockDelta event: EOF while parsing"),
        "{err}"
    );
    let err = t
        .on_event("messageStop", br#"{"stopReason":7}"#, &mut out)
        .unwrap_err();
    assert!(err.contains("invalid type: integer `7`"), "{err}");
    assert!(out.is_empty());
    assert!(!t.is_done());
}

#[test]
fn unknown_events_and_blocks_are_skipped() {
    let events: Vec<(&str, String)> = [
        ("messageStart", r#"{"role":"assistant"}"#),
        ("someFutureEvent", "not json at all"),
        (
            "contentBlockDelta",
            r#"{"contentBlockIndex":0,"delta":{"citation":{"title":"t"}}}"#,
        ),
        (
            "contentBlockDelta",
            r#"{"contentBlockIndex":0,"delta":{"reasoningContent":{"future":"x"}}}"#,
        ),
        (
            "contentBlockDelta",
            r#"{"contentBlockIndex":1,"delta":{"hologram":{"x":1}}}"#,
        ),
        (
            "contentBlockDelta",
            r#"{"contentBlockIndex":2,"delta":{"text":""}}"#,
        ),
        (
            "contentBlockDelta",
            r#"{"contentBlockIndex":2,"delta":{"text":"Hi"}}"#,
        ),
        ("messageStop", r#"{"stopReason":"max_tokens"}"#),
    ]
    .into_iter()
    .map(|(t, p)| (t, p.to_owned()))
    .collect();
    let (sse, t) = run(StreamFormat::Chat, true, &events);
    let expected = [
        delta(r#"{"role":"assistant","content":""}"#),
        delta(r#"{"content":"Hi"}"#),
        chat(r#""choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"length"}]"#),
        // include_usage, but no metadata arrived: no usage chunk can be made up.
        "data: [DONE]\n\n".to_owned(),
    ]
    .concat();
    assert_eq!(sse, expected);
    assert_eq!(t.usage(), None);
}

#[test]
fn early_metadata_waits_for_the_finish_chunk() {
    let events: Vec<(&str, String)> = [
        ("contentBlockDelta", r#"{"contentBlockIndex":0,"delta":{"text":"Hi"}}"#),
        ("metadata", r#"{"usage":{"inputTokens":1,"outputTokens":1,"totalTokens":2},"metrics":{"latencyMs":1}}"#),
        ("messageStop", r#"{"stopReason":"end_turn"}"#),
    ]
    .into_iter()
    .map(|(t, p)| (t, p.to_owned()))
    .collect();
    let (sse, _) = run(StreamFormat::Chat, true, &events);
    let expected = [
        // No messageStart: the role chunk still comes first.
        delta(r#"{"role":"assistant","content":""}"#),
        delta(r#"{"content":"Hi"}"#),
        chat(r#""choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]"#),
        chat(concat!(
            r#""choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2,"#,
            r#""prompt_tokens_details":{"cached_tokens":0}}"#
        )),
        "data: [DONE]\n\n".to_owned(),
    ]
    .concat();
    assert_eq!(sse, expected);
}

#[test]
fn text_after_a_tool_call_keeps_flowing() {
    let events: Vec<(&str, String)> = [
        (
            "contentBlockDelta",
            r#"{"contentBlockIndex":0,"delta":{"text":"First."}}"#,
        ),
        (
            "contentBlockStart",
            r#"{"contentBlockIndex":1,"start":{"toolUse":{"toolUseId":"t1","name":"f"}}}"#,
        ),
        (
            "contentBlockDelta",
            r#"{"contentBlockIndex":1,"delta":{"toolUse":{"input":"{}"}}}"#,
        ),
        ("contentBlockStop", r#"{"contentBlockIndex":1}"#),
        (
            "contentBlockDelta",
            r#"{"contentBlockIndex":2,"delta":{"text":" Then."}}"#,
        ),
        ("messageStop", r#"{"stopReason":"tool_use"}"#),
    ]
    .into_iter()
    .map(|(t, p)| (t, p.to_owned()))
    .collect();
    let (sse, t) = run(StreamFormat::Chat, false, &events);
    let expected = [
        delta(r#"{"role":"assistant","content":""}"#),
        delta(r#"{"content":"First."}"#),
        delta(r#"{"tool_calls":[{"index":0,"id":"t1","type":"function","function":{"name":"f","arguments":""}}]}"#),
        delta(r#"{"tool_calls":[{"index":0,"function":{"arguments":"{}"}}]}"#),
        delta(r#"{"content":" Then."}"#),
        chat(r#""choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}]"#),
        "data: [DONE]\n\n".to_owned(),
    ]
    .concat();
    assert_eq!(sse, expected);
    assert_eq!(t.text(), "First. Then.");
}

#[test]
fn text_is_only_kept_when_asked_for() {
    let mut t = StreamTranslator::new(StreamFormat::Chat, meta(), false);
    let mut out = BytesMut::new();
    t.on_event("messageStart", br#"{"role":"assistant"}"#, &mut out)
        .unwrap();
    t.on_event(
        "contentBlockDelta",
        br#"{"contentBlockIndex":0,"delta":{"text":"Hello"}}"#,
        &mut out,
    )
    .unwrap();
    assert_eq!(t.text(), "", "nothing is retained without payload logging");
    assert!(
        String::from_utf8_lossy(&out).contains("Hello"),
        "the text still streams"
    );
}
