#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The native Bedrock relay (`llm_format: bedrock`) end to end, with the official AWS SDKs as
//! callers: `endpoint_url` is Quarry's native route, the runtime and control-plane clients
//! authenticate with a consumer key as their Bedrock API key (bearer), the SigV4-only
//! agent-runtime client signs with its own credentials on an open route. Every call must reach
//! the emulator with the SDK's exact body bytes, signed by the gateway's key, and without the
//! client's credentials.

mod common;

use aws_sdk_bedrockruntime::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_bedrockruntime::primitives::Blob;
use aws_sdk_bedrockruntime::types::{
    ContentBlock, ConversationRole, ConverseStreamOutput, Message, PerformanceConfigLatency,
    ResponseStream,
};
use bedrock_emulator::EmulatorConfig;
use bedrock_emulator::{
    AuthOutcome, RecordedRequest, ACCESS_KEY_ID, FAULT_BAD_CRC, FAULT_STREAM_THROTTLE,
    FAULT_THROTTLE,
};
use common::aws::{self, Capture, CLIENT_AKID};
use common::Harness;
use serde_json::{json, Value};

const HAIKU: &str = "anthropic.claude-3-haiku-20240307-v1:0";
const KEY: &str = "bedrock-api-key-alice-7c1e";

fn config() -> String {
    let plugin = |route_type: &str, extra: &str| {
        format!(
            r#"
          - name: ai-proxy
            config:
              route_type: {route_type}
              llm_format: bedrock
              auth:
                aws_access_key_id: {akid}
                aws_secret_access_key: {secret}
              model:
                provider: bedrock
                {extra}options:
                  bedrock:
                    aws_region: us-east-1
              logging:
                log_statistics: true"#,
            akid = bedrock_emulator::ACCESS_KEY_ID,
            secret = bedrock_emulator::SECRET_ACCESS_KEY,
        )
    };
    format!(
        r#"
_format_version: "3.0"
services:
  - name: bedrock
    url: http://bedrock.invalid
    read_timeout: 5000
    routes:
      - name: native
        paths: ["/bedrock"]
        plugins:{native}
          - name: key-auth
      - name: agent
        paths: ["/agent"]
        plugins:{agent}
      - name: pinned
        paths: ["/pinned"]
        strip_path: false
        plugins:{pinned}
consumers:
  - username: alice
    keyauth_credentials: [{{key: {KEY}}}]
"#,
        native = plugin("llm/v1/chat", ""),
        agent = plugin("llm/v1/embeddings", ""),
        pinned = plugin("llm/v1/chat", &format!("name: {HAIKU}\n                ")),
    )
}

async fn harness() -> Harness {
    Harness::start_full(
        &config(),
        EmulatorConfig::default(),
        &[("AWS_ENDPOINT_URL", "{UPSTREAM}")],
    )
    .await
}

fn user(text: &str) -> Message {
    Message::builder()
        .role(ConversationRole::User)
        .content(ContentBlock::Text(text.to_owned()))
        .build()
        .unwrap()
}

/// The gateway signed it, the client's credentials stayed behind.
fn assert_resigned(r: &RecordedRequest) {
    assert_eq!(r.auth, AuthOutcome::SigV4Valid, "{r:?}");
    assert_eq!(r.access_key_id.as_deref(), Some(ACCESS_KEY_ID));
    for (name, value) in &r.headers {
        assert!(
            !value.contains(KEY),
            "the consumer key reached Bedrock in {name}"
        );
        assert!(
            !value.contains(CLIENT_AKID),
            "the client's signature reached Bedrock in {name}"
        );
    }
}

fn only_upstream(h: &Harness) -> RecordedRequest {
    let requests = h.upstream();
    assert_eq!(requests.len(), 1, "{requests:?}");
    requests.into_iter().next().unwrap()
}

fn usage_of(line: &Value) -> (u64, u64, u64) {
    let u = &line["ai"]["proxy"]["usage"];
    (
        u["prompt_tokens"].as_u64().unwrap(),
        u["completion_tokens"].as_u64().unwrap(),
        u["total_tokens"].as_u64().unwrap(),
    )
}

