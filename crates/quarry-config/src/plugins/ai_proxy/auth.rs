//! `config.auth`: static AWS keys, a header, or a parameter; all optional (the default
//! is the gateway's AWS credential chain).

use super::foreign::{self, scalar, Foreign, Unset};
use super::types::Auth;
use crate::reader::{Ctx, Obj};

const FOREIGN: &[Foreign] = &[
    scalar("azure_client_id", Unset::Null),
    scalar("azure_client_secret", Unset::Null),
    scalar("azure_tenant_id", Unset::Null),
    scalar("azure_use_managed_identity", Unset::Bool(false)),
    scalar("gcp_metadata_url", Unset::Null),
    scalar("gcp_oauth_token_url", Unset::Null),
    scalar("gcp_service_account_json", Unset::Null),
    scalar("gcp_use_service_account", Unset::Bool(false)),
];

pub(super) fn parse(ctx: &mut Ctx<'_>, mut auth: Obj<'_>) -> Auth {
    let aws_access_key_id = auth.secret(ctx, "aws_access_key_id");
    let aws_secret_access_key = auth.secret(ctx, "aws_secret_access_key");
    let header_name = auth.nonempty(ctx, "header_name");
    if header_name.as_deref().is_some_and(|n| !is_header_name(n)) {
        ctx.error(
            &auth.child("header_name"),
            "must be an HTTP header name (letters, digits and !#$%&'*+-.^_`|~)",
        );
    }
    let header_value = auth.secret(ctx, "header_value");
    if header_value
        .as_ref()
        .is_some_and(|v| v.expose().chars().any(|c| c.is_control() && c != '\t'))
    {
        // Never echo the value: it is a credential.
        ctx.error(
            &auth.child("header_value"),
            "must not contain line breaks or other control characters",
        );
    }
    let param_name = auth.nonempty(ctx, "param_name");
    let param_value = auth.secret(ctx, "param_value");
    let param_location = auth.one_of(ctx, "param_location", &["body", "query"]);
    let allow_override = auth.bool(ctx, "allow_override").unwrap_or(false);
    if allow_override {
        ctx.error(
            &auth.child("allow_override"),
            "bedrock only supports auth.allow_override = false",
        );
    }
    together(ctx, &auth, &["aws_access_key_id", "aws_secret_access_key"]);
    together(ctx, &auth, &["header_name", "header_value"]);
    together(ctx, &auth, &["param_name", "param_value", "param_location"]);
    foreign::check(ctx, &mut auth, FOREIGN);
    auth.finish(ctx);
    Auth {
        aws_access_key_id,
        aws_secret_access_key,
        header_name,
        header_value,
        param_name,
        param_value,
        param_location,
        allow_override,
    }
}

/// RFC 9110 token characters.
fn is_header_name(name: &str) -> bool {
    name.chars()
        .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c))
}

/// Kong's "mutually required" rule: when one of `keys` is given, all must be.
fn together(ctx: &mut Ctx<'_>, auth: &Obj<'_>, keys: &[&str]) {
    let present: Vec<&str> = keys.iter().copied().filter(|k| auth.has(k)).collect();
    if present.is_empty() || present.len() == keys.len() {
        return;
    }
    let named: Vec<String> = present.iter().map(|k| format!("auth.{k}")).collect();
    let verb = if present.len() == 1 { "is" } else { "are" };
    for key in keys.iter().filter(|k| !present.contains(k)) {
        ctx.error(
            &auth.child(key),
            format!("is required when {} {verb} set", named.join(" and ")),
        );
    }
}
