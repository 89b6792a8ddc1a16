//! The transport-neutral core of leanrpc: a spec-exact JSON-RPC 2.0 endpoint.
//!
//! It holds the envelope ([`Envelope`], [`Call`], [`Id`], [`Params`]), the error codes
//! ([`ErrorCode`], [`RpcError`]), the method registry that `#[rpc_service]` fills at link time,
//! the dispatcher ([`Server`]), the auth mechanism ([`Caller`], [`Grant`], [`Role`],
//! [`Authenticator`]), and the HTTP boundary ([`HttpRequest`], [`HttpResponse`]) that any HTTP stack
//! maps to and from. It depends on no HTTP crate and no async runtime.
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
pub mod http;
pub mod limits;
pub mod params;
pub mod registry;
mod response;
pub mod server;

pub use auth::{
    Access, AuthError, Authenticator, Caller, Credentials, Grant, RateStatus, Role, Throttled,
};
pub use context::{CallContext, FromContext, HeaderSource, NoHeaders, RequestId};
pub use envelope::{Call, Envelope, Id, Item};
pub use error::{ErrorCode, RpcError};
pub use http::{Admission, HttpRequest, HttpResponse};
pub use limits::Limits;
pub use params::{ParamDef, Params, UnknownParams};
pub use registry::{Answer, Invocation, MethodDef, Registration, RpcService};
pub use server::{BuildError, MountedMethod, Server, ServerBuilder, Timer};

/// A boxed, sendable future: the shape of every handler and of the async plug-in traits.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

#[doc(hidden)]
pub use inventory;
