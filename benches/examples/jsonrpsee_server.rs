//! Run with: cargo run --release -p leanrpc-benches --example jsonrpsee_server -- --listen 127.0.0.1:8082 [--auth]
//!
//! The jsonrpsee contender of the load test: the same methods through jsonrpsee 0.26's own
//! HTTP server, configured as its documentation shows (`Server::builder().build(addr)`,
//! `start(module)`). With `--auth`, a tower layer checks the `x-api-key` by hand (SHA-256 of
//! the secret, a `HashMap` lookup) against a fresh key printed on stdout as `key: ...`.

use std::sync::Arc;
use std::task::{Context, Poll};

use futures_util::future::{Either, Ready, ready};
use jsonrpsee::core::BoxError;
use jsonrpsee::server::{HttpBody, HttpRequest, HttpResponse, Server};
use leanrpc_benches::keycheck::KeyTable;
use leanrpc_benches::service;

#[path = "../benches/common/jsonrpsee_api.rs"]
mod jsonrpsee_api;

/// Refuses requests without a valid `x-api-key` before jsonrpsee sees them.
#[derive(Debug, Clone)]
struct KeyLayer(Arc<KeyTable>);

impl<S> tower::Layer<S> for KeyLayer {
    type Service = KeyCheck<S>;

    fn layer(&self, inner: S) -> KeyCheck<S> {
        KeyCheck {
            inner,
            table: Arc::clone(&self.0),
        }
    }
}

#[derive(Debug, Clone)]
struct KeyCheck<S> {
    inner: S,
    table: Arc<KeyTable>,
}

impl<S> tower::Service<HttpRequest> for KeyCheck<S>
where
    S: tower::Service<HttpRequest, Response = HttpResponse, Error = BoxError>,
{
    type Response = HttpResponse;
    type Error = BoxError;
    type Future = Either<S::Future, Ready<Result<HttpResponse, BoxError>>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: HttpRequest) -> Self::Future {
        let key = req.headers().get("x-api-key").map(|v| v.as_bytes());
        if self.table.check(key) {
            Either::Left(self.inner.call(req))
        } else {
            let mut refused = HttpResponse::new(HttpBody::from("unauthorized"));
            *refused.status_mut() = http::StatusCode::UNAUTHORIZED;
            Either::Right(ready(Ok(refused)))
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (addr, [auth]) = service::listen_arg(["--auth"]);
    let module = jsonrpsee_api::module();
    let handle = if auth {
        let key = leanrpc_keys::KeyFormat::default().mint()?;
        println!("key: {}", key.reveal());
        let layer = KeyLayer(Arc::new(KeyTable::with_key(key.reveal())));
        let server = Server::builder()
            .set_http_middleware(tower::ServiceBuilder::new().layer(layer))
            .build(addr)
            .await?;
        println!("listening on http://{}/", server.local_addr()?);
        server.start(module)
    } else {
        let server = Server::builder().build(addr).await?;
        println!("listening on http://{}/", server.local_addr()?);
        server.start(module)
    };
    leanrpc_axum::shutdown_signal().await;
    handle.stop()?;
    handle.stopped().await;
    Ok(())
}
