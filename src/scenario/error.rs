//! Scenario errors: one line each, naming the file, the field and what is allowed. User text
//! in them (keys, names, cells, the file name) is escaped and shortened by
//! [`crate::one_line`] when the error is displayed.

use std::fmt;

/// A problem with a scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// The file, as the user named it.
    pub file: String,
    /// Dotted path of the field at fault (empty for the file as a whole).
    pub field: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl ScenarioError {
    /// An error about `field` of `file`.
    pub fn new(file: &str, field: &str, message: impl Into<String>) -> Self {
        Self { file: file.to_string(), field: field.to_string(), message: message.into() }
    }

    /// Wraps a TOML syntax error, reporting its line and column.
    pub fn from_toml(file: &str, text: &str, e: &toml::de::Error) -> Self {
        let where_ = e
            .span()
            .map(|s| {
                let before = &text[..s.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
                format!("line {line}, column {col}")
            })
            .unwrap_or_default();
        let msg = e.message().trim().replace('\n', "; ");
        Self::new(file, &where_, format!("invalid TOML: {msg}"))
    }

    /// Wraps a deserialization error with the path of the field it happened at.
    pub fn from_serde(file: &str, e: &serde_path_to_error::Error<toml::de::Error>) -> Self {
        let path = e.path().to_string();
        let field = if path == "." { String::new() } else { path };
        let msg = plain_types(&e.inner().message().trim().replace('\n', "; "));
        Self::new(file, &field, msg)
    }
}

/// Replaces Rust type names in serde's messages with words a scenario author knows.
fn plain_types(msg: &str) -> String {
    let mut out = msg.to_string();
    for (rust, plain) in [
        ("expected i64", "expected an integer"),
        ("expected u64", "expected a non-negative integer"),
        ("expected u32", "expected a non-negative integer"),
        ("expected f64", "expected a number"),
        ("expected a boolean", "expected true or false"),
    ] {
        out = out.replace(rust, plain);
    }
    out
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = if self.field.is_empty() {
            format!("{}: {}", self.file, self.message)
        } else {
            format!("{}: {}: {}", self.file, self.field, self.message)
        };
        f.write_str(&crate::one_line::one_line(&text))
    }
}

impl std::error::Error for ScenarioError {}
