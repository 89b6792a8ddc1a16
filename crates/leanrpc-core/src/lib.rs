//! The transport-neutral core of leanrpc: a spec-exact JSON-RPC 2.0 endpoint.
//!
//! It holds the envelope ([`Envelope`], [`Call`], [`Id`], [`Params`]), the error codes
//! ([`ErrorCode`], [`RpcError`]), the method registry that `#[rpc_service]` fills at link time,
//! the dispatcher ([`Server`]), and the auth mechanism ([`Caller`], [`Grant`], [`Role`],
//! [`Authenticator`]). It depends on no HTTP crate and no async runtime.
//!
//! Front ends reach methods through the dispatcher's public API: one call at a time with
//! [`Server::invoke`] (the caller's access checked, [`Server::callable`] lists what it may
//! call), or a JSON-RPC body with [`Server::decode`] and [`Server::answer`]. `leanrpc-http`
//! is the HTTP front end (paths, verbs, GET queries, status codes); MCP and in-process clients
//! call the same API.
//!
//! ```
//! # futures_executor::block_on(async {
//! let server = leanrpc_core::Server::builder().build().unwrap();
//! let answer = server.call(r#"{"jsonrpc":"2.0","method":"nope","id":7}"#).await.unwrap();
//! assert_eq!(
//!     String::from_utf8(answer).unwrap(),
//!     r#"{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":7}"#
//! );
//! # });
//! ```

pub mod auth;
mod coerce;
pub mod context;
mod depth;
pub mod discover;
pub mod envelope;
pub mod error;
pub mod limits;
pub mod observe;
pub mod params;
pub mod registry;
pub mod response;
pub mod server;

pub use auth::{
    Access, AuthError, Authenticator, Caller, Credentials, Grant, RateStatus, Role, Throttled,
};
pub use context::{CallContext, FromContext, HeaderSource, NoHeaders, RequestId};
pub use envelope::{Call, Envelope, Id, Item};
pub use error::{ErrorCode, RpcError};
pub use limits::Limits;
pub use observe::{CallInfo, CallObserver, CallOutcome};
pub use params::{ParamDef, Params, UnknownParams};
pub use registry::{Answer, Invocation, MethodDef, Registration, RpcService};
pub use server::{BuildError, MountedMethod, Server, ServerBuilder, Timer};

/// A boxed, sendable future: the shape of every handler and of the async plug-in traits.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

#[doc(hidden)]
pub use inventory;