#[tokio::test]
async fn converse_with_a_consumer_key_is_resigned_by_the_gateway() {
    let h = harness().await;
    let capture = Capture::default();
    let client = aws::runtime_client(&format!("{}/bedrock", h.base_url()), KEY, &capture);
    let output = client
        .converse()
        .model_id(HAIKU)
        .messages(user("Hi through Quarry"))
        .send()
        .await
        .unwrap();
    let message = output.output().unwrap().as_message().unwrap();
    assert_eq!(
        message.content()[0].as_text().unwrap(),
        "Hello from the Bedrock emulator. You said: Hi through Quarry"
    );
    let sent = capture.last();
    assert_eq!(sent.authorization, Some(format!("Bearer {KEY}")));

    let upstream = only_upstream(&h);
    assert_eq!(upstream.operation, "Converse");
    assert_eq!(upstream.model_id.as_deref(), Some(HAIKU));
    assert_eq!(
        upstream.raw_path,
        "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse"
    );
    assert_eq!(upstream.body.as_ref(), sent.body.as_slice());
    assert_resigned(&upstream);

    let usage = output.usage().unwrap();
    let lines = h.stats_lines(1).await;
    let line = &lines[0];
    assert_eq!(line["route"], "native");
    assert_eq!(line["status"], 200);
    assert_eq!(line["consumer"], json!({"username": "alice"}));
    let meta = &line["ai"]["proxy"]["meta"];
    assert_eq!(meta["request_mode"], "oneshot");
    assert_eq!(meta["route_type"], "llm/v1/chat");
    assert_eq!(meta["request_model"], HAIKU);
    assert_eq!(
        usage_of(line),
        (
            usage.input_tokens() as u64,
            usage.output_tokens() as u64,
            usage.total_tokens() as u64
        )
    );
    assert!(!lines[0].to_string().contains(KEY));
}

#[tokio::test]
async fn converse_stream_is_relayed_frame_by_frame_and_its_usage_logged() {
    let h = harness().await;
    let capture = Capture::default();
    let client = aws::runtime_client(&format!("{}/bedrock", h.base_url()), KEY, &capture);
    let mut output = client
        .converse_stream()
        .model_id(HAIKU)
        .messages(user("stream it"))
        .send()
        .await
        .unwrap();
    let mut text = String::new();
    let mut usage = None;
    // The SDK checks both CRCs of every frame: a re-encoded or altered frame fails here.
    while let Some(event) = output.stream.recv().await.unwrap() {
        match event {
            ConverseStreamOutput::ContentBlockDelta(d) => {
                text.push_str(d.delta().unwrap().as_text().unwrap());
            }
            ConverseStreamOutput::Metadata(m) => usage = m.usage().cloned(),
            _ => {}
        }
    }
    assert_eq!(text, "Hello from the Bedrock emulator. You said: stream it");
    let usage = usage.expect("a metadata event");

    let upstream = only_upstream(&h);
    assert_eq!(upstream.operation, "ConverseStream");
    assert_eq!(upstream.body.as_ref(), capture.last().body.as_slice());
    assert_resigned(&upstream);

    let lines = h.stats_lines(1).await;
    let line = &lines[0];
    assert_eq!(line["ai"]["proxy"]["meta"]["request_mode"], "stream");
    assert!(line.get("error").is_none(), "{line}");
    assert_eq!(
        usage_of(line),
        (
            usage.input_tokens() as u64,
            usage.output_tokens() as u64,
            usage.total_tokens() as u64
        )
    );
    assert!(line["ai"]["proxy"]["usage"]["time_to_first_token"].is_u64());
}

fn anthropic_body(text: &str) -> Vec<u8> {
    // Odd spacing and key order: a relay that re-serialises would change these bytes.
    format!(
        "{{ \"max_tokens\": 100,  \"anthropic_version\": \"bedrock-2023-05-31\",\n  \"messages\": [{{\"role\": \"user\", \"content\": \"{text}\"}}] }}"
    )
    .into_bytes()
}

