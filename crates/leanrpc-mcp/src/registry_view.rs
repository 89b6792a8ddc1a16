//! Everything this crate knows of the core, in one place, all of it the core's public API for
//! front ends: the discovery model for what each method declares (`Server::api()`), the
//! model's access rules for who may call which, the server's own authenticator and per-key
//! rate (`Server::authenticator`, `Server::charge`), and one call at a time with
//! `Server::invoke`. No JSON-RPC text is built or parsed here.

use std::net::IpAddr;
use std::sync::Arc;

use http::HeaderMap;
use leanrpc_core::{AuthError, CallContext, Credentials, ErrorCode, Id, Params, Server};
use leanrpc_http::HttpHeaders;
use serde_json::value::RawValue;

pub(crate) use leanrpc_core::discover::Method;
pub(crate) use leanrpc_core::{Caller, RateStatus, RpcError, Throttled};

/// The JSON-RPC code of a call refused by the per-key rate limit (Leantime's -32003).
pub(crate) const RATE_LIMITED: i64 = ErrorCode::RATE_LIMITED.code() as i64;

/// Why a request's key was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// No key, a malformed, unknown, revoked or expired key, or a key store that failed:
    /// the same answer for all (HTTP 401).
    Unauthorized,
    /// Too many failed attempts from this address (HTTP 429).
    RateLimited {
        /// Seconds until the client may retry.
        retry_after: u64,
    },
}

/// What one request sends along with its calls: the request's headers (which reach the
/// authenticator and the handlers, as a JSON-RPC request's do) and the client's address.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RequestInfo<'a> {
    /// Every request header.
    pub(crate) headers: &'a HeaderMap,
    /// The client's address, when known.
    pub(crate) peer: Option<IpAddr>,
}

/// The core, as the MCP front end sees it.
#[derive(Debug, Clone)]
pub(crate) struct RegistryView {
    server: Server,
}

impl RegistryView {
    /// The view of `server`.
    pub(crate) fn new(server: Server) -> Self {
        Self { server }
    }

    /// The largest request body the server accepts, which the MCP endpoint applies too.
    pub(crate) fn max_body_bytes(&self) -> usize {
        self.server.limits().max_body_bytes
    }

    /// Every mounted method, in mounting order, as discovery describes it.
    pub(crate) fn methods(&self) -> &[Method] {
        self.server.api().methods()
    }

    /// Where `method` is defined (`file:line (Type::method)`), for build errors.
    pub(crate) fn location(&self, method: &Method) -> String {
        self.server
            .methods()
            .find(|m| m.full_name == method.full_name())
            .map_or_else(|| method.full_name().to_owned(), |m| m.def.location())
    }

    /// Whether `caller` may call method `index` (its role and scopes; projects are checked by
    /// the call itself): the check `Server::invoke` makes. Every method, on a server that does
    /// not authenticate.
    pub(crate) fn may_call(&self, index: usize, caller: Option<&Caller>) -> bool {
        self.methods()[index].callable_by(caller)
    }

    /// Authenticates a request with the server's own authenticator (so both endpoints share
    /// its cache and rate counters): `api_key` is the key the request carries (`x-api-key` or
    /// `Authorization: Bearer`), and the authenticator sees every header too. `Ok(None)` on a
    /// server that does not authenticate.
    pub(crate) async fn authenticate(
        &self,
        api_key: Option<&[u8]>,
        request: RequestInfo<'_>,
    ) -> Result<Option<Arc<Caller>>, Refusal> {
        let Some(auth) = self.server.authenticator() else {
            return Ok(None);
        };
        let headers = HttpHeaders(request.headers);
        let credentials = Credentials::new(api_key, request.peer).with_headers(&headers);
        match auth.authenticate(credentials).await {
            Ok(caller) => Ok(Some(caller)),
            Err(AuthError::RateLimited { retry_after }) => {
                Err(Refusal::RateLimited { retry_after })
            }
            Err(error) => {
                tracing::debug!(?error, peer = ?request.peer, "MCP: authentication failed");
                Err(Refusal::Unauthorized)
            }
        }
    }

    /// Counts `calls` calls against the caller's rate limit, where the authenticator keeps it
    /// (in this process, or shared by several servers, e.g. in Redis), as the HTTP endpoint does.
    pub(crate) async fn charge(
        &self,
        caller: &Caller,
        calls: usize,
    ) -> Result<RateStatus, Throttled> {
        self.server.charge_async(caller, calls).await
    }

    /// Calls method `index` with `args` (a JSON object: the params by name; `None` for none,
    /// which is an empty object) as `caller`, through the dispatcher: the same binding and
    /// coercion, role, scope and project checks, call timeout and result limit as a JSON-RPC
    /// call. The handler sees the MCP request's `id` and headers. The result is plain (never
    /// Leantime 3.8's one-element array), as the tool's output schema describes it.
    pub(crate) async fn invoke(
        &self,
        index: usize,
        args: Option<&RawValue>,
        caller: Option<&Caller>,
        id: &RawValue,
        headers: &HeaderMap,
    ) -> Result<Box<RawValue>, RpcError> {
        let args = match args {
            Some(args) => args,
            None => serde_json::from_str("{}").map_err(|_| RpcError::internal())?,
        };
        let headers = HttpHeaders(headers);
        let ctx = CallContext::new(caller, &headers).with_id(Id::from_raw(id));
        let method = self.methods()[index].full_name();
        self.server
            .invoke(method, Params::from_raw(args)?, &ctx)
            .await
    }
}
