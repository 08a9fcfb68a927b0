//! The official AWS SDK clients pointed at Quarry (`endpoint_url` = a native route), and an
//! interceptor that keeps what each client put on the wire (body bytes, `Authorization`).

use std::sync::{Arc, Mutex};

use aws_sdk_bedrockruntime::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_bedrockruntime::config::{ConfigBag, Intercept, RuntimeComponents};

/// Static credentials a SigV4-only client signs with; never the gateway's.
pub const CLIENT_AKID: &str = "AKIACLIENTSIDEONLY00";
pub const CLIENT_SECRET: &str = "client/side/secret/that/quarry/never/uses0";

/// One request as the SDK sent it.
#[derive(Debug, Clone)]
pub struct Sent {
    pub body: Vec<u8>,
    pub authorization: Option<String>,
}

/// Records every request a client transmits.
#[derive(Debug, Clone, Default)]
pub struct Capture(Arc<Mutex<Vec<Sent>>>);

impl Capture {
    pub fn sent(&self) -> Vec<Sent> {
        self.0.lock().unwrap().clone()
    }

    pub fn last(&self) -> Sent {
        self.sent().pop().expect("the SDK sent a request")
    }
}

impl Intercept for Capture {
    fn name(&self) -> &'static str {
        "quarry-test-capture"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let request = context.request();
        self.0.lock().unwrap().push(Sent {
            body: request.body().bytes().unwrap_or_default().to_vec(),
            authorization: request.headers().get("authorization").map(str::to_owned),
        });
        Ok(())
    }
}

/// bedrock-runtime with a Bedrock API key (bearer auth, as with `AWS_BEARER_TOKEN_BEDROCK`).
pub fn runtime_client(
    endpoint: &str,
    key: &str,
    capture: &Capture,
) -> aws_sdk_bedrockruntime::Client {
    use aws_sdk_bedrockruntime::config::{retry::RetryConfig, BehaviorVersion, Region, Token};
    let config = aws_sdk_bedrockruntime::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .bearer_token(Token::new(key, None))
        .interceptor(capture.clone())
        .retry_config(RetryConfig::disabled())
        .build();
    aws_sdk_bedrockruntime::Client::from_conf(config)
}

/// bedrock-agent-runtime, which is SigV4 only: signed with the client's own credentials,
/// which Quarry drops and replaces with its own signature.
pub fn agent_client(endpoint: &str, capture: &Capture) -> aws_sdk_bedrockagentruntime::Client {
    use aws_sdk_bedrockagentruntime::config::{
        retry::RetryConfig, BehaviorVersion, Credentials, Region,
    };
    let config = aws_sdk_bedrockagentruntime::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new(
            CLIENT_AKID,
            CLIENT_SECRET,
            None,
            None,
            "test",
        ))
        .interceptor(capture.clone())
        .retry_config(RetryConfig::disabled())
        .build();
    aws_sdk_bedrockagentruntime::Client::from_conf(config)
}

/// The control plane (`bedrock`) with a Bedrock API key.
pub fn control_client(endpoint: &str, key: &str, capture: &Capture) -> aws_sdk_bedrock::Client {
    use aws_sdk_bedrock::config::{retry::RetryConfig, BehaviorVersion, Region, Token};
    let config = aws_sdk_bedrock::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .bearer_token(Token::new(key, None))
        .interceptor(capture.clone())
        .retry_config(RetryConfig::disabled())
        .build();
    aws_sdk_bedrock::Client::from_conf(config)
}

/// A JSON value as a Smithy document (the SDKs' type for free-form JSON members).
pub fn doc(value: serde_json::Value) -> aws_smithy_types::Document {
    use aws_smithy_types::{Document, Number};
    match value {
        serde_json::Value::Null => Document::Null,
        serde_json::Value::Bool(b) => Document::Bool(b),
        serde_json::Value::Number(n) => Document::Number(if let Some(u) = n.as_u64() {
            Number::PosInt(u)
        } else if let Some(i) = n.as_i64() {
            Number::NegInt(i)
        } else {
            Number::Float(n.as_f64().unwrap())
        }),
        serde_json::Value::String(s) => Document::String(s),
        serde_json::Value::Array(a) => Document::Array(a.into_iter().map(doc).collect()),
        serde_json::Value::Object(o) => {
            Document::Object(o.into_iter().map(|(k, v)| (k, doc(v))).collect())
        }
    }
}
