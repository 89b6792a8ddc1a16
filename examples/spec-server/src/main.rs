//! Run with: cargo run -p spec-server
//!
//! The JSON-RPC 2.0 specification's example methods (`subtract`, `sum`, `get_data`, `update`,
//! `notify_hello`, `notify_sum`), served at `/api/jsonrpc` without auth: leanrpc's hello world.

use std::net::SocketAddr;

use clap::Parser;
use leanrpc::Server;
use spec_server::Spec;

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
    let server = Server::builder()
        .reference_page(leanrpc::reference::Page::default())
        .service(Spec)
        .build()?;
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
