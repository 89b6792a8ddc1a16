//! leanrpc: serve a Leantime-style JSON-RPC 2.0 API from annotated Rust impl blocks.
//!
//! This facade re-exports [`leanrpc_core`] and the `#[rpc_service]` macro.

pub use leanrpc_core::*;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
