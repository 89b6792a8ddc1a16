//! The accept loop: a connection cap, timeouts on every connection, errors that never end the
//! server, and graceful shutdown.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper_util::rt::{TokioIo, TokioTimer};
use leanrpc_http::Endpoint;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::io::WriteTimeout;
use crate::options::ServeOptions;
use crate::peer::client_addr;

/// The pause after a failed accept (out of file descriptors and the like) before the next try.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// Serves `endpoint` (a [`leanrpc_core::Server`], or an [`Endpoint`] built from one) alone on
/// `listener` until `shutdown` completes, with the connection handling of
/// [`serve_connections`]. Every request goes straight to [`Endpoint::respond`]; the client
/// address it sees is resolved with [`ServeOptions::trusted_proxy_hops`].
pub async fn serve_server(
    listener: TcpListener,
    endpoint: impl Into<Endpoint>,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let endpoint = endpoint.into();
    let hops = options.trusted_proxy_hops;
    serve_connections(listener, options, shutdown, move |peer| {
        let endpoint = endpoint.clone();
        hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let endpoint = endpoint.clone();
            async move {
                let (parts, body) = request.into_parts();
                let client = client_addr(peer.ip(), &parts.headers, hops);
                let response = endpoint.respond(&parts, body, Some(client)).await;
                Ok::<_, Infallible>(response.into_http::<Full<Bytes>>())
            }
        })
    })
    .await
}

/// Serves HTTP/1.1 on `listener` until `shutdown` completes, one hyper connection per accepted
/// socket, answered by `service_for(peer)`.
///
/// - At most [`ServeOptions::max_connections`] connections at once; the next client waits in
///   the listen backlog until one closes.
/// - Every connection has the header-read (and keep-alive idle) timeout and the write timeout
///   of `options`; body reads time out in [`Endpoint::respond`].
/// - A failed accept (out of file descriptors, a connection reset before it was accepted) is
///   logged and retried after a short pause: it never ends the server.
/// - On shutdown it stops accepting, lets in-flight requests finish (up to
///   [`ServeOptions::shutdown_grace`]) and returns `Ok`.
pub async fn serve_connections<S, B>(
    listener: TcpListener,
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
    let slots = Arc::new(Semaphore::new(options.max_connections.max(1)));
    let mut shutdown = std::pin::pin!(shutdown);
    let mut failing = false;
    loop {
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break, // never closed
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: back off instead of spinning, and
                    // say so once per run of failures.
                    if failing {
                        tracing::debug!(%error, "accept failed");
                    } else {
                        tracing::warn!(%error, "accept failed; retrying every {ACCEPT_BACKOFF:?}");
                    }
                    failing = true;
                    drop(slot);
                    tokio::select! {
                        () = tokio::time::sleep(ACCEPT_BACKOFF) => continue,
                        () = &mut shutdown => break,
                    }
                }
            },
            () = &mut shutdown => break,
        };
        failing = false;
        let io = TokioIo::new(WriteTimeout::new(stream, options.write_timeout));
        let connection = graceful.watch(builder.serve_connection(io, service_for(peer)));
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, %peer, "connection closed with an error");
            }
            drop(slot);
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
