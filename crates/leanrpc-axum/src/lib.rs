//! Mounts a [`leanrpc_core::Server`] on axum (and so on any tower stack).
//!
//! The adapter maps the HTTP request to the core's transport-neutral [`HttpRequest`] and the
//! core's [`HttpResponse`] back, and enforces the body limit before the body is buffered.
//! Every protocol rule lives in the core.
//!
//! ```no_run
//! # async fn run(server: leanrpc_core::Server) -> std::io::Result<()> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! let app = leanrpc_axum::router(server).route("/health", axum::routing::get(|| async { "ok" }));
//! leanrpc_axum::serve(listener, app, std::future::pending()).await
//! # }
//! ```

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::Response;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use leanrpc_core::{HeaderSource, HttpRequest, HttpResponse, Server};

/// A router that answers the server's endpoint path (ignoring case and a trailing slash) and
/// gives every other path a JSON 404. Add your own routes to it with `.route(...)`.
pub fn router(server: Server) -> Router {
    Router::new().fallback_service(JsonRpcService::new(server))
}

/// Serves `app` on `listener` with client addresses available to the core (for per-address
/// limits), until `shutdown` completes; in-flight requests finish first.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// The endpoint as a tower service, for stacks that mount services directly.
#[derive(Debug, Clone)]
pub struct JsonRpcService {
    server: Server,
}

impl JsonRpcService {
    /// Wraps a built server.
    pub fn new(server: Server) -> Self {
        Self { server }
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
        let server = self.server.clone();
        Box::pin(async move { Ok(handle(&server, req).await) })
    }
}

/// Answers one axum request with `server`.
pub async fn handle(server: &Server, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = if parts.method == Method::POST {
        match read_body(body, &parts.headers, server.limits().max_body_bytes).await {
            Ok(bytes) => bytes,
            Err(response) => return into_response(response),
        }
    } else {
        Bytes::new()
    };
    let headers = Headers(&parts.headers);
    let request = HttpRequest {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query(),
        headers: &headers,
        body: &body,
        peer: parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip()),
    };
    into_response(server.handle(&request).await)
}

/// Buffers a body of at most `limit` bytes, refusing a larger declared length up front.
async fn read_body(body: Body, headers: &HeaderMap, limit: usize) -> Result<Bytes, HttpResponse> {
    let declared = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(HttpResponse::payload_too_large(limit));
    }
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => {
            Err(HttpResponse::payload_too_large(limit))
        }
        Err(_) => Err(HttpResponse::unreadable_body()),
    }
}

fn into_response(response: HttpResponse) -> Response {
    let mut out = Response::new(Body::from(response.body));
    *out.status_mut() =
        StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = out.headers_mut();
    for (name, value) in response.headers {
        if let Ok(value) = HeaderValue::try_from(value) {
            headers.append(HeaderName::from_static(name), value);
        }
    }
    out
}

/// Header access for the core.
struct Headers<'a>(&'a HeaderMap);

impl HeaderSource for Headers<'_> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.0.get(name).map(HeaderValue::as_bytes)
    }
}

/// Completes on SIGINT (Ctrl-C) or, on Unix, SIGTERM: pass it to [`serve`] for a graceful stop.
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
