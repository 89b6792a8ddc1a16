//! JSON-RPC error objects and the error codes leanrpc uses.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;
use serde_json::Value;

/// A JSON-RPC error code, with the message the specification (or Leantime) pairs with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ErrorCode(i32);

impl ErrorCode {
    /// -32700: invalid JSON was received.
    pub const PARSE_ERROR: Self = Self(-32700);
    /// -32600: the JSON sent is not a valid request object.
    pub const INVALID_REQUEST: Self = Self(-32600);
    /// -32601: the method does not exist or is not available.
    pub const METHOD_NOT_FOUND: Self = Self(-32601);
    /// -32602: invalid method parameters.
    pub const INVALID_PARAMS: Self = Self(-32602);
    /// -32603: internal JSON-RPC error.
    pub const INTERNAL_ERROR: Self = Self(-32603);
    /// -32000: generic server error; never carries internal details.
    pub const SERVER_ERROR: Self = Self(-32000);
    /// -32001: the caller is not authenticated, or not allowed to do this (Leantime).
    pub const UNAUTHORIZED: Self = Self(-32001);
    /// -32002: the object the call refers to does not exist (Leantime).
    pub const NOT_FOUND: Self = Self(-32002);
    /// -32003: too many calls; the caller should retry later.
    pub const RATE_LIMITED: Self = Self(-32003);
    /// -32004: the feature is disabled on this server (Leantime).
    pub const FEATURE_DISABLED: Self = Self(-32004);
    /// -32005: the object to create already exists (Leantime).
    pub const ALREADY_EXISTS: Self = Self(-32005);

    /// An arbitrary code. Codes from -32768 to -32000 are reserved by the specification;
    /// applications should use codes outside that range for their own errors.
    pub const fn new(code: i32) -> Self {
        Self(code)
    }

    /// The numeric code.
    pub const fn code(self) -> i32 {
        self.0
    }

    /// The message the specification or Leantime pairs with this code, or
    /// `"Server error"` / `"Error"` for other codes.
    pub const fn message(self) -> &'static str {
        match self.0 {
            -32700 => "Parse error",
            -32600 => "Invalid Request",
            -32601 => "Method not found",
            -32602 => "Invalid params",
            -32603 => "Internal error",
            -32001 => "Unauthorized",
            -32002 => "Not found",
            -32003 => "Too many requests",
            -32004 => "Feature disabled",
            -32005 => "Already exists",
            -32099..=-32000 => "Server error",
            _ => "Error",
        }
    }

    /// Whether the code lies in the range the specification reserves for implementation-defined
    /// server errors (-32099 to -32000).
    pub const fn is_server_range(self) -> bool {
        self.0 >= -32099 && self.0 <= -32000
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.0, self.message())
    }
}

/// A JSON-RPC error object: `code`, `message` and optional `data`.
///
/// Handlers return `Result<T, E>` with `E: Into<RpcError>`; implement `From<YourError> for RpcError`
/// to choose the code and the data the client sees.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcError {
    code: ErrorCode,
    message: Cow<'static, str>,
    data: Option<Value>,
}

impl RpcError {
    /// An error with the code's standard message and no data.
    pub const fn new(code: ErrorCode) -> Self {
        Self {
            code,
            message: Cow::Borrowed(code.message()),
            data: None,
        }
    }

