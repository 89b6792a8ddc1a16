//! Mounts a [`leanrpc_core::Server`] on axum (and so on any tower stack).
//!
//! The adapter maps the HTTP request to the core's transport-neutral [`HttpRequest`] and the
//! core's [`HttpResponse`] back, and enforces the body limits before and while the body is
//! buffered. Every protocol rule lives in the core.
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

use std::convert::Infallible;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request};
use axum::http::header::InvalidHeaderValue;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::Response;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use leanrpc_core::{BoxFuture, HeaderSource, HttpRequest, HttpResponse, Server};
use tower_service::Service as _;

/// A router that answers the server's endpoint path (ignoring case and a trailing slash) and
/// gives every other path a JSON 404. Add your own routes to it with `.route(...)`.
pub fn router(server: Server) -> Router {
    Router::new().fallback_service(JsonRpcService::new(server))
}

/// Connection-level settings for [`serve_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServeOptions {
    /// How long a client may take to send a request's headers (default 10 s): a slowloris
    /// client trickling headers is disconnected after it.
    pub header_read_timeout: Duration,
    /// How long in-flight requests may take to finish after shutdown begins (default 30 s).
    pub shutdown_grace: Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

/// Serves `app` on `listener` with [`ServeOptions::default`] until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, app, ServeOptions::default(), shutdown).await
}

/// Serves `app` on `listener` (HTTP/1.1) until `shutdown` completes: then it stops accepting,
/// lets in-flight requests finish (up to `shutdown_grace`), and returns. Client addresses reach
/// the core (for per-address limits) as axum's `ConnectInfo<SocketAddr>`.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    app: Router,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_loop(listener, options, shutdown, move |peer| {
        let app = app.clone();
        hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            let mut app = app.clone();
            async move { app.call(request.map(Body::new)).await }
        })
    })
    .await
}

/// Serves `server` alone on `listener`, without an axum [`Router`], until `shutdown`
/// completes, with the same connection handling as [`serve_with`] (HTTP/1.1, header read
/// timeout, graceful shutdown).
///
/// Every request goes straight to the core, so the answers are those of [`router`]`(server)`
/// (a JSON 404 on other paths), at less cost per request. Use [`serve_with`] and [`router`]
/// when the process serves other routes or tower layers too.
pub async fn serve_server(
    listener: tokio::net::TcpListener,
    server: Server,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_loop(listener, options, shutdown, move |peer| {
        let server = server.clone();
        hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let server = server.clone();
            async move {
                let (parts, body) = request.into_parts();
                let response = handle_parts(&server, &parts, body, Some(peer.ip())).await;
                Ok::<_, Infallible>(into_response::<Full<Bytes>>(response))
            }
        })
    })
    .await
}

/// The accept loop shared by [`serve_with`] and [`serve_server`]: one hyper HTTP/1 connection
/// per accepted socket, served by `service_for(peer)`.
async fn serve_loop<S, B>(
    listener: tokio::net::TcpListener,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
    service_for: impl Fn(SocketAddr) -> S,
) -> std::io::Result<()>
where
    S: hyper::service::Service<hyper::Request<Incoming>, Response = hyper::Response<B>>
        + Send
        + 'static,
    S::Future: Send + 'static,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    B: hyper::body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    // HTTP/1.1 only: hyper's own HTTP/1 connection, without hyper-util's version-detecting
    // wrapper (which re-reads every byte through a rewind buffer).
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(options.header_read_timeout);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let connection = builder.serve_connection(TokioIo::new(stream), service_for(peer));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, %peer, "connection closed with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(options.shutdown_grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("in-flight requests did not finish within the shutdown grace period");
    }
    Ok(())
}

/// tokio's clock for [`leanrpc_core::ServerBuilder::call_timeout`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Tokio;

impl leanrpc_core::Timer for Tokio {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
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
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    into_response(handle_parts(server, &parts, body, peer).await)
}

