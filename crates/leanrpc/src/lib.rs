//! leanrpc: serve a Leantime-style JSON-RPC 2.0 API from annotated Rust impl blocks.

pub use leanrpc_core::*;
