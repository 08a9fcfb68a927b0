//! `{vault://env/NAME}` and `{vault://env/NAME/key}` references, resolved through the
//! caller's environment lookup (so parsing stays pure). Error messages name the
//! variable and the reference, never the value.

const PREFIX: &str = "{vault://";

/// Resolves `text` if it is a vault reference.
///
/// `Ok(None)` means a plain string; `Ok(Some(v))` the referenced value; `Err` a message
/// for the field holding the reference.
pub(crate) fn resolve(
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<String>, String> {
    let Some(rest) = text.strip_prefix(PREFIX) else {
        return Ok(None);
    };
    let Some(inner) = rest.strip_suffix('}') else {
        return Err(format!(
            "malformed vault reference {text}: expected {{vault://env/NAME}}"
        ));
    };
    let mut parts = inner.split('/');
    let vault = parts.next().unwrap_or_default();
    if vault != "env" {
        return Err(format!(
            "unsupported vault reference {text}: Quarry only supports {{vault://env/NAME}}"
        ));
    }
    let segments: Vec<&str> = parts.collect();
    let (name, key) = match segments.as_slice() {
        [name] => (*name, None),
        [name, key] if !key.is_empty() => (*name, Some(*key)),
        _ => {
            return Err(format!(
                "malformed vault reference {text}: expected {{vault://env/NAME}} or {{vault://env/NAME/key}}"
            ))
        }
    };
    if name.is_empty() || name.contains(['?', '#', ' ']) {
        return Err(format!(
            "malformed vault reference {text}: the variable name is empty or invalid"
        ));
    }
    // Kong's env vault upper-cases the name and turns '-' into '_'; the name as
    // written is tried second so mixed-case variables still work.
    let kong_name = name.to_ascii_uppercase().replace('-', "_");
    let raw = env(&kong_name).or_else(|| if kong_name == name { None } else { env(name) });
    let Some(raw) = raw else {
        return Err(format!(
            "environment variable {kong_name} is not set (referenced by {text})"
        ));
    };
    let Some(key) = key else {
        return Ok(Some(raw));
    };
    let json: serde_json::Value = serde_json::from_str(&raw).map_err(|_| {
        format!("environment variable {kong_name} is not a JSON object (needed by {text})")
    })?;
    let Some(object) = json.as_object() else {
        return Err(format!(
            "environment variable {kong_name} is not a JSON object (needed by {text})"
        ));
    };
    match object.get(key) {
        Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
        Some(v @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_))) => {
            Ok(Some(v.to_string()))
        }
        Some(_) => Err(format!(
            "field \"{key}\" of environment variable {kong_name} is not a string (needed by {text})"
        )),
        None => Err(format!(
            "environment variable {kong_name} has no field \"{key}\" (needed by {text})"
        )),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "AWS_KEY" => Some("AKIA123".into()),
            "lower_only" => Some("exact".into()),
            "CREDS" => Some(r#"{"id":"AKIA9","n":5,"o":{}}"#.into()),
            "NOT_JSON" => Some("hunter2".into()),
            _ => None,
        }
    }

    #[test]
    fn plain_strings_pass_through() {
        assert_eq!(resolve("us-east-1", &env), Ok(None));
        assert_eq!(resolve("{not a vault}", &env), Ok(None));
    }

    #[test]
    fn kong_name_mangling_then_exact_name() {
        assert_eq!(
            resolve("{vault://env/aws-key}", &env),
            Ok(Some("AKIA123".into()))
        );
        assert_eq!(
            resolve("{vault://env/AWS_KEY}", &env),
            Ok(Some("AKIA123".into()))
        );
        assert_eq!(
            resolve("{vault://env/lower_only}", &env),
            Ok(Some("exact".into()))
        );
    }

    #[test]
    fn json_key_selects_a_field() {
        assert_eq!(
            resolve("{vault://env/creds/id}", &env),
            Ok(Some("AKIA9".into()))
        );
        assert_eq!(resolve("{vault://env/creds/n}", &env), Ok(Some("5".into())));
        assert_eq!(
            resolve("{vault://env/creds/missing}", &env),
            Err("environment variable CREDS has no field \"missing\" (needed by {vault://env/creds/missing})".into())
        );
        assert_eq!(
            resolve("{vault://env/creds/o}", &env),
            Err("field \"o\" of environment variable CREDS is not a string (needed by {vault://env/creds/o})".into())
        );
    }

    #[test]
    fn errors_name_the_variable_but_never_the_value() {
        assert_eq!(
            resolve("{vault://env/aws-secret}", &env),
            Err("environment variable AWS_SECRET is not set (referenced by {vault://env/aws-secret})".into())
        );
        let err = resolve("{vault://env/not-json/k}", &env).unwrap_err();
        assert!(!err.contains("hunter2"), "{err}");
        assert!(err.contains("NOT_JSON"), "{err}");
    }

    #[test]
    fn other_vaults_and_malformed_references_are_errors() {
        assert!(resolve("{vault://aws/secret}", &env)
            .unwrap_err()
            .contains("only supports {vault://env/NAME}"));
        assert!(resolve("{vault://env/X", &env)
            .unwrap_err()
            .starts_with("malformed"));
        assert!(resolve("{vault://env/}", &env)
            .unwrap_err()
            .starts_with("malformed"));
        assert!(resolve("{vault://env/a/b/c}", &env)
            .unwrap_err()
            .starts_with("malformed"));
    }
}
