//! Run with: cargo run -p hyper-server -- --listen 127.0.0.1:8081 --data tickets-data
//!
//! The tickets API of `examples/tickets`, served by plain hyper instead of axum. The whole
//! adapter is `leanrpc_hyper::serve_server`: it accepts connections (capped, every one with
//! header-read, idle and write timeouts, accept errors retried rather than fatal) and hands
//! each request to a `leanrpc_http::Endpoint`, which checks a POST's key before reading its
//! body (within the body-read timeout) and answers with the core's dispatcher. Protocol logic
//! stays in `leanrpc-core`, HTTP rules in `leanrpc-http`. Another stack would call
//! `Endpoint::respond` from its own handler.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use leanrpc_hyper::ServeOptions;
use tickets::{App, Options};

/// Serve the tickets API on plain hyper.
#[derive(Debug, Parser)]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8081")]
    listen: SocketAddr,
    /// The data directory (shared with `tickets`; keys are managed with `tickets keys`).
    #[arg(long, default_value = tickets::DEFAULT_DATA_DIR)]
    data: PathBuf,
    /// Milliseconds a client may take to send a request's headers, or sit idle between
    /// requests (default 10,000).
    #[arg(long, default_value_t = 10_000)]
    header_read_timeout_ms: u64,
    /// Milliseconds a response may wait on a client that does not read it (default 30,000).
    #[arg(long, default_value_t = 30_000)]
    write_timeout_ms: u64,
    /// Most connections served at once (default 1,024).
    #[arg(long, default_value_t = 1024)]
    max_connections: usize,
    /// How many `X-Forwarded-For` hops to believe for the client's address (default 0: none).
    #[arg(long, default_value_t = 0)]
    trusted_proxy_hops: usize,
}

#[tokio::main]
async fn main() -> Result<(), tickets::Error> {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .init();
    let app = App::open(&Options::new(&args.data))?;
    if let Some(key) = app.first_owner_key().await? {
        println!(
            "Created an owner API key (shown only this once): {}",
            key.reveal()
        );
    }
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    tracing::info!(
        "listening on http://{}{}",
        listener.local_addr()?,
        app.server.path()
    );
    let options = ServeOptions::new()
        .header_read_timeout(Duration::from_millis(args.header_read_timeout_ms))
        .write_timeout(Duration::from_millis(args.write_timeout_ms))
        .max_connections(args.max_connections)
        .trusted_proxy_hops(args.trusted_proxy_hops);
    leanrpc_hyper::serve_server(
        listener,
        app.server.clone(),
        options,
        leanrpc_hyper::shutdown_signal(),
    )
    .await?;
    Ok(())
}
