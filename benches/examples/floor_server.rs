//! Run with: cargo run --release -p leanrpc-benches --example floor_server -- --listen 127.0.0.1:8083 [--auth]
//!
//! The floor of the load test: one bare axum handler that parses the envelope with borrowed
//! params, calls, and serializes the answer (`leanrpc_benches::floor::call_async`; batch calls
//! run concurrently). With `--auth`, the `x-api-key` is checked by hand first (SHA-256 of the
//! secret, a `HashMap` lookup) against a fresh key printed on stdout as `key: ...`.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::post;
use leanrpc_benches::keycheck::KeyTable;
use leanrpc_benches::{floor, service};

async fn rpc(body: Bytes) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        floor::call_async(&body).await,
    )
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (addr, [auth]) = service::listen_arg(["--auth"]);
    let app = if auth {
        let key = leanrpc_keys::KeyFormat::default().mint()?;
        println!("key: {}", key.reveal());
        let table = Arc::new(KeyTable::with_key(key.reveal()));
        Router::new().route(
            "/api/jsonrpc",
            post(move |headers: HeaderMap, body: Bytes| {
                let table = Arc::clone(&table);
                async move {
                    let key = headers.get("x-api-key").map(|v| v.as_bytes());
                    if !table.check(key) {
                        return StatusCode::UNAUTHORIZED.into_response();
                    }
                    rpc(body).await.into_response()
                }
            }),
        )
    } else {
        Router::new().route("/api/jsonrpc", post(rpc))
    };
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("listening on http://{}/api/jsonrpc", listener.local_addr()?);
    axum::serve(listener, app)
        .with_graceful_shutdown(leanrpc_axum::shutdown_signal())
        .await?;
    Ok(())
}
