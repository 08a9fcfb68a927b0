//! The emulator on the wire, through a plain HTTP client: error shape and headers, auth modes,
//! recording switches, HTTP/2, and shutdown.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use bedrock_emulator::{
    AuthOutcome, Emulator, EmulatorConfig, ACCESS_KEY_ID, FAULT_EMPTY_ERROR, FAULT_GARBAGE,
    SECRET_ACCESS_KEY,
};
use bytes::Bytes;
use http::{HeaderMap, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};

use crate::common::emulator;

pub const HI: &str = r#"{"messages":[{"role":"user","content":[{"text":"hi"}]}]}"#;
const CORAL: &str = ":http://internal.amazon.com/coral/com.amazon.bedrock/";

pub struct Raw {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Raw {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

pub enum Auth<'a> {
    None,
    SigV4,
    Bearer(&'a str),
}

pub fn signed(mut request: Request<Full<Bytes>>, body: &[u8]) -> Request<Full<Bytes>> {
    let identity: Identity =
        Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY, None, None, "t").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("bedrock")
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let uri = request.uri().to_string();
    let signable = SignableRequest::new(
        request.method().as_str(),
        uri,
        request
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str(), v.to_str().unwrap())),
        SignableBody::Bytes(body),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    instructions.apply_to_request_http1x(&mut request);
    request
}

pub fn build(
    emu: &Emulator,
    method: &str,
    path: &str,
    body: &str,
    auth: Auth<'_>,
) -> Request<Full<Bytes>> {
    let mut request = Request::builder()
        .method(method)
        .uri(format!("{}{path}", emu.url()))
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_owned())))
        .unwrap();
    match auth {
        Auth::None => request,
        Auth::SigV4 => signed(request, body.as_bytes()),
        Auth::Bearer(token) => {
            request
                .headers_mut()
                .insert("authorization", format!("Bearer {token}").parse().unwrap());
            request
        }
    }
}

pub async fn send(request: Request<Full<Bytes>>) -> Raw {
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let response = client.request(request).await.unwrap();
    let (parts, body) = response.into_parts();
    Raw {
        status: parts.status,
        headers: parts.headers,
        body: body.collect().await.unwrap().to_bytes(),
    }
}

pub async fn call(emu: &Emulator, path: &str, body: &str, auth: Auth<'_>) -> Raw {
    send(build(emu, "POST", path, body, auth)).await
}

fn assert_error(raw: &Raw, status: u16, code: &str) {
    assert_eq!(raw.status.as_u16(), status);
    assert_eq!(raw.header("content-type"), Some("application/json"));
    assert_eq!(
        raw.header("x-amzn-errortype"),
        Some(format!("{code}{CORAL}").as_str())
    );
    let request_id = raw.header("x-amzn-requestid").unwrap();
    assert_eq!(request_id.len(), 36);
}

#[tokio::test]
async fn unknown_paths_are_unknown_operations() {
    let emu = emulator().await;
    let raw = call(&emu, "/model/anthropic.claude-v2/chat", HI, Auth::SigV4).await;
    assert_error(&raw, 404, "UnknownOperationException");
    assert!(raw.json()["message"].is_string());
    assert_eq!(emu.requests()[0].operation, "Unknown");
    assert_eq!(emu.requests()[0].auth, AuthOutcome::SigV4Valid);
}

#[tokio::test]
async fn missing_authentication_is_refused() {
    let emu = emulator().await;
    let raw = call(&emu, "/model/anthropic.claude-v2/converse", HI, Auth::None).await;
    assert_error(&raw, 403, "MissingAuthenticationTokenException");
    assert_eq!(
        raw.json(),
        json!({"message": "Missing Authentication Token"})
    );
    assert_eq!(
        emu.requests()[0].auth,
        AuthOutcome::Rejected("MissingAuthenticationTokenException".into())
    );
}

#[tokio::test]
async fn a_successful_converse_has_the_bedrock_shape() {
    let emu = emulator().await;
    let raw = call(
        &emu,
        "/model/amazon.nova-lite-v1%3A0/converse",
        HI,
        Auth::SigV4,
    )
    .await;
    assert_eq!(raw.status, StatusCode::OK);
    assert_eq!(raw.header("content-type"), Some("application/json"));
    assert!(raw.header("x-amzn-requestid").is_some());
    let body = raw.json();
    assert_eq!(
        body["output"],
        json!({"message": {"role": "assistant", "content": [{"text": "Hello from the Bedrock emulator. You said: hi"}]}})
    );
    assert_eq!(body["stopReason"], "end_turn");
    assert_eq!(
        body["usage"],
        json!({"inputTokens": 1, "outputTokens": 8, "totalTokens": 9})
    );
    assert!(body["metrics"]["latencyMs"].is_u64());
}

#[tokio::test]
async fn malformed_json_is_a_validation_exception() {
    let emu = emulator().await;
    let raw = call(
        &emu,
        "/model/amazon.nova-lite-v1%3A0/converse",
        "{not json",
        Auth::SigV4,
    )
    .await;
    assert_error(&raw, 400, "ValidationException");
    assert!(raw.json()["message"]
        .as_str()
        .unwrap()
        .starts_with("Malformed input request: "));
}

