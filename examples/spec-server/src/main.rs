//! Run with: cargo run -p spec-server
//!
//! The JSON-RPC 2.0 specification's example methods (`subtract`, `sum`, `get_data`, `update`,
//! `notify_hello`, `notify_sum`), served at `/api/jsonrpc` without auth: leanrpc's hello world.

use std::net::SocketAddr;

use clap::Parser;
use leanrpc::{Params, RpcError, Server, rpc_service};

/// The specification's example methods. They keep no state.
#[derive(Debug)]
struct Spec;

#[rpc_service]
impl Spec {
    /// Subtracts `subtrahend` from `minuend` (positional `[minuend, subtrahend]` or named).
    fn subtract(&self, minuend: i64, subtrahend: i64) -> Result<i64, RpcError> {
        minuend.checked_sub(subtrahend).ok_or_else(overflow)
    }

    /// Adds any number of integers given positionally.
    fn sum(&self, #[rpc(raw)] params: Params<'_>) -> Result<i64, RpcError> {
        let terms: Vec<i64> = params.sequence()?;
        terms
            .iter()
            .try_fold(0i64, |acc, n| acc.checked_add(*n))
            .ok_or_else(overflow)
    }

    /// Returns `["hello", 5]`.
    #[rpc(name = "get_data")]
    fn get_data(&self) -> (&'static str, i64) {
        ("hello", 5)
    }

    /// Accepts anything and does nothing (the specification calls it as a notification).
    fn update(&self, #[rpc(raw)] _params: Params<'_>) {}

    /// Accepts anything and does nothing.
    #[rpc(name = "notify_hello")]
    fn notify_hello(&self, #[rpc(raw)] _params: Params<'_>) {}

    /// Accepts anything and does nothing.
    #[rpc(name = "notify_sum")]
    fn notify_sum(&self, #[rpc(raw)] _params: Params<'_>) {}
}

fn overflow() -> RpcError {
    RpcError::invalid_params("the result does not fit in a 64-bit signed integer")
}

/// Command line.
#[derive(Debug, Parser)]
#[command(about = "Serve the JSON-RPC 2.0 specification's example methods over HTTP")]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .init();
    let server = Server::builder().service(Spec).build()?;
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    let addr = listener.local_addr()?;
    tracing::info!("listening on http://{addr}{}", server.path());
    // The server is the only thing this process serves: no axum Router needed in front of it.
    leanrpc_axum::serve_server(
        listener,
        server,
        leanrpc_axum::ServeOptions::default(),
        leanrpc_axum::shutdown_signal(),
    )
    .await?;
    Ok(())
}
