//! Text -> JSON tree. YAML and JSON both go through the YAML parser; the result is
//! converted to `serde_json::Value` so the validators walk one simple tree type.
//! Anything YAML can say that JSON cannot (non-string keys, tags, NaN) is an error here.

use serde_json::{Map, Number, Value};
use serde_yaml_ng::Value as Yaml;

use crate::error::ConfigError;
use crate::reader::{index_path, key_path};

/// Parses a YAML or JSON document into a JSON tree, reporting every conversion problem.
pub(crate) fn parse_tree(text: &str) -> Result<Value, Vec<ConfigError>> {
    let mut yaml: Yaml = serde_yaml_ng::from_str(text)
        .map_err(|e| vec![ConfigError::new("", format!("invalid YAML/JSON: {e}"))])?;
    yaml.apply_merge().map_err(|e| {
        vec![ConfigError::new(
            "",
            format!("invalid YAML merge key (<<): {e}"),
        )]
    })?;
    let mut errors = Vec::new();
    let value = convert(yaml, "", &mut errors);
    if errors.is_empty() {
        Ok(value)
    } else {
        Err(errors)
    }
}

fn convert(yaml: Yaml, path: &str, errors: &mut Vec<ConfigError>) -> Value {
    match yaml {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(b),
        Yaml::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                match n.as_f64().and_then(Number::from_f64) {
                    Some(num) => Value::Number(num),
                    None => {
                        errors.push(ConfigError::new(path, "must be a finite number"));
                        Value::Null
                    }
                }
            }
        }
        Yaml::String(s) => Value::String(s),
        Yaml::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| convert(item, &index_path(path, i), errors))
                .collect(),
        ),
        Yaml::Mapping(mapping) => {
            let mut map = Map::new();
            for (k, v) in mapping {
                match k {
                    Yaml::String(key) => {
                        let child = convert(v, &key_path(path, &key), errors);
                        map.insert(key, child);
                    }
                    other => errors.push(ConfigError::new(
                        path,
                        format!("keys must be strings, found key {}", yaml_key(&other)),
                    )),
                }
            }
            Value::Object(map)
        }
        Yaml::Tagged(tagged) => {
            errors.push(ConfigError::new(
                path,
                format!("YAML tags are not supported (found {})", tagged.tag),
            ));
            Value::Null
        }
    }
}

fn yaml_key(key: &Yaml) -> String {
    match key {
        Yaml::Null => "null".to_string(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::Number(n) => n.to_string(),
        Yaml::Sequence(_) => "a sequence".to_string(),
        Yaml::Mapping(_) => "a mapping".to_string(),
        Yaml::String(s) => format!("{s:?}"),
        Yaml::Tagged(t) => t.tag.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn json_and_yaml_give_the_same_tree() {
        let a = parse_tree(r#"{"a": [1, "x", true, null, 1.5]}"#).unwrap();
        let b = parse_tree("a: [1, x, true, null, 1.5]\n").unwrap();
        assert_eq!(a, b);
        assert_eq!(a, serde_json::json!({"a": [1, "x", true, null, 1.5]}));
    }

    #[test]
    fn merge_keys_are_applied() {
        let t = parse_tree("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n").unwrap();
        assert_eq!(t["other"], serde_json::json!({"x": 1, "y": 2}));
    }

    #[test]
    fn non_string_keys_and_nan_are_errors_with_paths() {
        let errs = parse_tree("a:\n  - {1: x}\nb: .nan\n").unwrap_err();
        let msgs: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            msgs,
            vec![
                "a[0]: keys must be strings, found key 1".to_string(),
                "b: must be a finite number".to_string()
            ]
        );
    }

    #[test]
    fn syntax_errors_mention_the_location() {
        let errs = parse_tree("a: [1, 2\nb: 3\n").unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].path, "");
        assert!(
            errs[0].message.starts_with("invalid YAML/JSON: "),
            "{}",
            errs[0]
        );
        assert!(errs[0].message.contains("line"), "{}", errs[0]);
    }

    #[test]
    fn duplicate_keys_are_rejected() {
        let errs = parse_tree("a: 1\na: 2\n").unwrap_err();
        assert!(errs[0].message.contains("duplicate"), "{}", errs[0]);
    }
}
