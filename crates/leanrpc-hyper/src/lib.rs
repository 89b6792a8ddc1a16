//! Serves a [`leanrpc_core::Server`] on hyper with tokio: the accept loop with a connection
//! cap, the header-read, idle and write timeouts, trusted proxy hops, and graceful shutdown.
//!
//! Every HTTP rule (paths, verbs, GET queries, the key checked before the body, the limited
//! body reader and its timeout, status codes) is [`leanrpc_http`]'s: each request goes to a
//! [`leanrpc_http::Endpoint`]. leanrpc-axum is glue over this crate; another service on hyper
//! plugs in through [`serve_connections`] and [`Endpoint::respond`](leanrpc_http::Endpoint::respond).
//!
//! ```no_run
//! # async fn run(server: leanrpc_core::Server) -> std::io::Result<()> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! let options = leanrpc_hyper::ServeOptions::new();
//! leanrpc_hyper::serve_server(listener, server, options, leanrpc_hyper::shutdown_signal()).await
//! # }
//! ```

mod accept;
mod io;
mod options;
mod peer;
mod signal;

pub use accept::{serve_connections, serve_server};
/// tokio's clock, for [`ServerBuilder::call_timeout`](leanrpc_core::ServerBuilder::call_timeout)
/// (re-exported from [`leanrpc_http`]).
pub use leanrpc_http::Tokio;
pub use options::ServeOptions;
pub use peer::{ClientAddr, client_addr};
pub use signal::shutdown_signal;