    /// An error with a custom message.
    pub fn with_message(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            code,
            message: message.into(),
            data: None,
        }
    }

    /// Attaches `data` (any serializable value; a value that fails to serialize is dropped).
    #[must_use]
    pub fn data(mut self, data: impl Serialize) -> Self {
        self.data = serde_json::to_value(data).ok();
        self
    }

    /// -32700 Parse error.
    pub fn parse_error() -> Self {
        Self::new(ErrorCode::PARSE_ERROR)
    }

    /// -32600 Invalid Request.
    pub fn invalid_request() -> Self {
        Self::new(ErrorCode::INVALID_REQUEST)
    }

    /// -32601 Method not found.
    pub fn method_not_found() -> Self {
        Self::new(ErrorCode::METHOD_NOT_FOUND)
    }

    /// -32602 Invalid params, with `data` explaining what is wrong. When `data` is a string, the
    /// message says it too (`"Invalid params: {data}"`), for clients that show only the message.
    pub fn invalid_params(data: impl Serialize) -> Self {
        let error = Self::new(ErrorCode::INVALID_PARAMS).data(data);
        match &error.data {
            Some(Value::String(reason)) => {
                let message = format!("Invalid params: {reason}");
                Self {
                    message: message.into(),
                    ..error
                }
            }
            _ => error,
        }
    }

    /// -32602 Invalid params with `message` after `"Invalid params: "` and structured `data`:
    /// the message is for people and clients that show only it, the data for programs.
    pub fn invalid_params_because(message: impl fmt::Display, data: impl Serialize) -> Self {
        Self::with_message(
            ErrorCode::INVALID_PARAMS,
            format!("Invalid params: {message}"),
        )
        .data(data)
    }

    /// -32602 Invalid params naming one parameter and the reason: message
    /// ``"Invalid params: `param`: reason"``, `data = {"param", "reason"}`, the same shape the
    /// binding errors use.
    pub fn invalid_param(param: &str, reason: impl fmt::Display) -> Self {
        let reason = reason.to_string();
        Self::invalid_params_because(
            format_args!("`{param}`: {reason}"),
            serde_json::json!({ "param": param, "reason": reason }),
        )
    }

    /// -32603 Internal error, without details (details belong in the server's log).
    pub fn internal() -> Self {
        Self::new(ErrorCode::INTERNAL_ERROR)
    }

    /// -32000 Server error, without details.
    pub fn server_error() -> Self {
        Self::new(ErrorCode::SERVER_ERROR)
    }

    /// -32001 Unauthorized.
    pub fn unauthorized() -> Self {
        Self::new(ErrorCode::UNAUTHORIZED)
    }

    /// -32001 with a message saying the caller lacks the right to do this.
    pub fn forbidden(reason: impl Into<Cow<'static, str>>) -> Self {
        Self::with_message(ErrorCode::UNAUTHORIZED, reason)
    }

    /// -32002 Not found.
    pub fn not_found() -> Self {
        Self::new(ErrorCode::NOT_FOUND)
    }

    /// -32004 Feature disabled.
    pub fn feature_disabled() -> Self {
        Self::new(ErrorCode::FEATURE_DISABLED)
    }

    /// -32005 Already exists.
    pub fn already_exists() -> Self {
        Self::new(ErrorCode::ALREADY_EXISTS)
    }

    /// The error code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The data, if any.
    pub fn data_value(&self) -> Option<&Value> {
        self.data.as_ref()
    }
}

impl From<ErrorCode> for RpcError {
    fn from(code: ErrorCode) -> Self {
        Self::new(code)
    }
}

impl fmt::Display for RpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.code(), self.message)
    }
}

impl std::error::Error for RpcError {}

impl Serialize for RpcError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s =
            serializer.serialize_struct("Error", if self.data.is_some() { 3 } else { 2 })?;
        s.serialize_field("code", &self.code.0)?;
        s.serialize_field("message", &self.message)?;
        if let Some(data) = &self.data {
            s.serialize_field("data", data)?;
        }
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_codes_have_spec_messages() {
        let cases = [
            (ErrorCode::PARSE_ERROR, -32700, "Parse error"),
            (ErrorCode::INVALID_REQUEST, -32600, "Invalid Request"),
            (ErrorCode::METHOD_NOT_FOUND, -32601, "Method not found"),
            (ErrorCode::INVALID_PARAMS, -32602, "Invalid params"),
            (ErrorCode::INTERNAL_ERROR, -32603, "Internal error"),
            (ErrorCode::SERVER_ERROR, -32000, "Server error"),
            (ErrorCode::new(-32050), -32050, "Server error"),
            (ErrorCode::new(42), 42, "Error"),
        ];
        for (code, n, msg) in cases {
            assert_eq!(code.code(), n);
            assert_eq!(code.message(), msg);
        }
        assert!(ErrorCode::NOT_FOUND.is_server_range());
        assert!(!ErrorCode::PARSE_ERROR.is_server_range());
    }

    #[test]
    fn serializes_without_data_when_absent() {
        let json = serde_json::to_string(&RpcError::method_not_found()).unwrap();
        assert_eq!(json, r#"{"code":-32601,"message":"Method not found"}"#);
        let json = serde_json::to_string(&RpcError::invalid_param("headline", "must not be empty"))
            .unwrap();
        assert_eq!(
            json,
            r#"{"code":-32602,"message":"Invalid params: `headline`: must not be empty","data":{"param":"headline","reason":"must not be empty"}}"#
        );
    }

    #[test]
    fn invalid_params_messages_say_what_string_data_says() {
        let error = RpcError::invalid_params("expected positional params (an array)");
        assert_eq!(
            error.message(),
            "Invalid params: expected positional params (an array)"
        );
        // Structured data keeps the plain message: the caller says what it means.
        let error = RpcError::invalid_params(serde_json::json!({"param": "id"}));
        assert_eq!(error.message(), "Invalid params");
        let error = RpcError::invalid_params_because("missing `id`", serde_json::json!({"a": 1}));
        assert_eq!(error.message(), "Invalid params: missing `id`");
        assert_eq!(error.data_value(), Some(&serde_json::json!({"a": 1})));
    }
}
