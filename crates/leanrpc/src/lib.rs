//! leanrpc: serve a Leantime-style JSON-RPC 2.0 API from annotated Rust impl blocks.
//!
//! This facade re-exports [`leanrpc_core`], the [`rpc_service`] macro and, as `leanrpc::http`
//! (feature `http`, on by default), the HTTP endpoint of `leanrpc-http`. Annotate an impl
//! block, mount an instance on a [`Server`], and call it, here in process (an HTTP adapter such
//! as `leanrpc-axum` serves the same server over HTTP; [`Server::invoke`] calls one method with
//! no JSON-RPC text at all):
//!
//! ```
//! use leanrpc::{Caller, RpcError, Server, rpc_service};
//! use serde::Serialize;
//!
//! #[derive(Serialize)]
//! struct Ticket {
//!     id: i64,
//!     title: String,
//! }
//!
//! struct Tickets;
//!
//! #[rpc_service("tickets")]
//! impl Tickets {
//!     /// Returns one ticket.
//!     async fn get_ticket(&self, caller: Option<&Caller>, id: i64) -> Result<Ticket, RpcError> {
//!         let _ = caller; // `Some` when the server authenticates callers
//!         match id {
//!             1 => Ok(Ticket { id, title: "First".into() }),
//!             _ => Err(RpcError::not_found()),
//!         }
//!     }
//!
//!     /// Lists ticket ids, `limit` defaulting to 0 (no limit).
//!     #[rpc(alias = "list")]
//!     fn all_ids(&self, #[rpc(default)] limit: usize) -> Vec<i64> {
//!         let ids = vec![1, 2, 3];
//!         if limit == 0 { ids } else { ids.into_iter().take(limit).collect() }
//!     }
//! }
//!
//! # futures_executor::block_on(async {
//! let server = Server::builder().namespace("leantime.rpc").service(Tickets).build()?;
//! let call = |body: &'static str| {
//!     let server = server.clone();
//!     async move { String::from_utf8(server.call(body).await.unwrap()).unwrap() }
//! };
//! assert_eq!(
//!     call(r#"{"jsonrpc":"2.0","method":"leantime.rpc.tickets.getTicket","params":{"id":"1"},"id":1}"#).await,
//!     r#"{"jsonrpc":"2.0","result":{"id":1,"title":"First"},"id":1}"#
//! );
//! assert_eq!(
//!     call(r#"{"jsonrpc":"2.0","method":"leantime.rpc.tickets.list","params":[2],"id":2}"#).await,
//!     r#"{"jsonrpc":"2.0","result":[1,2],"id":2}"#
//! );
//! assert_eq!(
//!     call(r#"{"jsonrpc":"2.0","method":"leantime.rpc.tickets.get_ticket","params":[9],"id":3}"#).await,
//!     r#"{"jsonrpc":"2.0","error":{"code":-32002,"message":"Not found"},"id":3}"#
//! );
//! # Ok::<(), leanrpc::BuildError>(())
//! # }).unwrap();
//! ```
//!
//! The [`rpc_service`] documentation lists every attribute, parameter kind and rule.

pub use leanrpc_core::*;
#[cfg(feature = "http")]
pub use leanrpc_http as http;
pub use leanrpc_macros::rpc_service;

/// The browsable HTML API reference (the `leanrpc-reference` crate; feature `reference-page`,
/// on by default): mount it with
/// `Server::builder().reference_page(leanrpc::reference::Page::default())`.
#[cfg(feature = "reference-page")]
pub use leanrpc_reference as reference;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

/// Typed clients: the [`leanrpc-client`](leanrpc_client) crate, behind the `client` feature.
///
/// `#[rpc_service("tickets", client)]` generates a `TicketsClient` beside the service; see
/// [`Client`](client::Client).
#[cfg(feature = "client")]
pub use leanrpc_client as client;

/// Typed TypeScript clients: the [`leanrpc-typescript`](leanrpc_typescript) crate, behind the
/// `typescript` feature. [`generate`](typescript::generate) turns a server's OpenRPC document
/// (`rpc.discover`, or `server.api().openrpc(None)`) into one self-contained `.ts` module.
#[cfg(feature = "typescript")]
pub use leanrpc_typescript as typescript;

/// Passes the client `#[rpc_service(..., client)]` generates through when the `client`
/// feature is on.
#[cfg(feature = "client")]
#[doc(hidden)]
#[macro_export]
macro_rules! __leanrpc_client_items {
    ($($items:tt)*) => { $($items)* };
}

/// Explains, once, that the `client` key needs the `client` feature.
#[cfg(not(feature = "client"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __leanrpc_client_items {
    ($($items:tt)*) => {
        ::core::compile_error!(
            "`#[rpc_service(..., client)]` needs the `client` feature of leanrpc: \
             `leanrpc = { version = \"0.1\", features = [\"client\"] }` in Cargo.toml \
             (or remove `client` from the attribute)"
        );
    };
}
