//! `quarry check`: validate a file, print every error with its path, or a summary of what
//! each route will do (never a secret: credential *sources* only).

use std::path::Path;
use std::process::ExitCode;

use quarry_config::Config;

pub fn run(path: &Path) -> ExitCode {
    let config = match quarry_config::load_file(path) {
        Ok(c) => c,
        Err(errors) => {
            println!("{}: {} error(s):", path.display(), errors.len());
            for e in &errors {
                println!("  {e}");
            }
            return ExitCode::FAILURE;
        }
    };
    let env = |k: &str| std::env::var(k).ok();
    println!("{}: OK, {} route(s)", path.display(), config.routes.len());
    for route in &config.routes {
        let p = &route.ai_proxy;
        let summary = quarry_gateway::describe_route(route, &env);
        let region = summary.region;
        let credentials = match summary.credentials_source {
            "none" => "none found (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or use --emulator)",
            source => source,
        };
        println!(
            "  route {}: {} {} model={} region={} credentials={}",
            route.name,
            p.route_type.as_str(),
            p.llm_format.as_str(),
            p.model.name.as_deref().unwrap_or("(from request)"),
            region
                .as_deref()
                .unwrap_or("(none: set bedrock.aws_region or AWS_REGION)"),
            credentials
        );
    }
    for w in &config.warnings {
        println!("  warning: {w}");
    }
    ExitCode::SUCCESS
}

/// Every static key pair the routes would sign with, so an in-process emulator accepts them.
pub fn static_keys(config: &Config, env: &dyn Fn(&str) -> Option<String>) -> Vec<(String, String)> {
    let mut keys: Vec<(String, String)> = config
        .routes
        .iter()
        .filter_map(|r| {
            let a = &r.ai_proxy.auth;
            Some((
                a.aws_access_key_id.as_ref()?.expose().to_owned(),
                a.aws_secret_access_key.as_ref()?.expose().to_owned(),
            ))
        })
        .collect();
    if let (Some(id), Some(secret)) = (env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY")) {
        keys.push((id, secret));
    }
    keys
}
