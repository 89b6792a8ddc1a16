//! [`Error`]: why a document could not be turned into a client.

use std::fmt;

/// Why [`generate`](crate::generate) could not turn a document into a client: where in the
/// document, and what is wrong there.
///
/// ```
/// let error = leanrpc_typescript::generate(
///     &serde_json::json!({"openrpc": "1.3.2", "methods": [{"name": 7}]}),
///     &leanrpc_typescript::Options::default(),
/// )
/// .unwrap_err();
/// assert_eq!(error.at(), "methods[0].name");
/// assert_eq!(error.to_string(), "methods[0].name: expected a string");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    at: String,
    message: String,
}

impl Error {
    pub(crate) fn new(at: impl Into<String>, message: impl Into<String>) -> Self {
        Error {
            at: at.into(),
            message: message.into(),
        }
    }

    /// Where in the document: a path such as `methods[3].params[0].schema` (empty for the
    /// document itself or the options).
    pub fn at(&self) -> &str {
        &self.at
    }

    /// What is wrong there.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.at.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.at, self.message)
        }
    }
}

impl std::error::Error for Error {}
