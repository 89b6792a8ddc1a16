//! Per-call context a handler can take instead of a JSON parameter.

use std::fmt;

use crate::auth::Caller;
use crate::envelope::Id;
use crate::error::RpcError;

/// Read access to the HTTP request headers, whatever the HTTP stack.
pub trait HeaderSource: Send + Sync {
    /// The value of header `name` (lowercase), if present (the first, if it is repeated).
    fn header(&self, name: &str) -> Option<&[u8]>;

    /// How many times header `name` (lowercase) is present. The server refuses a request that
    /// repeats `x-api-key`, so a source whose headers can repeat (every HTTP stack's) must
    /// count them; the default, for sources that hold each name at most once, is 0 or 1.
    fn header_count(&self, name: &str) -> usize {
        usize::from(self.header(name).is_some())
    }
}

/// A request without headers (in-process dispatch).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHeaders;

impl HeaderSource for NoHeaders {
    fn header(&self, _: &str) -> Option<&[u8]> {
        None
    }
}

/// A plain list of `(name, value)` pairs, for tests and in-process callers.
impl HeaderSource for Vec<(&str, &[u8])> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }

    fn header_count(&self, name: &str) -> usize {
        self.iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .count()
    }
}

/// Everything the dispatcher knows about one call, besides its params.
#[derive(Clone, Copy)]
pub struct CallContext<'a> {
    pub(crate) caller: Option<&'a Caller>,
    pub(crate) headers: &'a dyn HeaderSource,
    pub(crate) id: Option<Id<'a>>,
    pub(crate) method: &'a str,
}

impl<'a> CallContext<'a> {
    /// The context of a call by `caller` (`None` when the front end has no authenticated
    /// caller), with the request's `headers` ([`NoHeaders`] when there are none): no id, and
    /// an empty method name until [`Server::invoke`](crate::Server::invoke) sets it.
    ///
    /// ```
    /// use leanrpc_core::{CallContext, NoHeaders};
    ///
    /// let headers: Vec<(&str, &[u8])> = vec![("user-agent", b"mcp-bridge/1.0")];
    /// let ctx = CallContext::new(None, &headers);
    /// assert_eq!(ctx.header("user-agent"), Some(&b"mcp-bridge/1.0"[..]));
    /// assert!(ctx.caller().is_none() && ctx.id().is_none());
    /// assert!(CallContext::new(None, &NoHeaders).header("user-agent").is_none());
    /// ```
    pub fn new(caller: Option<&'a Caller>, headers: &'a dyn HeaderSource) -> Self {
        Self {
            caller,
            headers,
            id: None,
            method: "",
        }
    }

    /// The same context with request id `id` (`None`: a notification, or a front end
    /// without JSON-RPC ids), for handlers that log or echo it.
    ///
    /// ```
    /// use leanrpc_core::{CallContext, Id, NoHeaders};
    /// use serde_json::value::RawValue;
    ///
    /// let raw: &RawValue = serde_json::from_str(r#""req-7""#).unwrap();
    /// let ctx = CallContext::new(None, &NoHeaders).with_id(Id::from_raw(raw));
    /// assert_eq!(ctx.id().unwrap().as_json(), r#""req-7""#);
    /// ```
    pub fn with_id(mut self, id: Option<Id<'a>>) -> Self {
        self.id = id;
        self
    }

    /// The authenticated caller (`None` on endpoints without auth).
    pub fn caller(&self) -> Option<&'a Caller> {
        self.caller
    }

    /// A request header by lowercase name.
    pub fn header(&self, name: &str) -> Option<&'a [u8]> {
        self.headers.header(name)
    }

    /// The request id (`None` for a notification).
    pub fn id(&self) -> Option<Id<'a>> {
        self.id
    }

    /// The method name as the client sent it (empty in a context that
    /// [`CallContext::new`] built and no call received yet).
    pub fn method(&self) -> &'a str {
        self.method
    }
}

impl fmt::Debug for CallContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallContext")
            .field("caller", &self.caller)
            .field("id", &self.id)
            .field("method", &self.method)
            .finish_non_exhaustive()
    }
}

/// A handler parameter filled from the call's context rather than from JSON params, like an
/// axum extractor. The macro treats every reference-typed parameter (`&Caller`, `&CallContext`)
/// and every parameter marked `#[rpc(context)]` this way.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be taken from the call context",
    label = "reference params are filled from the call context, not from the JSON params",
    note = "context params are `&Caller`, `Option<&Caller>`, `&CallContext<'_>`, `RequestId`, or types implementing `FromContext`",
    note = "to read it from the JSON params, take it by value: `Vec<i64>`, not `&Vec<i64>`"
)]
pub trait FromContext<'a>: Sized {
    /// Extracts the value; an error is answered to the client as is.
    fn from_context(ctx: &'a CallContext<'a>) -> Result<Self, RpcError>;
}

impl<'a> FromContext<'a> for &'a Caller {
    fn from_context(ctx: &'a CallContext<'a>) -> Result<Self, RpcError> {
        ctx.caller
            .ok_or_else(|| RpcError::forbidden("this method requires an API key"))
    }
}

impl<'a> FromContext<'a> for Option<&'a Caller> {
    fn from_context(ctx: &'a CallContext<'a>) -> Result<Self, RpcError> {
        Ok(ctx.caller)
    }
}

impl<'a> FromContext<'a> for &'a CallContext<'a> {
    fn from_context(ctx: &'a CallContext<'a>) -> Result<Self, RpcError> {
        Ok(ctx)
    }
}

/// The request id as raw JSON text (`None` for a notification), for handlers that log or echo it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub Option<String>);

impl<'a> FromContext<'a> for RequestId {
    fn from_context(ctx: &'a CallContext<'a>) -> Result<Self, RpcError> {
        Ok(RequestId(ctx.id.map(|id| id.as_json().to_owned())))
    }
}