#[tokio::test]
async fn invoke_model_forwards_bytes_and_parameter_headers_and_logs_header_usage() {
    let h = harness().await;
    let capture = Capture::default();
    let client = aws::runtime_client(&format!("{}/bedrock", h.base_url()), KEY, &capture);
    let body = anthropic_body("invoke me");
    let output = client
        .invoke_model()
        .model_id(HAIKU)
        .content_type("application/json")
        .accept("application/json")
        .performance_config_latency(PerformanceConfigLatency::Standard)
        .body(Blob::new(body.clone()))
        .send()
        .await
        .unwrap();
    let answer: Value = serde_json::from_slice(output.body().as_ref()).unwrap();
    assert_eq!(
        answer["content"][0]["text"],
        "Hello from the Bedrock emulator. You said: invoke me"
    );
    assert_eq!(output.content_type(), "application/json");

    let upstream = only_upstream(&h);
    assert_eq!(upstream.operation, "InvokeModel");
    assert_eq!(upstream.body.as_ref(), body.as_slice());
    assert_resigned(&upstream);
    assert_eq!(
        upstream.header("x-amzn-bedrock-performanceconfig-latency"),
        Some("standard")
    );
    for signed in [
        "accept",
        "content-type",
        "host",
        "x-amz-date",
        "x-amzn-bedrock-performanceconfig-latency",
    ] {
        assert!(
            upstream.signed_headers.iter().any(|s| s == signed),
            "{signed} not in {:?}",
            upstream.signed_headers
        );
    }

    let lines = h.stats_lines(1).await;
    let input = answer["usage"]["input_tokens"].as_u64().unwrap();
    let output_tokens = answer["usage"]["output_tokens"].as_u64().unwrap();
    assert_eq!(
        usage_of(&lines[0]),
        (input, output_tokens, input + output_tokens)
    );
}

#[tokio::test]
async fn invoke_model_with_response_stream_logs_the_invocation_metrics() {
    let h = harness().await;
    let capture = Capture::default();
    let client = aws::runtime_client(&format!("{}/bedrock", h.base_url()), KEY, &capture);
    let mut output = client
        .invoke_model_with_response_stream()
        .model_id(HAIKU)
        .content_type("application/json")
        .body(Blob::new(anthropic_body("stream the invoke")))
        .send()
        .await
        .unwrap();
    let mut metrics = Value::Null;
    while let Some(event) = output.body.recv().await.unwrap() {
        let ResponseStream::Chunk(part) = event else {
            panic!("unexpected {event:?}")
        };
        let inner: Value = serde_json::from_slice(part.bytes().unwrap().as_ref()).unwrap();
        if let Some(m) = inner.get("amazon-bedrock-invocationMetrics") {
            metrics = m.clone();
        }
    }
    let input = metrics["inputTokenCount"].as_u64().unwrap();
    let out = metrics["outputTokenCount"].as_u64().unwrap();

    let upstream = only_upstream(&h);
    assert_eq!(upstream.operation, "InvokeModelWithResponseStream");
    assert_eq!(upstream.body.as_ref(), capture.last().body.as_slice());
    assert_resigned(&upstream);
    let lines = h.stats_lines(1).await;
    assert_eq!(lines[0]["ai"]["proxy"]["meta"]["request_mode"], "stream");
    assert_eq!(usage_of(&lines[0]), (input, out, input + out));
}

#[tokio::test]
async fn image_generation_is_logged_without_tokens() {
    let h = harness().await;
    let capture = Capture::default();
    let client = aws::runtime_client(&format!("{}/bedrock", h.base_url()), KEY, &capture);
    let body = json!({"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a lighthouse"},
                      "imageGenerationConfig": {"numberOfImages": 1}});
    let output = client
        .invoke_model()
        .model_id("amazon.nova-canvas-v1:0")
        .content_type("application/json")
        .body(Blob::new(serde_json::to_vec(&body).unwrap()))
        .send()
        .await
        .unwrap();
    let answer: Value = serde_json::from_slice(output.body().as_ref()).unwrap();
    assert_eq!(answer["images"].as_array().unwrap().len(), 1);
    let lines = h.stats_lines(1).await;
    assert_eq!(
        lines[0]["ai"]["proxy"]["meta"]["request_model"],
        "amazon.nova-canvas-v1:0"
    );
    assert_eq!(usage_of(&lines[0]), (0, 0, 0));
}

