//! Serves a [`leanrpc_core::Server`] on hyper, with the connection handling every HTTP stack
//! needs and none should copy: the accept loop with a connection cap, the header-read, idle,
//! body-read and write timeouts, graceful shutdown, the limited body reader, and the order
//! that checks a POST's key before reading its body. leanrpc-axum is glue over this crate;
//! another stack plugs in through [`respond`] and [`serve_connections`].
//!
//! ```no_run
//! # async fn run(server: leanrpc_core::Server) -> std::io::Result<()> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! let options = leanrpc_hyper::ServeOptions::new();
//! leanrpc_hyper::serve_server(listener, server, options, leanrpc_hyper::shutdown_signal()).await
//! # }
//! ```

mod accept;
mod body;
mod io;
mod options;
mod peer;
pub mod request_id;
mod respond;
mod signal;
mod timer;

pub use accept::{serve_connections, serve_server};
pub use body::{BodyError, read_body};
pub use options::ServeOptions;
pub use peer::{ClientAddr, client_addr};
pub use request_id::REQUEST_ID_HEADER;
pub use respond::{REFUSED_BODY_BYTES, into_http, respond};
pub use signal::shutdown_signal;
pub use timer::Tokio;