#[tokio::test]
async fn bearer_tokens_are_accepted_only_when_configured() {
    let emu = Emulator::start(EmulatorConfig {
        bearer_tokens: vec!["ABSKtest-token".into()],
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let path = "/model/amazon.nova-lite-v1%3A0/converse";
    let raw = call(&emu, path, HI, Auth::Bearer("ABSKtest-token")).await;
    assert_eq!(raw.status, StatusCode::OK);
    let raw = call(&emu, path, HI, Auth::Bearer("ABSKwrong")).await;
    assert_error(&raw, 403, "UnrecognizedClientException");
    let auths: Vec<AuthOutcome> = emu.requests().into_iter().map(|r| r.auth).collect();
    assert_eq!(
        auths,
        [
            AuthOutcome::Bearer,
            AuthOutcome::Rejected("UnrecognizedClientException".into())
        ]
    );
}

#[tokio::test]
async fn without_verification_anyone_gets_in() {
    let emu = Emulator::start(EmulatorConfig {
        verify_signatures: false,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let raw = call(
        &emu,
        "/model/amazon.nova-lite-v1%3A0/converse",
        HI,
        Auth::None,
    )
    .await;
    assert_eq!(raw.status, StatusCode::OK);
    assert_eq!(emu.requests()[0].auth, AuthOutcome::NotChecked);
}

#[tokio::test]
async fn recording_can_be_switched_off() {
    let emu = Emulator::start(EmulatorConfig {
        record_requests: false,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let raw = call(
        &emu,
        "/model/amazon.nova-lite-v1%3A0/converse",
        HI,
        Auth::SigV4,
    )
    .await;
    assert_eq!(raw.status, StatusCode::OK);
    assert!(emu.requests().is_empty());
}

#[tokio::test]
async fn recorded_requests_keep_the_raw_path_and_header_order() {
    let emu = emulator().await;
    let path = "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aapplication-inference-profile%2Fabc123/converse?trace=1%2F2";
    let mut request = build(&emu, "POST", path, HI, Auth::None);
    request
        .headers_mut()
        .insert("X-Custom-Header", "Value".parse().unwrap());
    let request = signed(request, HI.as_bytes());
    let raw = send(request).await;
    assert_eq!(raw.status, StatusCode::OK);
    let recorded = &emu.requests()[0];
    assert_eq!(recorded.raw_path, path);
    assert_eq!(
        recorded.model_id.as_deref(),
        Some("arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123")
    );
    assert_eq!(recorded.auth, AuthOutcome::SigV4Valid);
    let names: Vec<&str> = recorded.headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(&names[..2], ["content-type", "x-custom-header"]);
    assert_eq!(recorded.header("x-custom-header"), Some("Value"));
    assert!(recorded
        .signed_headers
        .iter()
        .any(|h| h == "x-custom-header"));
}

#[tokio::test]
async fn empty_error_and_garbage_faults_on_the_wire() {
    let emu = emulator().await;
    let raw = call(
        &emu,
        &format!("/model/{FAULT_EMPTY_ERROR}/converse"),
        HI,
        Auth::SigV4,
    )
    .await;
    assert_error(&raw, 500, "InternalServerException");
    assert!(raw.body.is_empty());

    let raw = call(
        &emu,
        &format!("/model/{FAULT_GARBAGE}/converse"),
        HI,
        Auth::SigV4,
    )
    .await;
    assert_eq!(raw.status, StatusCode::OK);
    assert_eq!(raw.header("content-type"), Some("application/json"));
    assert_eq!(&raw.body[..], b"this is not json");
}

#[tokio::test]
async fn http2_requests_sign_with_the_authority() {
    let emu = emulator().await;
    let client = Client::builder(TokioExecutor::new())
        .http2_only(true)
        .build_http::<Full<Bytes>>();
    let request = build(
        &emu,
        "POST",
        "/model/amazon.nova-lite-v1%3A0/converse",
        HI,
        Auth::SigV4,
    );
    let response = client.request(request).await.unwrap();
    assert_eq!(response.version(), http::Version::HTTP_2);
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(emu.requests()[0].auth, AuthOutcome::SigV4Valid);
}

#[tokio::test]
async fn shutdown_closes_the_listener() {
    let emu = emulator().await;
    let addr = emu.addr();
    assert_eq!(emu.url(), format!("http://127.0.0.1:{}", addr.port()));
    let raw = call(
        &emu,
        "/model/amazon.nova-lite-v1%3A0/converse",
        HI,
        Auth::SigV4,
    )
    .await;
    assert_eq!(raw.status, StatusCode::OK);
    emu.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn run_serves_until_its_shutdown_future_completes() {
    let result = tokio::time::timeout(
        Duration::from_secs(30),
        bedrock_emulator::run(
            EmulatorConfig::default(),
            tokio::time::sleep(Duration::from_millis(10)),
        ),
    )
    .await
    .unwrap();
    assert!(result.is_ok());
}