#[tokio::test]
async fn async_invoke_start_get_and_list_through_the_relay() {
    use aws_sdk_bedrockruntime::types::{
        AsyncInvokeOutputDataConfig, AsyncInvokeS3OutputDataConfig, AsyncInvokeStatus,
    };
    let h = harness().await;
    let capture = Capture::default();
    let client = aws::runtime_client(&format!("{}/bedrock", h.base_url()), KEY, &capture);
    let input = json!({"taskType": "TEXT_VIDEO", "textToVideoParams": {"text": "a calm sea"},
        "videoGenerationConfig": {"durationSeconds": 6, "fps": 24, "dimension": "1280x720", "seed": 1}});
    let started = client
        .start_async_invoke()
        .model_id("amazon.nova-reel-v1:1")
        .model_input(aws::doc(input))
        .output_data_config(AsyncInvokeOutputDataConfig::S3OutputDataConfig(
            AsyncInvokeS3OutputDataConfig::builder()
                .s3_uri("s3://videos-bucket/out")
                .build()
                .unwrap(),
        ))
        .client_request_token("native-token-1")
        .send()
        .await
        .unwrap();
    let arn = started.invocation_arn().to_owned();
    assert!(arn.starts_with("arn:aws:bedrock:us-east-1:123456789012:async-invoke/"));
    let got = client
        .get_async_invoke()
        .invocation_arn(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(got.invocation_arn(), arn);
    assert_eq!(got.status(), &AsyncInvokeStatus::InProgress);
    let listed = client
        .list_async_invokes()
        .max_results(5)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.async_invoke_summaries()[0].invocation_arn(), arn);

    let requests = h.upstream();
    let operations: Vec<&str> = requests.iter().map(|r| r.operation.as_str()).collect();
    assert_eq!(
        operations,
        ["StartAsyncInvoke", "GetAsyncInvoke", "ListAsyncInvokes"]
    );
    assert_eq!(requests[0].body.as_ref(), capture.sent()[0].body.as_slice());
    assert_eq!(
        requests[1].raw_path,
        format!(
            "/async-invoke/{}",
            arn.replace(':', "%3A").replace('/', "%2F")
        )
    );
    assert_eq!(requests[2].raw_path, "/async-invoke?maxResults=5");
    requests.iter().for_each(assert_resigned);
    let lines = h.stats_lines(3).await;
    assert_eq!(
        lines[0]["ai"]["proxy"]["meta"]["request_model"],
        "amazon.nova-reel-v1:1"
    );

    // A key given as a query parameter authenticates but never travels upstream.
    let response = reqwest::get(format!(
        "{}/bedrock/async-invoke?apikey={KEY}&maxResults=1",
        h.base_url()
    ))
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    let last = h.upstream().pop().unwrap();
    assert_eq!(last.raw_path, "/async-invoke?maxResults=1");
    assert_resigned(&last);
}

