//! What a call can fail with: the server's JSON-RPC error kept whole, or what went wrong before
//! an answer could be read.

use std::fmt;
use std::sync::Arc;

use leanrpc_core::RpcError;

/// Why a call gave no result.
///
/// [`ClientError::rpc`] and [`ClientError::code`] read the server's JSON-RPC error whichever
/// way it came: in a 200 answer ([`ClientError::Rpc`]) or in the body of a refusal such as a
/// 401 ([`ClientError::Http`]).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ClientError {
    /// The server answered the call with a JSON-RPC error: its code, message and data, as sent.
    Rpc(RpcError),
    /// The server answered with an HTTP status other than 2xx (401 for a missing or refused
    /// key, 429 when rate limited, 413 for a body too large, ...).
    Http {
        /// The HTTP status.
        status: u16,
        /// The JSON-RPC error the body held, if it held one (leanrpc servers always send one).
        error: Option<RpcError>,
        /// The start of the body, for the cases where it held none.
        body: String,
    },
    /// The request could not be sent or its answer not received: connection refused or reset,
    /// invalid URL, ...
    Transport(Arc<dyn std::error::Error + Send + Sync>),
    /// No answer within the transport's timeout.
    Timeout,
    /// The params could not be turned into JSON (a `Serialize` impl failed, a map had
    /// non-string keys).
    Encode {
        /// The method called.
        method: String,
        /// What serde said.
        reason: String,
    },
    /// The result did not decode into the type the method returns: the server and the client
    /// disagree on the method's result type.
    Decode {
        /// The method called.
        method: String,
        /// What serde said.
        reason: String,
    },
    /// The answer is not a JSON-RPC 2.0 response to this request (not JSON, no answer for the
    /// call's id, an answer to a notification, ...).
    Protocol(String),
}

impl ClientError {
    /// The server's JSON-RPC error, from a 200 answer or from an HTTP refusal's body.
    pub fn rpc(&self) -> Option<&RpcError> {
        match self {
            ClientError::Rpc(error) => Some(error),
            ClientError::Http { error, .. } => error.as_ref(),
            _ => None,
        }
    }

    /// The server's JSON-RPC error code, e.g. `-32602`, when it sent one.
    pub fn code(&self) -> Option<i32> {
        self.rpc().map(|e| e.code().code())
    }

    /// The HTTP status of a refusal (not of a 200 answer holding a JSON-RPC error).
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Http { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// A transport error from any error value.
    pub fn transport(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        ClientError::Transport(Arc::new(error))
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Rpc(error) => write!(f, "the server answered {error}")?,
            ClientError::Http {
                status,
                error: Some(error),
                ..
            } => write!(f, "the server answered HTTP {status}: {error}")?,
            ClientError::Http { status, body, .. } if body.is_empty() => {
                write!(f, "the server answered HTTP {status}")?;
            }
            ClientError::Http { status, body, .. } => {
                write!(f, "the server answered HTTP {status}: {body}")?;
            }
            ClientError::Transport(error) => write!(f, "transport error: {error}")?,
            ClientError::Timeout => f.write_str("no answer within the timeout")?,
            ClientError::Encode { method, reason } => {
                write!(f, "the params of `{method}` are not JSON: {reason}")?;
            }
            ClientError::Decode { method, reason } => write!(
                f,
                "the result of `{method}` does not decode into the method's return type: {reason}"
            )?,
            ClientError::Protocol(what) => write!(f, "not a JSON-RPC 2.0 answer: {what}")?,
        }
        if let Some(data) = self.rpc().and_then(RpcError::data_value) {
            write!(f, " (data: {data})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ClientError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ClientError::Rpc(error) => Some(error),
            ClientError::Http {
                error: Some(error), ..
            } => Some(error),
            ClientError::Transport(error) => Some(&**error),
            _ => None,
        }
    }
}

impl From<RpcError> for ClientError {
    fn from(error: RpcError) -> Self {
        ClientError::Rpc(error)
    }
}
