//! `examples/quickstart.yaml` must always load: it is the first file users try.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use quarry_config::{load_file, parse, PathMatcher, RouteType};

fn quickstart_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/quickstart.yaml")
}

#[test]
fn quickstart_parses_into_chat_and_completions_routes() {
    let text = std::fs::read_to_string(quickstart_path()).unwrap();
    // No environment at all: the file must not depend on vault variables.
    let config = parse(&text, &|_| None).unwrap_or_else(|errors| {
        panic!(
            "{}",
            errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    let summary: Vec<(String, Vec<String>, RouteType)> = config
        .routes
        .iter()
        .map(|r| {
            let paths = r
                .paths
                .iter()
                .map(|p| match p {
                    PathMatcher::Prefix(p) => p.clone(),
                    PathMatcher::Regex { pattern, .. } => format!("~{pattern}"),
                })
                .collect();
            (r.name.clone(), paths, r.ai_proxy.route_type)
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "chat".to_string(),
                vec!["/v1/chat/completions".to_string()],
                RouteType::Chat
            ),
            (
                "completions".to_string(),
                vec!["/v1/completions".to_string()],
                RouteType::Completions
            ),
        ]
    );
    for route in &config.routes {
        let ai = &route.ai_proxy;
        assert_eq!(route.service.as_ref().unwrap().name, "bedrock");
        assert!(ai.model.name.is_none(), "the model comes from the request");
        assert!(ai.logging.log_statistics);
        assert_eq!(
            ai.model.options.bedrock.aws_region.as_deref(),
            Some("us-east-1")
        );
        assert!(
            ai.auth.aws_access_key_id.is_none(),
            "credentials come from the environment"
        );
    }
}

#[test]
fn load_file_reads_the_quickstart_and_reports_missing_files() {
    let config = load_file(&quickstart_path()).unwrap();
    assert_eq!(config.routes.len(), 2);

    let errors = load_file(Path::new("/nonexistent/quarry.yaml")).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].path, "");
    assert!(
        errors[0]
            .message
            .starts_with("cannot read /nonexistent/quarry.yaml: "),
        "{}",
        errors[0]
    );
}
