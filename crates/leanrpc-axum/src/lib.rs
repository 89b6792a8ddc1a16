//! Mounts a [`leanrpc_core::Server`] on axum (and so on any tower stack).
//!
//! The adapter is glue: [`leanrpc_http::Endpoint`] answers each request (its key checked before
//! its body is read, within the limits) and [`leanrpc_hyper`] runs the accept loop with its
//! connection cap and timeouts. Every protocol rule lives in the core and every HTTP rule in
//! `leanrpc-http`.
//!
//! ```no_run
//! # async fn run(server: leanrpc_core::Server) -> std::io::Result<()> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! let app = leanrpc_axum::router(server).route("/health", axum::routing::get(|| async { "ok" }));
//! leanrpc_axum::serve(listener, app, leanrpc_axum::shutdown_signal()).await
//! # }
//! ```
//!
//! A process that serves nothing but the JSON-RPC endpoint can skip the [`Router`] with
//! [`serve_server`], which gives the same answers at less cost per request:
//!
//! ```no_run
//! # async fn run(server: leanrpc_core::Server) -> std::io::Result<()> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! let options = leanrpc_axum::ServeOptions::default();
//! leanrpc_axum::serve_server(listener, server, options, leanrpc_axum::shutdown_signal()).await
//! # }
//! ```
//!
//! Under plain `axum::serve`, serve the router with
//! `into_make_service_with_connect_info::<SocketAddr>()`: the authenticator's per-address
//! limits need the client's address, and without it the endpoint logs a warning (once).

use std::convert::Infallible;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::response::Response;
use hyper::body::Incoming;
use leanrpc_core::Server;
use leanrpc_http::Endpoint;
use tower_service::Service as _;

pub use leanrpc_hyper::{ServeOptions, Tokio, serve_server, shutdown_signal};

mod layers;

pub use layers::{CorsOriginError, cors, with_request_ids};

/// A router that answers the server's endpoint path (ignoring case and a trailing slash) and
/// gives every other path a JSON 404. Add your own routes to it with `.route(...)`.
///
/// Takes a [`Server`], or an [`Endpoint`] built from one.
pub fn router(endpoint: impl Into<Endpoint>) -> Router {
    Router::new().fallback_service(JsonRpcService::new(endpoint))
}

/// Serves `app` on `listener` with [`ServeOptions::default`] until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, app, ServeOptions::default(), shutdown).await
}

/// Serves `app` on `listener` (HTTP/1.1) until `shutdown` completes, with the connection
/// handling of [`leanrpc_hyper::serve_connections`] (connection cap, timeouts, accept errors
/// that never end the server, graceful shutdown).
///
/// Handlers see the socket's address as axum's `ConnectInfo<SocketAddr>` and, when
/// [`ServeOptions::trusted_proxy_hops`] is set, the client's address as a
/// [`leanrpc_hyper::ClientAddr`] extension; the endpoint hands the latter (else the former) to
/// the authenticator.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    app: Router,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let hops = options.trusted_proxy_hops;
    leanrpc_hyper::serve_connections(listener, options, shutdown, move |peer| {
        let app = app.clone();
        hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            if hops > 0 {
                // Without trusted hops the client is the socket's address, already in
                // `ConnectInfo`: no second extension per request.
                let client = leanrpc_hyper::client_addr(peer.ip(), request.headers(), hops);
                request
                    .extensions_mut()
                    .insert(leanrpc_hyper::ClientAddr(client));
            }
            request.extensions_mut().insert(ConnectInfo(peer));
            let mut app = app.clone();
            async move { app.call(request.map(Body::new)).await }
        })
    })
    .await
}

/// The endpoint as a tower service, for stacks that mount services directly.
#[derive(Debug, Clone)]
pub struct JsonRpcService {
    endpoint: Endpoint,
}

impl JsonRpcService {
    /// Wraps a built server (or an [`Endpoint`] built from one).
    pub fn new(endpoint: impl Into<Endpoint>) -> Self {
        Self {
            endpoint: endpoint.into(),
        }
    }
}

impl tower_service::Service<Request> for JsonRpcService {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let endpoint = self.endpoint.clone();
        Box::pin(async move { Ok(handle(&endpoint, req).await) })
    }
}

/// Answers one axum request with `endpoint`. The client's address comes from a
/// [`leanrpc_hyper::ClientAddr`] extension ([`serve_with`] sets it), else from axum's
/// `ConnectInfo<SocketAddr>`.
pub async fn handle(endpoint: &Endpoint, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let peer = peer_of(endpoint.server(), &parts.extensions);
    endpoint.respond(&parts, body, peer).await.into_http()
}

/// The client's address of a request, warning once per process when an authenticator needs it
/// and the stack did not provide it.
fn peer_of(server: &Server, extensions: &axum::http::Extensions) -> Option<IpAddr> {
    /// Whether the missing-address warning was logged.
    static WARNED: AtomicBool = AtomicBool::new(false);
    let peer = extensions
        .get::<leanrpc_hyper::ClientAddr>()
        .map(|c| c.0)
        .or_else(|| {
            extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip())
        });
    if peer.is_none() && server.authenticates() && !WARNED.swap(true, Ordering::Relaxed) {
        tracing::warn!(
            "leanrpc: requests carry no client address, so per-address limits (failed \
             attempts) are off; serve the router with leanrpc_axum::serve_with, or with \
             axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())"
        );
    }
    peer
}
