//! Run with: cargo run --release -p leanrpc-benches --example leanrpc_server -- --listen 127.0.0.1:8081 [--auth] [--metrics]
//!
//! The leanrpc contender of the load test: the specification's methods plus `strlen` and
//! `sleep2` (2 ms of simulated I/O), through `#[rpc_service]` and `leanrpc_axum`. With `--auth`
//! every request needs an `x-api-key` (a fresh owner key in a temporary SQLite key store,
//! printed on stdout as `key: ...`). With `--metrics` every call is recorded by
//! `leanrpc-telemetry`'s Prometheus call metrics, served at `/metrics` on a second loopback
//! port (printed as `metrics on ...`), as `tickets serve --metrics-listen` does.

use leanrpc_benches::service;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (addr, [auth, metrics]) = service::listen_arg(["--auth", "--metrics"]);
    let dir = tempfile::tempdir()?;
    let server = if metrics {
        let handle = leanrpc_telemetry::install_prometheus()?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        println!("metrics on http://{}/metrics", listener.local_addr()?);
        tokio::spawn(leanrpc_telemetry::serve_metrics(
            listener,
            handle,
            leanrpc_axum::shutdown_signal(),
        ));
        service::metered_server()
    } else if auth {
        let keyed = service::keyed_server(dir.path()).await;
        println!("key: {}", keyed.key.reveal());
        keyed.server
    } else {
        service::server()
    };
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!(
        "listening on http://{}{}",
        listener.local_addr()?,
        server.path()
    );
    leanrpc_axum::serve(
        listener,
        leanrpc_axum::router(server),
        leanrpc_axum::shutdown_signal(),
    )
    .await?;
    Ok(())
}
