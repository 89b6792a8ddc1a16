//! The HTTP endpoint of leanrpc, for any HTTP stack: it maps HTTP requests onto the
//! dispatcher's public API ([`Server::decode`](leanrpc_core::Server::decode),
//! [`Server::answer`](leanrpc_core::Server::answer),
//! [`Server::charge`](leanrpc_core::Server::charge)) and its answers back to HTTP.
//!
//! It holds every HTTP rule and no server: the endpoint path and the reference page's path,
//! the verbs (POST, GET, 405 for the rest), GET queries (`method`, `id`, base64 `params`), the
//! content type, the `x-api-key` header checked from the head before a body is read, the
//! status codes (400, 401, 404, 405, 408, 413, 414, 415, 429) and the rate headers, and the
//! limited body reader. It depends on the `http` and `http-body` crates and on no HTTP server
//! or async runtime; `leanrpc-hyper` and `leanrpc-axum` serve it, and feature `tokio` adds
//! tokio's clock ([`Tokio`]) for the body read timeout.
//!
//! An [`Endpoint`] wraps a built [`Server`](leanrpc_core::Server). A stack on the `http` types
//! hands it each request's head and body ([`Endpoint::respond`]) and sends the answer back
//! ([`HttpResponse::into_http`]); a stack with types of its own describes the request as an
//! [`HttpRequest`] and calls [`Endpoint::handle`] (or [`Endpoint::admit`] and
//! [`Endpoint::handle_admitted`], to check the key before reading the body).
//!
//! ```
//! use leanrpc_http::{Endpoint, HttpRequest};
//! use leanrpc_core::{NoHeaders, Server};
//!
//! # futures_executor::block_on(async {
//! let endpoint = Endpoint::new(Server::builder().build().unwrap());
//! let request = HttpRequest {
//!     method: "GET",
//!     path: "/api/jsonrpc",
//!     query: Some("jsonrpc=2.0&method=nope&id=1"),
//!     headers: &NoHeaders,
//!     body: b"",
//!     peer: None,
//! };
//! let response = endpoint.handle(&request).await;
//! assert_eq!(response.status, 200);
//! assert_eq!(
//!     String::from_utf8(response.body).unwrap(),
//!     r#"{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":1}"#
//! );
//! # });
//! ```

mod admit;
mod body;
mod endpoint;
mod get;
mod reference;
mod request;
pub mod request_id;
mod respond;
mod status;
#[cfg(feature = "tokio")]
mod timer;

pub use admit::{API_KEY_HEADER, Admission};
pub use body::{BodyError, read_body};
pub use endpoint::Endpoint;
pub use get::query_to_json;
pub use request::{HttpHeaders, HttpRequest, HttpResponse};
pub use request_id::REQUEST_ID_HEADER;
pub use respond::REFUSED_BODY_BYTES;
#[cfg(feature = "tokio")]
pub use timer::Tokio;