/// Answers one request, given as its head and body, with `server`.
async fn handle_parts<B>(
    server: &Server,
    parts: &axum::http::request::Parts,
    body: B,
    peer: Option<IpAddr>,
) -> HttpResponse
where
    B: hyper::body::Body<Data = Bytes> + Unpin,
{
    let body = if parts.method == Method::POST {
        let limits = server.limits();
        match read_body(
            body,
            &parts.headers,
            limits.max_body_bytes,
            limits.body_read_timeout,
        )
        .await
        {
            Ok(bytes) => bytes,
            Err(response) => return response,
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
        peer,
    };
    server.handle(&request).await
}

/// Buffers a body of at most `limit` bytes within `timeout`, refusing a larger declared length
/// up front.
///
/// A small body usually sits complete in hyper's channel by the time the handler runs, so the
/// first read is tried without a timer; the timeout starts only when the body is still on its
/// way.
async fn read_body<B>(
    mut body: B,
    headers: &HeaderMap,
    limit: usize,
    timeout: Duration,
) -> Result<Bytes, HttpResponse>
where
    B: hyper::body::Body<Data = Bytes> + Unpin,
{
    let declared = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| std::str::from_utf8(v.as_bytes()).ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(HttpResponse::payload_too_large(limit));
    }
    let mut read = std::pin::pin!(collect_body(&mut body, limit));
    let first = std::future::poll_fn(|cx| match read.as_mut().poll(cx) {
        Poll::Ready(result) => Poll::Ready(Some(result)),
        Poll::Pending => Poll::Ready(None),
    })
    .await;
    if let Some(result) = first {
        return result;
    }
    match tokio::time::timeout(timeout, read).await {
        Ok(result) => result,
        Err(_) => Err(HttpResponse::body_timeout()),
    }
}

/// Reads every data frame of `body` (at most `limit` bytes in all). A body of one frame, the
/// usual case, is returned as that frame without copying.
async fn collect_body<B>(body: &mut B, limit: usize) -> Result<Bytes, HttpResponse>
where
    B: hyper::body::Body<Data = Bytes> + Unpin,
{
    let mut first: Option<Bytes> = None;
    let mut joined: Vec<u8> = Vec::new();
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| HttpResponse::unreadable_body())?;
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        total = total.saturating_add(data.len());
        if total > limit {
            return Err(HttpResponse::payload_too_large(limit));
        }
        if data.is_empty() {
            continue;
        }
        match first.take() {
            None if joined.is_empty() => first = Some(data),
            None => joined.extend_from_slice(&data),
            Some(previous) => {
                joined.reserve(previous.len() + data.len());
                joined.extend_from_slice(&previous);
                joined.extend_from_slice(&data);
            }
        }
    }
    Ok(first.unwrap_or_else(|| Bytes::from(joined)))
}

fn into_response<B: From<Bytes>>(response: HttpResponse) -> hyper::Response<B> {
    let mut out = hyper::Response::new(B::from(Bytes::from(response.body)));
    if response.status != 200 {
        *out.status_mut() =
            StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    if response.headers.is_empty() {
        return out;
    }
    let headers = out.headers_mut();
    headers.reserve(response.headers.len());
    for (name, value) in response.headers {
        let value = match value {
            // The core's fixed values (content types and the like) are `'static`: no copy, and
            // no validation beyond `from_static`'s.
            std::borrow::Cow::Borrowed(text) => header_value_static(text),
            std::borrow::Cow::Owned(text) => HeaderValue::try_from(text),
        };
        if let Ok(value) = value {
            headers.append(header_name(name), value);
        }
    }
    out
}

/// A `'static` header value without copying it, when it is a valid one.
fn header_value_static(text: &'static str) -> Result<HeaderValue, InvalidHeaderValue> {
    /// The content type of every JSON-RPC answer, checked once at compile time.
    const APPLICATION_JSON: HeaderValue = HeaderValue::from_static("application/json");
    if text == "application/json" {
        return Ok(APPLICATION_JSON);
    }
    // `from_static` panics on anything but visible ASCII and tabs; anything else goes the
    // checked, copying way.
    if text
        .bytes()
        .all(|b| b == b'\t' || (0x20..0x7f).contains(&b))
    {
        Ok(HeaderValue::from_static(text))
    } else {
        HeaderValue::from_str(text)
    }
}

/// The header name for one of the core's lowercase `'static` names; the common ones are
/// constants, so no parsing.
fn header_name(name: &'static str) -> HeaderName {
    use axum::http::header;
    match name {
        "content-type" => header::CONTENT_TYPE,
        "allow" => header::ALLOW,
        "retry-after" => header::RETRY_AFTER,
        _ => HeaderName::from_static(name),
    }
}

/// Header access for the core.
struct Headers<'a>(&'a HeaderMap);

impl HeaderSource for Headers<'_> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        use axum::http::header;
        // The names the core asks for on every request, as constants: no parsing, no hashing
        // of a name given as text.
        let value = match name {
            "content-type" => self.0.get(header::CONTENT_TYPE),
            "accept" => self.0.get(header::ACCEPT),
            "host" => self.0.get(header::HOST),
            _ => self.0.get(name),
        };
        value.map(HeaderValue::as_bytes)
    }

    fn header_count(&self, name: &str) -> usize {
        self.0.get_all(name).iter().count()
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
