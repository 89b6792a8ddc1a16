//! The [`Transport`] trait: how a request body reaches a server and its answer comes back.

use std::fmt;

use leanrpc_core::BoxFuture;

use crate::error::ClientError;

/// Carries one request (a call, a notification or a batch) to a server and brings back its
/// answer.
///
/// [`HttpTransport`](crate::HttpTransport) and [`InProcess`](crate::InProcess) implement it;
/// implement it for any other way of reaching a server (a test double, a Unix socket).
pub trait Transport: Send + Sync + 'static {
    /// Sends `request` and returns the answer's body: `None` when the server answers nothing
    /// (notifications only). A refusal that is not a JSON-RPC answer (an HTTP 401, say) is an
    /// `Err`.
    fn send<'a>(
        &'a self,
        request: &'a Outgoing,
    ) -> BoxFuture<'a, Result<Option<Vec<u8>>, ClientError>>;
}

/// One request, ready to send: its JSON text and, for a single call or notification, its parts
/// (for transports that send them apart, as HTTP GET does).
pub struct Outgoing {
    pub(crate) body: String,
    pub(crate) single: Option<Single>,
    pub(crate) answered: bool,
}

pub(crate) struct Single {
    pub(crate) method: String,
    pub(crate) params: Option<String>,
    pub(crate) id: Option<u64>,
}

impl Outgoing {
    /// The JSON-RPC request as JSON text (an object, or an array for a batch).
    pub fn body(&self) -> &str {
        &self.body
    }

    /// Whether this is a batch (a JSON array).
    pub fn is_batch(&self) -> bool {
        self.single.is_none()
    }

    /// A single request's method name (namespace included); `None` for a batch.
    pub fn method(&self) -> Option<&str> {
        self.single.as_ref().map(|s| s.method.as_str())
    }

    /// A single request's params as JSON text, if it has any; `None` for a batch.
    pub fn params(&self) -> Option<&str> {
        self.single.as_ref().and_then(|s| s.params.as_deref())
    }

    /// A single call's id; `None` for a notification or a batch.
    pub fn id(&self) -> Option<u64> {
        self.single.as_ref().and_then(|s| s.id)
    }

    /// Whether the server answers this request at all: not for a notification (nor for a batch
    /// of notifications only).
    pub fn expects_answer(&self) -> bool {
        self.answered
    }

    /// A single call or notification.
    pub(crate) fn single(method: String, params: Option<String>, id: Option<u64>) -> Self {
        let mut body =
            String::with_capacity(48 + method.len() + params.as_ref().map_or(0, String::len));
        write_request(&mut body, &method, params.as_deref(), id);
        Outgoing {
            body,
            answered: id.is_some(),
            single: Some(Single { method, params, id }),
        }
    }

    /// A batch already written as a JSON array; `answered` when it holds a call.
    pub(crate) fn batch(body: String, answered: bool) -> Self {
        Outgoing {
            body,
            single: None,
            answered,
        }
    }
}

impl fmt::Debug for Outgoing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Outgoing")
            .field("body", &self.body)
            .finish()
    }
}

/// Appends `{"jsonrpc":"2.0","method":...,"params":...,"id":...}` to `out`.
pub(crate) fn write_request(out: &mut String, method: &str, params: Option<&str>, id: Option<u64>) {
    out.push_str("{\"jsonrpc\":\"2.0\",\"method\":");
    // A `str` always serializes.
    out.push_str(&serde_json::to_string(method).unwrap_or_default());
    if let Some(params) = params {
        out.push_str(",\"params\":");
        out.push_str(params);
    }
    if let Some(id) = id {
        out.push_str(",\"id\":");
        out.push_str(&id.to_string());
    }
    out.push('}');
}
