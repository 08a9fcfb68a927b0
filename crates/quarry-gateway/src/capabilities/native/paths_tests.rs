#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use super::*;

fn post(path: &str) -> Result<NativeCall, PathError> {
    parse(&Method::POST, path, None)
}

fn get(path: &str, query: Option<&str>) -> Result<NativeCall, PathError> {
    parse(&Method::GET, path, query)
}

#[test]
fn model_operations_decode_once_and_re_encode_once() {
    let c = post("/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse").unwrap();
    assert_eq!(c.operation, Operation::Converse);
    assert_eq!(
        c.model.as_deref(),
        Some("anthropic.claude-3-haiku-20240307-v1:0")
    );
    assert_eq!(
        c.path_and_query,
        "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse"
    );
    assert_eq!(c.arn_region, None);
    // A raw ':' (some HTTP clients do not encode it) is the same model, encoded upstream.
    let c = post("/model/anthropic.claude-3-haiku-20240307-v1:0/invoke").unwrap();
    assert_eq!(c.operation, Operation::InvokeModel);
    assert_eq!(
        c.path_and_query,
        "/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke"
    );
    for (op, expected) in [
        ("converse-stream", Operation::ConverseStream),
        (
            "invoke-with-response-stream",
            Operation::InvokeModelWithResponseStream,
        ),
        ("count-tokens", Operation::CountTokens),
    ] {
        let c = post(&format!("/model/m.x/{op}")).unwrap();
        assert_eq!(c.operation, expected);
        assert_eq!(c.operation.service(), Service::Runtime);
    }
}

#[test]
fn an_arn_model_keeps_its_slash_encoded_and_gives_its_region() {
    let c = post("/model/arn%3Aaws%3Abedrock%3Aus-west-2%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream").unwrap();
    assert_eq!(
        c.model.as_deref(),
        Some("arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0")
    );
    assert_eq!(c.arn_region.as_deref(), Some("us-west-2"));
    assert_eq!(
        c.path_and_query,
        "/model/arn%3Aaws%3Abedrock%3Aus-west-2%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream"
    );
}

