//! The one error type the crate returns: a location in the document plus a message.

/// One problem found in a configuration file.
///
/// `path` names the offending value the way a user would navigate the file
/// (`services[0].routes[1].plugins[0].config.model.name`); it is empty for problems
/// with the file as a whole (unreadable, not YAML). Messages never contain secret values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", render(.path, .message))]
pub struct ConfigError {
    pub path: String,
    pub message: String,
}

impl ConfigError {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

fn render(path: &str, message: &str) -> String {
    if path.is_empty() {
        message.to_string()
    } else {
        format!("{path}: {message}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_prefixes_the_path_when_there_is_one() {
        let e = ConfigError::new("routes[0].paths", "is required");
        assert_eq!(e.to_string(), "routes[0].paths: is required");
        let e = ConfigError::new("", "cannot read file");
        assert_eq!(e.to_string(), "cannot read file");
    }
}
