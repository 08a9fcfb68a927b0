#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The binary as a newcomer uses it: `quarry check`, and `quarry serve --emulator` answering an
//! OpenAI-style request, logging nothing secret, and shutting down gracefully on SIGTERM.

use std::io::Read;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn quarry() -> Command {
    Command::new(env!("CARGO_BIN_EXE_quarry"))
}

fn repo_file(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn check_reports_every_error_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.yaml");
    std::fs::write(
        &file,
        r#"_format_version: "3.0"
services:
  - name: s
    routes:
      - name: r
        paths: ["/v1/chat/completions"]
        plugins:
          - name: ai-proxy
            config:
              route_type: llm/v1/chat
              model:
                provider: bedrock
                nmae: typo
                options:
                  temperature: hot
              response_streaming: sometimes
"#,
    )
    .unwrap();
    let out = quarry()
        .args(["check", "--config"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("3 error(s)"), "{stdout}");
    assert!(
        stdout.contains("services[0].routes[0].plugins[0].config.model.nmae"),
        "{stdout}"
    );
    assert!(
        stdout.contains("services[0].routes[0].plugins[0].config.model.options.temperature"),
        "{stdout}"
    );
    assert!(
        stdout.contains("services[0].routes[0].plugins[0].config.response_streaming"),
        "{stdout}"
    );
}

#[test]
fn check_summarises_a_valid_file_without_secrets() {
    let out = quarry()
        .args(["check", "--config"])
        .arg(repo_file("examples/quickstart.yaml"))
        .env("AWS_ACCESS_KEY_ID", "AKIAEXAMPLESECRETID1")
        .env("AWS_SECRET_ACCESS_KEY", "very/secret/value/do/not/print")
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("OK, 2 route(s)"), "{stdout}");
    assert!(stdout.contains("route chat: llm/v1/chat"), "{stdout}");
    assert!(
        stdout.contains("credentials=environment (AWS_ACCESS_KEY_ID)"),
        "{stdout}"
    );
    assert!(!stdout.contains("very/secret") && !stdout.contains("AKIAEXAMPLESECRETID1"));
}

struct Server {
    child: Child,
    port: u16,
    /// Drained continuously so a chatty child never blocks on a full pipe.
    stdout: std::thread::JoinHandle<String>,
    stderr: std::thread::JoinHandle<String>,
}

fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut out = String::new();
        let _ = pipe.read_to_string(&mut out);
        out
    })
}

impl Server {
    fn start(config: &std::path::Path, extra_env: &[(&str, &str)]) -> Server {
        let port = free_port();
        let mut cmd = quarry();
        cmd.args([
            "serve",
            "--emulator",
            "--workers",
            "2",
            "--drain-timeout",
            "10",
            "--listen",
        ])
        .arg(format!("127.0.0.1:{port}"))
        .arg("--config")
        .arg(config)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("RUST_LOG", "trace")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let stdout = drain(child.stdout.take().unwrap());
        let stderr = drain(child.stderr.take().unwrap());
        Server {
            child,
            port,
            stdout,
            stderr,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    async fn wait_ready(&self) {
        for _ in 0..300 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("quarry did not start listening");
    }

    /// SIGTERM, then the exit status and everything it printed.
    fn stop(mut self) -> (bool, String, String) {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        let status = self.child.wait().unwrap();
        (
            status.success(),
            self.stdout.join().unwrap(),
            self.stderr.join().unwrap(),
        )
    }
}

const CHAT: &str = r#"{"model":"us.anthropic.claude-sonnet-4-5-20250929-v1:0","messages":[{"role":"user","content":"Hello!"}]}"#;

#[tokio::test]
async fn serve_with_the_emulator_answers_the_quickstart_and_logs_statistics() {
    let server = Server::start(&repo_file("examples/quickstart.yaml"), &[]);
    server.wait_ready().await;
    let client = reqwest::Client::new();
    let response = client
        .post(server.url("/v1/chat/completions"))
        .header("content-type", "application/json")
        .body(CHAT)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        body["choices"][0]["message"]["content"],
        "Hello from the Bedrock emulator. You said: Hello!"
    );
    let (ok, stdout, stderr) = server.stop();
    assert!(ok, "graceful exit: {stderr}");
    assert!(
        stderr.contains("ANSWERS ARE SIMULATED"),
        "the emulator is announced loudly"
    );
    let stats: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(stats["ai"]["proxy"]["usage"]["completion_tokens"], 8);
}

#[tokio::test]
async fn secrets_never_reach_any_output_even_at_trace_level() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("secret.yaml");
    std::fs::write(
        &file,
        r#"_format_version: "3.0"
services:
  - name: s
    routes:
      - name: chat
        paths: ["/v1/chat/completions"]
        plugins:
          - name: ai-proxy
            config:
              route_type: llm/v1/chat
              auth:
                aws_access_key_id: "{vault://env/QUARRY_TEST_KEY_ID}"
                aws_secret_access_key: "{vault://env/QUARRY_TEST_SECRET}"
              model:
                provider: bedrock
                options:
                  bedrock: {aws_region: eu-west-1}
              logging: {log_statistics: true, log_payloads: true}
"#,
    )
    .unwrap();
    let secret = "Zq9/TopSecretValue/ThatMustNeverBeLogged0";
    let key_id = "AKIAQUARRYTESTSECRET";
    let server = Server::start(
        &file,
        &[
            ("QUARRY_TEST_KEY_ID", key_id),
            ("QUARRY_TEST_SECRET", secret),
        ],
    );
    server.wait_ready().await;
    let client = reqwest::Client::new();
    for body in [
        CHAT,
        r#"{"model":"quarry.fault-throttle","messages":[{"role":"user","content":"x"}]}"#,
    ] {
        let response = client
            .post(server.url("/v1/chat/completions"))
            .header("authorization", "Bearer sk-client-secret-123")
            .body(body)
            .send()
            .await
            .unwrap();
        let text = response.text().await.unwrap();
        assert!(!text.contains(secret));
    }
    let (_, stdout, stderr) = server.stop();
    for (name, output) in [("stdout", &stdout), ("stderr", &stderr)] {
        assert!(!output.contains(secret), "{name} leaked the secret key");
        assert!(
            !output.contains("sk-client-secret-123"),
            "{name} leaked the client's key"
        );
        assert!(!output.contains("Signature="), "{name} leaked a signature");
    }
    assert!(
        stdout.contains("\"payload\""),
        "payload logging was on: {stdout}"
    );
}

#[tokio::test]
async fn sigterm_lets_an_in_flight_stream_finish() {
    let server = Server::start(&repo_file("examples/quickstart.yaml"), &[]);
    server.wait_ready().await;
    let client = reqwest::Client::new();
    let response = client
        .post(server.url("/v1/chat/completions"))
        .body(r#"{"model":"quarry.fault-slow-3000","stream":true,"messages":[{"role":"user","content":"slow"}]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let pid = server.child.id();
    Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    // While the stream drains, new connections are refused.
    let mut refused = false;
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", server.port))
            .await
            .is_err()
        {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(refused, "the listener closed on SIGTERM");
    let body = response.text().await.unwrap();
    assert!(
        body.ends_with("data: [DONE]\n\n"),
        "the stream completed: {body}"
    );
    let (ok, _, stderr) = server.stop();
    assert!(ok, "{stderr}");
    assert!(stderr.contains("shutting down"), "{stderr}");
}
