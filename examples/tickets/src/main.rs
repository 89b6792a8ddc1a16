//! Run with: cargo run --release -p tickets
//!
//! `tickets` (or `tickets serve`) serves the API on 127.0.0.1:8080; `tickets keys ...` manages
//! API keys and `tickets users ...` people in the same data directory (or, with
//! `--database postgres://...`, the same database, tickets and keys alike), also while the
//! server runs.
//! `tickets call ...` calls a running server with the generated Rust client;
//! `tickets typescript ...` writes a typed TypeScript client of it.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use leanrpc_keys::cli::KeysCommand;
use tickets::{App, DEFAULT_DATA_DIR, Database, Options};

/// A Leantime-style projects and tickets JSON-RPC API.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve(ServeArgs),
    /// Manage API keys.
    Keys {
        /// The data directory (SQLite).
        #[arg(long, global = true, default_value = DEFAULT_DATA_DIR)]
        data: PathBuf,
        /// The database instead of the data directory: postgres://USER@HOST:PORT/DB.
        #[arg(long, global = true, value_name = "URL", conflicts_with = "data")]
        database: Option<String>,
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Manage users (people; each API key is also a user of its own).
    Users {
        /// The data directory (SQLite).
        #[arg(long, global = true, default_value = DEFAULT_DATA_DIR)]
        data: PathBuf,
        /// The database instead of the data directory: postgres://USER@HOST:PORT/DB.
        #[arg(long, global = true, value_name = "URL", conflicts_with = "data")]
        database: Option<String>,
        #[command(subcommand)]
        command: tickets::users::UsersCommand,
    },
    /// Call a running server: `tickets call getTicket --id 1`, or any method as
    /// `tickets call SERVICE.METHOD --param KEY=VALUE ...` (key in TICKETS_API_KEY).
    #[command(
        after_help = "Any other method: tickets call SERVICE.METHOD [--param KEY=VALUE]... \
                            [--params JSON], e.g. tickets call tickets.getAll --param limit=5"
    )]
    Call(tickets::call::CallArgs),
    /// Write a typed TypeScript client of a running server, from its live rpc.discover document:
    /// `tickets typescript --out tickets-client.ts` (key in TICKETS_API_KEY).
    Typescript(tickets::typescript::TypescriptArgs),
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The data directory: the SQLite databases of the tickets data and the API keys (unused
    /// with --database).
    #[arg(long, default_value = DEFAULT_DATA_DIR)]
    data: PathBuf,
    /// Keep the tickets data and the API keys in this database instead of the data directory:
    /// postgres://USER@HOST:PORT/DB (migrated to the current schema on start). Several servers
    /// may share it; a key revoked through any of them, or with `tickets keys --database`, is
    /// refused by all within a second.
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// Calls per minute per key (off by default); also limits failed authentication per address.
    #[arg(long, value_name = "N")]
    rate_limit: Option<u64>,
    /// Count the limits of --rate-limit in this Redis, redis://HOST:PORT, shared by every server
    /// using it (with the same --redis-prefix). If Redis does not answer, each server falls back
    /// to its own counts (and logs a warning) until it answers again.
    #[arg(long, value_name = "URL")]
    redis: Option<String>,
    /// The prefix of every key this server writes to Redis.
    #[arg(long, value_name = "PREFIX", default_value = leanrpc_keys::DEFAULT_REDIS_PREFIX)]
    redis_prefix: String,
    /// Seconds a verified key is trusted at most before the key store is asked again; changes
    /// made with `tickets keys` apply within 250 ms regardless; 0 asks the store on every
    /// request.
    #[arg(long, value_name = "SECS", default_value_t = leanrpc_keys::DEFAULT_CACHE_TTL.as_secs())]
    key_cache_ttl: u64,
    /// Answer scalar results as one-element arrays (`[42]`, `[true]`), as Leantime 3.8 and
    /// earlier did, for clients written against those versions (off: plain values, as 3.9).
    #[arg(long)]
    scalar_results_in_arrays: bool,
    /// Serve Prometheus metrics at http://ADDR/metrics, on a listener of its own (off by
    /// default): call durations by method and status code, calls in flight, batch sizes,
    /// authentication failures and rate-limited calls.
    #[arg(long, value_name = "ADDR")]
    metrics_listen: Option<SocketAddr>,
    /// Let web pages from ORIGIN (`https://app.example.com`, exactly as browsers send it) call
    /// the API (CORS); repeat for more origins. Off by default: no cross-origin page may.
    #[arg(long = "cors-origin", value_name = "ORIGIN")]
    cors_origins: Vec<String>,
    /// Export the request and call spans over OTLP/HTTP to this collector URL
    /// (`http://127.0.0.1:4318/v1/traces`).
    #[cfg(feature = "otlp")]
    #[arg(long, value_name = "URL")]
    otlp_endpoint: Option<String>,
    /// Do not serve the MCP endpoint (`/mcp`: every method as an MCP tool, with the same keys).
    #[arg(long)]
    no_mcp: bool,
}