fn invalid(result: Result<NativeCall, PathError>) -> String {
    match result {
        Err(PathError::Invalid(m)) => m,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[test]
fn labels_that_could_leave_their_segment_are_refused() {
    for path in [
        "/model/..%2F..%2Fx/converse",
        "/model/a%2Fb/converse",
        "/model/%00/converse",
        "/model/a%0Ab/converse",
        "/model/../converse",
        "/model/./converse",
        "/model/%2E%2E/converse",
        "/model/%2e/converse",
        "/model/a%zz/converse",
        "/model/a%2/converse",
        "/model/%FF%FE/converse",
        "/model/a/b/converse",
        "/model/m.x/converse/extra",
        "/model/m.x/converse/",
        "/model//converse",
        "/model/m.x",
        "/model",
        // An ARN of another service, a crafted region, dot segments inside an ARN.
        "/model/arn%3Aaws%3As3%3Aus-east-1%3A1%3Ax%2Fy/converse",
        "/model/arn%3Aaws%3Abedrock%3Aevil.example.com%23%3A1%3Ainference-profile%2Fx/converse",
        "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2F..%2F..%2Fx/converse",
        "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2F%2Fx/converse",
        "/rerank/extra",
        "/async-invoke/a/b",
        "/model-invocation-job/abc/stop/now",
    ] {
        let method = if path.starts_with("/async-invoke") {
            Method::GET
        } else {
            Method::POST
        };
        let m = invalid(parse(&method, path, None));
        assert!(!m.is_empty(), "{path}");
    }
}

#[test]
fn unknown_operations_and_methods_are_told_apart() {
    assert!(matches!(
        post("/model/m.x/chat"),
        Err(PathError::Unknown(_))
    ));
    assert!(matches!(
        post("/v1/chat/completions"),
        Err(PathError::Unknown(_))
    ));
    assert!(matches!(post("/"), Err(PathError::Unknown(_))));
    assert!(matches!(post(""), Err(PathError::Unknown(_))));
    assert!(matches!(
        post("/model/m.x/invoke-with-bidirectional-stream"),
        Err(PathError::Unsupported(_))
    ));
    assert_eq!(
        get("/model/m.x/converse", None),
        Err(PathError::Method {
            allowed: Method::POST,
            path: "/model/m.x/converse".into()
        })
    );
    assert!(matches!(
        post("/model-invocation-jobs"),
        Err(PathError::Method { .. })
    ));
    assert!(matches!(
        parse(&Method::DELETE, "/async-invoke", None),
        Err(PathError::Method { .. })
    ));
}

#[test]
fn async_invoke_paths_and_the_list_query() {
    let c = post("/async-invoke").unwrap();
    assert_eq!(c.operation, Operation::StartAsyncInvoke);
    assert_eq!(c.path_and_query, "/async-invoke");
    assert_eq!(c.model, None);

    let arn = "arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aasync-invoke%2Fabcdefghijkl";
    let c = get(&format!("/async-invoke/{arn}"), Some("apikey=secret")).unwrap();
    assert_eq!(c.operation, Operation::GetAsyncInvoke);
    assert_eq!(c.path_and_query, format!("/async-invoke/{arn}"));
    assert_eq!(c.arn_region.as_deref(), Some("us-east-1"));
    assert_eq!(c.model, None);

    // Only the operation's parameters go upstream, strictly encoded; a key-auth key stays.
    let c = get(
        "/async-invoke",
        Some("statusEquals=Completed&apikey=secret&maxResults=5&submitTimeAfter=2025-01-01T00:00:00Z&nextToken=a%2Bb+c"),
    )
    .unwrap();
    assert_eq!(c.operation, Operation::ListAsyncInvokes);
    assert_eq!(
        c.path_and_query,
        "/async-invoke?statusEquals=Completed&maxResults=5&submitTimeAfter=2025-01-01T00%3A00%3A00Z&nextToken=a%2Bb%2Bc"
    );
    let c = get("/async-invoke", Some("apikey=secret")).unwrap();
    assert_eq!(c.path_and_query, "/async-invoke");
}

#[test]
fn agent_runtime_and_control_plane_paths() {
    for (path, op, service) in [
        ("/rerank", Operation::Rerank, Service::AgentRuntime),
        (
            "/retrieveAndGenerate",
            Operation::RetrieveAndGenerate,
            Service::AgentRuntime,
        ),
        (
            "/retrieveAndGenerateStream",
            Operation::RetrieveAndGenerateStream,
            Service::AgentRuntime,
        ),
        (
            "/model-invocation-job",
            Operation::CreateModelInvocationJob,
            Service::ControlPlane,
        ),
        (
            "/model-invocation-job/abc123def456/stop",
            Operation::StopModelInvocationJob,
            Service::ControlPlane,
        ),
    ] {
        let c = post(path).unwrap();
        assert_eq!(
            (c.operation, c.operation.service()),
            (op, service),
            "{path}"
        );
        assert_eq!(c.path_and_query, path);
    }
    let c = get("/model-invocation-job/abc123def456", None).unwrap();
    assert_eq!(c.operation, Operation::GetModelInvocationJob);
    let job_arn =
        "arn%3Aaws%3Abedrock%3Aeu-west-1%3A123456789012%3Amodel-invocation-job%2Fabc123def456";
    let c = get(&format!("/model-invocation-job/{job_arn}"), None).unwrap();
    assert_eq!(c.path_and_query, format!("/model-invocation-job/{job_arn}"));
    assert_eq!(c.arn_region.as_deref(), Some("eu-west-1"));
    let c = get(
        "/model-invocation-jobs",
        Some("nameContains=my%20job&sortBy=CreationTime&x=1"),
    )
    .unwrap();
    assert_eq!(
        c.path_and_query,
        "/model-invocation-jobs?nameContains=my%20job&sortBy=CreationTime"
    );
    assert!(Operation::RetrieveAndGenerateStream.streams());
    assert!(!Operation::RetrieveAndGenerate.streams());
}

#[test]
fn the_remainder_follows_the_matched_prefix() {
    assert_eq!(
        remainder("/bedrock/model/m/converse", 8).as_deref(),
        Some("/model/m/converse")
    );
    assert_eq!(
        remainder("/bedrock/model/m/converse", 9).as_deref(),
        Some("/model/m/converse")
    );
    assert_eq!(remainder("/bedrockx/model/m/converse", 8), None);
    assert_eq!(remainder("/bedrock", 8).as_deref(), Some("/"));
    assert_eq!(
        remainder("/model/m/converse", 0).as_deref(),
        Some("/model/m/converse")
    );
    assert_eq!(remainder("/x", 10), None);
}

#[test]
fn kong_style_routes_that_include_the_model_segment_still_work() {
    let m = Method::POST;
    // `paths: ["/bedrock"]`: the remainder is the operation.
    let c = parse_routed(&m, "/bedrock/model/m.x/converse", 8, None).unwrap();
    assert_eq!(c.path_and_query, "/model/m.x/converse");
    // `paths: ["/model"]` (Kong matches `/model/{id}/{op}` anywhere): the whole path.
    let c = parse_routed(&m, "/model/m.x/converse", 6, None).unwrap();
    assert_eq!(c.operation, Operation::Converse);
    assert_eq!(c.model.as_deref(), Some("m.x"));
    // A refused label is reported, not retried elsewhere.
    assert!(matches!(
        parse_routed(&m, "/bedrock/model/a%2Fb/converse", 8, None),
        Err(PathError::Invalid(_))
    ));
    assert!(matches!(
        parse_routed(&m, "/model/..%2Fx/converse", 6, None),
        Err(PathError::Invalid(_))
    ));
    // Neither the remainder nor the whole path is an operation.
    assert!(matches!(
        parse_routed(&m, "/bedrock/nothing", 8, None),
        Err(PathError::Unknown(_))
    ));
    assert!(matches!(
        parse_routed(&m, "/bedrockx/model/m.x/converse", 8, None),
        Err(PathError::Unknown(_))
    ));
}
