//! Native-format operations on the wire, for what the SDKs hide: Accept headers, guardrail
//! headers, RetrieveAndGenerate variants, list query validation, and the S3 store helpers.

use http::Request;
use serde_json::json;

use crate::common::emulator;
use crate::wire::{build, call, send, signed, Auth};

const HAIKU_PATH: &str = "/model/anthropic.claude-3-haiku-20240307-v1%3A0";

fn hello(text: &str) -> String {
    json!({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 50,
           "messages": [{"role": "user", "content": text}]})
    .to_string()
}

#[tokio::test]
async fn accept_headers_must_allow_json() {
    let emu = emulator().await;
    let body = hello("hi");
    let mut request = build(
        &emu,
        "POST",
        &format!("{HAIKU_PATH}/invoke"),
        &body,
        Auth::None,
    );
    request
        .headers_mut()
        .insert("accept", "image/png".parse().unwrap());
    let raw = send(signed(request, body.as_bytes())).await;
    assert_eq!(raw.status.as_u16(), 400);

    let mut request = build(
        &emu,
        "POST",
        &format!("{HAIKU_PATH}/invoke-with-response-stream"),
        &body,
        Auth::None,
    );
    request
        .headers_mut()
        .insert("x-amzn-bedrock-accept", "*/*".parse().unwrap());
    let raw = send(signed(request, body.as_bytes())).await;
    assert_eq!(raw.status.as_u16(), 200);
    assert_eq!(
        raw.header("content-type"),
        Some("application/vnd.amazon.eventstream")
    );
}

#[tokio::test]
async fn guardrail_headers_on_invoke_model() {
    let emu = emulator().await;
    let body = hello("this is blocked");
    let mut request: Request<_> = build(
        &emu,
        "POST",
        &format!("{HAIKU_PATH}/invoke"),
        &body,
        Auth::None,
    );
    let headers = request.headers_mut();
    headers.insert(
        "x-amzn-bedrock-guardrailidentifier",
        "gr-1".parse().unwrap(),
    );
    headers.insert("x-amzn-bedrock-guardrailversion", "DRAFT".parse().unwrap());
    let raw = send(signed(request, body.as_bytes())).await;
    assert_eq!(raw.status.as_u16(), 200);
    let message = raw.json();
    assert_eq!(message["amazon-bedrock-guardrailAction"], "INTERVENED");
    assert_eq!(
        message["content"][0]["text"],
        "Sorry, the model cannot answer this question."
    );
}

#[tokio::test]
async fn retrieve_and_generate_external_sources_and_guardrails() {
    let emu = emulator().await;
    let body = json!({
        "input": {"text": "summarise"},
        "retrieveAndGenerateConfiguration": {"type": "EXTERNAL_SOURCES", "externalSourcesConfiguration": {
            "modelArn": "anthropic.claude-3-haiku-20240307-v1:0",
            "sources": [{"sourceType": "S3", "s3Location": {"uri": "s3://docs/a.pdf"}}],
            "generationConfiguration": {"guardrailConfiguration": {"guardrailId": "abc", "guardrailVersion": "1"}}
        }}
    });
    let raw = call(&emu, "/retrieveAndGenerate", &body.to_string(), Auth::SigV4).await;
    let out = raw.json();
    assert_eq!(out["output"]["text"], "Emulated answer to: summarise");
    assert_eq!(out["guardrailAction"], "NONE");
    let reference = &out["citations"][0]["retrievedReferences"][0];
    assert_eq!(
        reference["content"]["text"],
        "Emulated passage for s3://docs/a.pdf"
    );
    assert_eq!(
        reference["location"]["s3Location"]["uri"],
        "s3://docs/a.pdf"
    );

    let mut blocked = body.clone();
    blocked["input"]["text"] = "blocked topic".into();
    let out = call(
        &emu,
        "/retrieveAndGenerate",
        &blocked.to_string(),
        Auth::SigV4,
    )
    .await
    .json();
    assert_eq!(out["guardrailAction"], "INTERVENED");
    assert_eq!(out["citations"], json!([]));

    let mut two = body.clone();
    two["retrieveAndGenerateConfiguration"]["externalSourcesConfiguration"]["sources"] = json!([{"sourceType": "S3", "s3Location": {"uri": "s3://d/a"}}, {"sourceType": "S3", "s3Location": {"uri": "s3://d/b"}}]);
    let raw = call(&emu, "/retrieveAndGenerate", &two.to_string(), Auth::SigV4).await;
    assert_eq!(raw.status.as_u16(), 400);
}

#[tokio::test]
async fn list_queries_are_validated() {
    let emu = emulator().await;
    for path in [
        "/async-invoke?statusEquals=Done",
        "/async-invoke?maxResults=0",
        "/async-invoke?nextToken=bogus",
        "/async-invoke?submitTimeAfter=yesterday",
        "/model-invocation-jobs?sortOrder=Sideways",
        "/model-invocation-jobs?statusEquals=Running",
    ] {
        let raw = send(build(&emu, "GET", path, "", Auth::SigV4)).await;
        assert_eq!(raw.status.as_u16(), 400, "{path}");
        assert!(raw
            .header("x-amzn-errortype")
            .unwrap()
            .starts_with("ValidationException"));
    }
    let raw = send(build(
        &emu,
        "GET",
        "/async-invoke?submitTimeAfter=2020-01-01T00%3A00%3A00Z&statusEquals=InProgress",
        "",
        Auth::SigV4,
    ))
    .await;
    assert_eq!(raw.status.as_u16(), 200);
    assert_eq!(raw.json(), json!({"asyncInvokeSummaries": []}));
    let operations: Vec<String> = emu.requests().into_iter().map(|r| r.operation).collect();
    assert_eq!(operations[0], "ListAsyncInvokes");
    assert_eq!(operations[4], "ListModelInvocationJobs");
}

#[tokio::test]
async fn the_s3_store_helpers() {
    let emu = emulator().await;
    assert!(emu.put_s3_object("s3://bucket/in/a.jsonl", "{}\n"));
    assert!(emu.put_s3_object("s3://bucket/in/b.jsonl", "{}\n"));
    assert!(!emu.put_s3_object("s3://bucket", "x"));
    assert_eq!(
        emu.s3_objects("s3://bucket/in/"),
        ["s3://bucket/in/a.jsonl", "s3://bucket/in/b.jsonl"]
    );
    assert_eq!(emu.s3_object("s3://bucket/in/a.jsonl").unwrap(), "{}\n");
    assert!(emu.delete_s3_object("s3://bucket/in/a.jsonl"));
    assert!(emu.s3_object("s3://bucket/in/a.jsonl").is_none());
}