#[tokio::test]
async fn rerank_from_a_sigv4_client_is_resigned_with_the_gateway_credentials() {
    use aws_sdk_bedrockagentruntime::types::{
        BedrockRerankingConfiguration, BedrockRerankingModelConfiguration, RerankDocument,
        RerankDocumentType, RerankQuery, RerankQueryContentType, RerankSource, RerankSourceType,
        RerankTextDocument, RerankingConfiguration, RerankingConfigurationType,
    };
    let h = harness().await;
    let capture = Capture::default();
    let client = aws::agent_client(&format!("{}/agent", h.base_url()), &capture);
    let source = |text: &str| {
        RerankSource::builder()
            .r#type(RerankSourceType::Inline)
            .inline_document_source(
                RerankDocument::builder()
                    .r#type(RerankDocumentType::Text)
                    .text_document(RerankTextDocument::builder().text(text).build())
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap()
    };
    let output = client
        .rerank()
        .queries(
            RerankQuery::builder()
                .r#type(RerankQueryContentType::Text)
                .text_query(RerankTextDocument::builder().text("best pizza in Naples").build())
                .build()
                .unwrap(),
        )
        .sources(source("Sushi from Tokyo"))
        .sources(source("Pizza in Naples is the best"))
        .reranking_configuration(
            RerankingConfiguration::builder()
                .r#type(RerankingConfigurationType::BedrockRerankingModel)
                .bedrock_reranking_configuration(
                    BedrockRerankingConfiguration::builder()
                        .model_configuration(
                            BedrockRerankingModelConfiguration::builder()
                                .model_arn(
                                    "arn:aws:bedrock:us-east-1::foundation-model/amazon.rerank-v1:0",
                                )
                                .build()
                                .unwrap(),
                        )
                        .build(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(output.results()[0].index(), 1);

    let sent = capture.last();
    let client_auth = sent.authorization.unwrap();
    assert!(
        client_auth.starts_with(&format!("AWS4-HMAC-SHA256 Credential={CLIENT_AKID}/")),
        "{client_auth}"
    );
    let upstream = only_upstream(&h);
    assert_eq!(upstream.operation, "Rerank");
    assert_eq!(upstream.raw_path, "/rerank");
    assert_eq!(upstream.body.as_ref(), sent.body.as_slice());
    assert_resigned(&upstream);
    assert_ne!(upstream.header("authorization"), Some(client_auth.as_str()));
    let lines = h.stats_lines(1).await;
    assert_eq!(lines[0]["route"], "agent");
    assert_eq!(
        lines[0]["ai"]["proxy"]["meta"]["route_type"],
        "llm/v1/embeddings"
    );
}

#[tokio::test]
async fn retrieve_and_generate_stream_relays_the_session_header_and_the_stream() {
    use aws_sdk_bedrockagentruntime::types::{
        KnowledgeBaseRetrieveAndGenerateConfiguration, RetrieveAndGenerateConfiguration,
        RetrieveAndGenerateInput, RetrieveAndGenerateType,
    };
    let h = harness().await;
    let capture = Capture::default();
    let client = aws::agent_client(&format!("{}/agent", h.base_url()), &capture);
    let mut output = client
        .retrieve_and_generate_stream()
        .input(
            RetrieveAndGenerateInput::builder()
                .text("Where is the office?")
                .build()
                .unwrap(),
        )
        .retrieve_and_generate_configuration(
            RetrieveAndGenerateConfiguration::builder()
                .r#type(RetrieveAndGenerateType::KnowledgeBase)
                .knowledge_base_configuration(
                    KnowledgeBaseRetrieveAndGenerateConfiguration::builder()
                        .knowledge_base_id("KB12345678")
                        .model_arn(HAIKU)
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    // The SDK reads the session ID from `x-amzn-bedrock-knowledge-base-session-id`.
    assert_eq!(output.session_id().len(), 36);
    let mut text = String::new();
    while let Some(event) = output.stream.recv().await.unwrap() {
        if let Ok(o) = event.as_output() {
            text.push_str(o.text());
        }
    }
    assert_eq!(text, "Emulated answer to: Where is the office?");
    let upstream = only_upstream(&h);
    assert_eq!(upstream.operation, "RetrieveAndGenerateStream");
    assert_eq!(upstream.body.as_ref(), capture.last().body.as_slice());
    assert_resigned(&upstream);
    let lines = h.stats_lines(1).await;
    assert_eq!(lines[0]["ai"]["proxy"]["meta"]["request_mode"], "stream");
    assert!(lines[0].get("error").is_none(), "{}", lines[0]);
}

#[tokio::test]
async fn model_invocation_jobs_through_the_control_plane_client() {
    use aws_sdk_bedrock::types::{
        ModelInvocationJobInputDataConfig, ModelInvocationJobOutputDataConfig,
        ModelInvocationJobS3InputDataConfig, ModelInvocationJobS3OutputDataConfig,
        ModelInvocationJobStatus, S3InputFormat,
    };
    let h = harness().await;
    let capture = Capture::default();
    let client = aws::control_client(&format!("{}/bedrock", h.base_url()), KEY, &capture);
    let created = client
        .create_model_invocation_job()
        .job_name("native-batch-1")
        .role_arn("arn:aws:iam::123456789012:role/BedrockBatch")
        .model_id(HAIKU)
        .input_data_config(ModelInvocationJobInputDataConfig::S3InputDataConfig(
            ModelInvocationJobS3InputDataConfig::builder()
                .s3_uri("s3://batch-in/records.jsonl")
                .s3_input_format(S3InputFormat::Jsonl)
                .build()
                .unwrap(),
        ))
        .output_data_config(ModelInvocationJobOutputDataConfig::S3OutputDataConfig(
            ModelInvocationJobS3OutputDataConfig::builder()
                .s3_uri("s3://batch-out/results/")
                .build()
                .unwrap(),
        ))
        .send()
        .await
        .unwrap();
    let arn = created.job_arn().to_owned();
    assert!(arn.starts_with("arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/"));
    let id = arn.rsplit('/').next().unwrap().to_owned();
    let job = client
        .get_model_invocation_job()
        .job_identifier(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(job.status(), Some(&ModelInvocationJobStatus::Submitted));
    assert_eq!(job.job_arn(), arn);
    let by_arn = client
        .get_model_invocation_job()
        .job_identifier(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(by_arn.job_arn(), arn);

    let requests = h.upstream();
    let operations: Vec<&str> = requests.iter().map(|r| r.operation.as_str()).collect();
    assert_eq!(
        operations,
        [
            "CreateModelInvocationJob",
            "GetModelInvocationJob",
            "GetModelInvocationJob"
        ]
    );
    assert_eq!(requests[0].body.as_ref(), capture.sent()[0].body.as_slice());
    assert_eq!(requests[1].raw_path, format!("/model-invocation-job/{id}"));
    assert_eq!(
        requests[2].raw_path,
        format!(
            "/model-invocation-job/{}",
            arn.replace(':', "%3A").replace('/', "%2F")
        )
    );
    assert!(capture
        .sent()
        .iter()
        .all(|s| s.authorization.as_deref() == Some(&format!("Bearer {KEY}"))));
    requests.iter().for_each(assert_resigned);
}

#[tokio::test]
async fn bedrock_throttling_reaches_the_sdk_as_its_throttling_exception() {
    let h = harness().await;
    let capture = Capture::default();
    let client = aws::runtime_client(&format!("{}/bedrock", h.base_url()), KEY, &capture);
    let error = client
        .converse()
        .model_id(FAULT_THROTTLE)
        .messages(user("hi"))
        .send()
        .await
        .unwrap_err();
    let raw_status = match &error {
        SdkError::ServiceError(e) => e.raw().status().as_u16(),
        other => panic!("expected a service error, got {other:?}"),
    };
    assert_eq!(raw_status, 429);
    let service = error.into_service_error();
    assert!(service.is_throttling_exception(), "{service:?}");
    assert!(service.message().unwrap().contains("Too many requests"));
    let lines = h.stats_lines(1).await;
    assert_eq!(lines[0]["status"], 429);
    assert_eq!(lines[0]["error"], "upstream_error");
}

#[tokio::test]
async fn stream_exceptions_and_corrupt_frames_pass_through_untouched() {
    let h = harness().await;
    let capture = Capture::default();
    let client = aws::runtime_client(&format!("{}/bedrock", h.base_url()), KEY, &capture);
    let mut output = client
        .converse_stream()
        .model_id(FAULT_STREAM_THROTTLE)
        .messages(user("hi"))
        .send()
        .await
        .unwrap();
    let error = loop {
        match output.stream.recv().await {
            Ok(Some(_)) => {}
            Ok(None) => panic!("the stream ended without its exception"),
            Err(e) => break e,
        }
    };
    assert!(error.into_service_error().is_throttling_exception());

    let mut output = client
        .converse_stream()
        .model_id(FAULT_BAD_CRC)
        .messages(user("hi"))
        .send()
        .await
        .unwrap();
    let mut events = 0;
    let end = loop {
        match output.stream.recv().await {
            Ok(Some(_)) => events += 1,
            Ok(None) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    assert_eq!(events, 1, "only messageStart decodes");
    assert!(matches!(end, Err(SdkError::ResponseError(_))), "{end:?}");

    let lines = h.stats_lines(2).await;
    assert_eq!(lines[0]["error"], "upstream_stream_error");
    assert_eq!(lines[1]["error"], "upstream_stream_corrupt");
}

#[tokio::test]
async fn a_relayed_stream_that_goes_silent_ends_with_a_modelled_exception() {
    let config = config().replace("read_timeout: 5000", "read_timeout: 300");
    let h = Harness::start_full(
        &config,
        EmulatorConfig::default(),
        &[("AWS_ENDPOINT_URL", "{UPSTREAM}")],
    )
    .await;
    let capture = Capture::default();
    let client = aws::runtime_client(&format!("{}/bedrock", h.base_url()), KEY, &capture);
    let mut output = client
        .converse_stream()
        .model_id("quarry.fault-slow-20000")
        .messages(user("hi"))
        .send()
        .await
        .unwrap();
    let error = loop {
        match output.stream.recv().await {
            Ok(Some(_)) => {}
            Ok(None) => panic!("the stream ended cleanly"),
            Err(e) => break e.into_service_error(),
        }
    };
    // Quarry appended one well-formed exception frame: the SDK raises it, no CRC error.
    assert!(error.is_internal_server_exception(), "{error:?}");
    assert!(error.message().unwrap().contains("300 ms"), "{error:?}");
    let lines = h.stats_lines(1).await;
    assert_eq!(lines[0]["error"], "upstream_timeout");
}

/// Sends one raw HTTP/1.1 request (no client-side path normalisation) and returns the status,
/// the `x-amzn-errortype` header and the body.
async fn raw(h: &Harness, method: &str, path: &str) -> (u16, Option<String>, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(h.gateway.addr())
        .await
        .unwrap();
    let body = r#"{"messages":[{"role":"user","content":[{"text":"hi"}]}]}"#;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nhost: quarry\r\nauthorization: Bearer {KEY}\r\n\
         content-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let response = String::from_utf8(response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head[9..12].parse().unwrap();
    let error_type = head.lines().find_map(|l| {
        l.to_ascii_lowercase()
            .strip_prefix("x-amzn-errortype: ")
            .map(str::to_owned)
    });
    (status, error_type, body.to_owned())
}

#[tokio::test]
async fn paths_that_would_escape_the_model_segment_are_refused_before_bedrock() {
    let h = harness().await;
    for path in [
        "/bedrock/model/..%2F..%2Fx/converse",
        "/bedrock/model/a%2Fb/converse",
        "/bedrock/model/%00/converse",
        "/bedrock/model/a/b/converse",
        "/bedrock/model/../converse",
        "/bedrock/model/%2e%2e/converse",
        "/bedrock/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse/extra",
        "/bedrock/model/arn%3Aaws%3Abedrock%3Aevil.example%3A1%3Ax%2Fy/converse",
    ] {
        let (status, error_type, body) = raw(&h, "POST", path).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert_eq!(error_type.as_deref(), Some("validationexception"), "{path}");
        let json: Value = serde_json::from_str(&body).unwrap();
        assert!(json["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let (status, error_type, _) = raw(&h, "POST", "/bedrock/v1/chat/completions").await;
    assert_eq!(status, 404);
    assert_eq!(error_type.as_deref(), Some("unknownoperationexception"));
    let (status, error_type, _) = raw(&h, "GET", "/bedrock/model/m.x/converse").await;
    assert_eq!(status, 405);
    assert_eq!(error_type.as_deref(), Some("validationexception"));
    assert!(h.upstream().is_empty(), "{:?}", h.upstream());
}

#[tokio::test]
async fn a_pinned_model_refuses_others_and_strip_path_false_works_the_same() {
    let h = harness().await;
    let (status, error_type, body) =
        raw(&h, "POST", "/pinned/model/amazon.nova-lite-v1%3A0/converse").await;
    assert_eq!(status, 400);
    assert_eq!(error_type.as_deref(), Some("validationexception"));
    let json: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        json["message"],
        format!("cannot use own model - must be: {HAIKU}")
    );
    assert!(h.upstream().is_empty());

    let (status, _, body) = raw(
        &h,
        "POST",
        "/pinned/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let upstream = only_upstream(&h);
    assert_eq!(upstream.operation, "Converse");
    assert_eq!(
        upstream.body.as_ref(),
        br#"{"messages":[{"role":"user","content":[{"text":"hi"}]}]}"#
    );
}

#[tokio::test]
async fn relayed_stream_bytes_are_exactly_the_bytes_bedrock_sent() {
    let h = harness().await;
    let body = r#"{"messages":[{"role":"user","content":[{"text":"relay me untouched"}]}]}"#;
    let response = reqwest::Client::new()
        .post(format!(
            "{}/bedrock/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream",
            h.base_url()
        ))
        .header("authorization", format!("Bearer {KEY}"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/vnd.amazon.eventstream"
    );
    let received = response.bytes().await.unwrap();
    let sent = h.emulator.last_stream_bytes();
    assert!(!sent.is_empty());
    assert_eq!(
        received, sent,
        "not one byte of the event stream was re-encoded"
    );
}