impl Default for ServeArgs {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data: PathBuf::from(DEFAULT_DATA_DIR),
            database: None,
            rate_limit: None,
            redis: None,
            redis_prefix: leanrpc_keys::DEFAULT_REDIS_PREFIX.to_owned(),
            key_cache_ttl: leanrpc_keys::DEFAULT_CACHE_TTL.as_secs(),
            scalar_results_in_arrays: false,
            metrics_listen: None,
            cors_origins: Vec::new(),
            #[cfg(feature = "otlp")]
            otlp_endpoint: None,
            no_mcp: false,
        }
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => serve(args).await,
        Command::Keys {
            data,
            database,
            command,
        } => keys(data, database, command).await,
        Command::Users {
            data,
            database,
            command,
        } => users(data, database, command).await,
        Command::Call(args) => tickets::call::run(args, &mut std::io::stdout().lock()).await,
        Command::Typescript(args) => {
            tickets::typescript::run(args, &mut std::io::stdout().lock()).await
        }
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve(args: ServeArgs) -> Result<(), tickets::Error> {
    use tracing_subscriber::Layer as _;
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;

    let logs = tracing_subscriber::fmt::layer()
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .with_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        );
    #[cfg(feature = "otlp")]
    let traces = match &args.otlp_endpoint {
        Some(url) => Some(leanrpc_telemetry::otlp::tracer_provider(url, "tickets")?),
        None => None,
    };
    #[cfg(feature = "otlp")]
    let otel = traces.as_ref().map(leanrpc_telemetry::otel::layer);
    #[cfg(not(feature = "otlp"))]
    let otel: Option<tracing_subscriber::layer::Identity> = None;
    tracing_subscriber::registry().with(logs).with(otel).init();

    // Before the server is built: the metrics' handles bind to the recorder installed then.
    let prometheus = match args.metrics_listen {
        Some(_) => Some(leanrpc_telemetry::install_prometheus()?),
        None => None,
    };
    let cors = match args.cors_origins.as_slice() {
        [] => None,
        origins => Some(leanrpc_axum::cors(origins)?),
    };
    let app = App::connect(&Options {
        data_dir: args.data.clone(),
        database: args.database.clone(),
        rate_limit: args.rate_limit,
        redis: args.redis.clone(),
        redis_prefix: args.redis_prefix.clone(),
        key_cache_ttl: std::time::Duration::from_secs(args.key_cache_ttl),
        scalar_results_in_arrays: args.scalar_results_in_arrays,
        metrics: prometheus.is_some(),
    })
    .await?;
    if let (Some(addr), Some(handle)) = (args.metrics_listen, prometheus) {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        tracing::info!("metrics on http://{}/metrics", listener.local_addr()?);
        tokio::spawn(async move {
            let served =
                leanrpc_telemetry::serve_metrics(listener, handle, leanrpc_axum::shutdown_signal())
                    .await;
            if let Err(error) = served {
                tracing::error!(%error, "the metrics listener stopped");
            }
        });
    }
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    let addr = listener.local_addr()?;
    let url = format!("http://{addr}{}", app.server.path());
    if let Some(key) = app.first_owner_key().await? {
        // Shown once, on stdout only: the store keeps nothing but its digest.
        println!(
            "\nCreated an owner API key (shown only this once; store it now):\n\n    {key}\n\nTry it:\n\n    curl -s {url} -H 'x-api-key: {key}' -d '{{\"jsonrpc\":\"2.0\",\"method\":\"leantime.rpc.projects.getAll\",\"params\":{{}},\"id\":1}}'\n",
            key = key.reveal()
        );
    }
    if args.redis.is_some() {
        tracing::info!(
            prefix = %args.redis_prefix,
            rate_limit = ?args.rate_limit,
            "limits counted in Redis, shared with every server using it"
        );
    }
    let mut router = leanrpc_axum::router(app.server.clone());
    if !args.no_mcp {
        let mcp = app.mcp()?;
        tracing::info!("MCP (Streamable HTTP) at http://{addr}{}", mcp.path());
        router = router.merge(mcp.router());
    }
    if let Some(cors) = cors {
        tracing::info!(origins = ?args.cors_origins, "CORS: pages from these origins may call the API");
        router = router.layer(cors);
    }
    let router = leanrpc_axum::with_request_ids(router);
    match &args.database {
        Some(database) => tracing::info!(
            database = %tickets::pg::describe(database),
            "listening on {url}"
        ),
        None => tracing::info!(data = %args.data.display(), "listening on {url}"),
    }
    leanrpc_axum::serve(listener, router, leanrpc_axum::shutdown_signal()).await?;
    tracing::info!("stopped accepting; in-flight calls finished; closing the database");
    app.store.close().await;
    #[cfg(feature = "otlp")]
    if let Some(traces) = traces {
        // Sends the last batch of spans.
        let _ = traces.shutdown();
    }
    Ok(())
}

async fn users(
    data: PathBuf,
    database: Option<String>,
    command: tickets::users::UsersCommand,
) -> Result<(), tickets::Error> {
    let database = database
        .as_deref()
        .map_or(Ok(Database::Sqlite), Database::parse)?;
    tickets::users::run(&data, &database, command, &mut std::io::stdout().lock()).await
}

async fn keys(
    data: PathBuf,
    database: Option<String>,
    command: KeysCommand,
) -> Result<(), tickets::Error> {
    let database = database
        .as_deref()
        .map_or(Ok(Database::Sqlite), Database::parse)?;
    let store = tickets::open_key_store(&data, &database).await?;
    let mut out = std::io::stdout().lock();
    leanrpc_keys::cli::run(&*store, &tickets::key_scheme(), command, &mut out).await?;
    Ok(())
}
