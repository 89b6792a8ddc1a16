//! Run with: cargo run --release -p tickets
//!
//! Leantime's JSON-RPC API (projects, tickets, milestones, sprints, comments, timesheets, users
//! and clients, under Leantime's method names and param shapes) on SQLite or PostgreSQL, with API
//! keys that carry roles and project scopes, served under the `leantime.rpc` namespace at
//! `/api/jsonrpc`. The library part builds the [`App`] so that both HTTP stacks (axum in
//! `main.rs`, plain hyper in `examples/hyper-server`) serve exactly the same thing.
//!
//! The services ([`service`]) keep their data in a [`store::Store`]; [`db`] implements it on
//! SQLite (the default), [`pg`] on PostgreSQL (`--database postgres://...`).

pub mod call;
pub mod db;
mod lenient;
pub mod model;
pub mod pg;
pub mod service;
pub mod store;
pub mod typescript;
pub mod users;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use leanrpc::{Role, Server};
use leanrpc_keys::{
    ApiKey, KeyAuthenticator, KeyFormat, KeyScheme, KeyStore, NewKey, PgKeyStore, RateLimit,
    RedisLimits, SecretHasher, SqliteStore,
};
use leanrpc_mcp::McpService;

pub use db::Db;
pub use pg::PgDb;
pub use service::{
    Clients, Comments, Projects, ProjectsClient, Sprints, Tickets, TicketsClient, Timesheets, Users,
};
pub use store::Store;

/// The API key store the server and `tickets keys` share: SQLite in the data directory, or the
/// PostgreSQL database of `--database`.
pub type Keys = Arc<dyn KeyStore>;

/// The namespace every method name starts with, as in Leantime.
pub const NAMESPACE: &str = "leantime.rpc";

/// How long one call may run before it is answered -32000 and cancelled.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// What MCP hosts are told about the tools as a whole.
const MCP_INSTRUCTIONS: &str = "Projects, tickets, milestones, sprints, comments, time entries, \
    users and clients of a Leantime-style project tracker. Each tool calls one method of its \
    JSON-RPC API with the same API key: the tools listed are those this key may call, and a \
    key limited to some projects sees and changes only those. Write tools that create things \
    take their fields in `values` (for example tickets_addTicket with \
    {\"values\": {\"projectId\": 1, \"headline\": \"...\"}}).";

/// Where the data lives when no `--data` is given.
pub const DEFAULT_DATA_DIR: &str = "tickets-data";

/// An error while opening or serving the app.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// How to open the app.
#[derive(Debug, Clone)]
pub struct Options {
    /// The data directory (created if missing) of the SQLite databases; unused with a
    /// [`database`](Self::database) URL.
    pub data_dir: PathBuf,
    /// Where the tickets data and the API keys live: `None` for SQLite in the data directory,
    /// or a `postgres://USER@HOST:PORT/DB` URL (see [`Database::parse`]), which several servers
    /// may share.
    pub database: Option<String>,
    /// Calls a minute per key; also turns on the per-address limit on failed authentication.
    /// `None` (the default) limits nothing.
    pub rate_limit: Option<u64>,
    /// Count the limits in this Redis (`redis://HOST:PORT`), shared by every server that uses
    /// it with the same [`redis_prefix`](Self::redis_prefix); `None` (the default) counts in
    /// this process. A Redis that does not answer falls back to this process's counts.
    pub redis: Option<String>,
    /// The prefix of every Redis key (default `leanrpc:`).
    pub redis_prefix: String,
    /// How long a verified key is trusted at most before the store is asked again; changes made
    /// with `tickets keys` apply within 250 ms regardless. Zero asks the store on every request.
    pub key_cache_ttl: Duration,
    /// Answer scalar results as one-element arrays (`[42]`, `[true]`), as Leantime 3.8 and
    /// earlier did, for clients written against those versions. Off by default (Leantime 3.9).
    pub scalar_results_in_arrays: bool,
    /// Records metrics (calls by method and status code, calls in flight, batch sizes,
    /// authentication failures, rate-limited calls) into the process's `metrics` recorder:
    /// install one first (`leanrpc_telemetry::install_prometheus`). Off by default.
    pub metrics: bool,
}

impl Options {
    /// Options for `data_dir` with no rate limit and the default key cache TTL.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            database: None,
            rate_limit: None,
            redis: None,
            redis_prefix: leanrpc_keys::DEFAULT_REDIS_PREFIX.to_owned(),
            key_cache_ttl: leanrpc_keys::DEFAULT_CACHE_TTL,
            scalar_results_in_arrays: false,
            metrics: false,
        }
    }
}

/// The tickets database file inside a data directory.
pub fn tickets_path(data_dir: &Path) -> PathBuf {
    data_dir.join("tickets.sqlite3")
}

/// The API key database file inside a data directory.
pub fn keys_path(data_dir: &Path) -> PathBuf {
    data_dir.join("keys.sqlite3")
}

/// The key scheme the server and `tickets keys` share: `lt_` keys, peppered with
/// `LEANRPC_KEY_PEPPER` when it is set.
pub fn key_scheme() -> KeyScheme {
    KeyScheme::new(KeyFormat::default(), SecretHasher::from_env())
}

/// Opens the key store of a data directory (creating the directory if needed, readable by its
/// owner only: 0700; the key store keeps its files 0600).
pub fn open_keys(data_dir: &Path) -> Result<SqliteStore, Error> {
    create_private_dir(data_dir)?;
    Ok(SqliteStore::open(keys_path(data_dir))?)
}

/// Opens the key store of `database`: SQLite in `data_dir` ([`open_keys`]), or the key tables
/// of the PostgreSQL database (migrated first), beside the tickets data.
pub async fn open_key_store(data_dir: &Path, database: &Database) -> Result<Keys, Error> {
    Ok(match database {
        Database::Sqlite => Arc::new(open_keys(data_dir)?),
        Database::Postgres(url) => Arc::new(PgKeyStore::connect(url).await?),
    })
}

/// Creates `dir` and any missing parents with mode 0700; an existing directory is left as is.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Where the tickets data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// SQLite: `tickets.sqlite3` in the data directory.
    Sqlite,
    /// PostgreSQL at this URL.
    Postgres(String),
}

impl Database {
    /// The backend a `--database` URL names: `postgres://` (or `postgresql://`) is PostgreSQL.
    /// Anything else is refused with a message that says what is expected.
    pub fn parse(url: &str) -> Result<Self, Error> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Database::Postgres(url.to_owned()));
        }
        let scheme = url.split_once("://").map_or(url, |(scheme, _)| scheme);
        Err(format!(
            "unsupported database URL scheme `{scheme}`: expected postgres://USER@HOST:PORT/DB \
             (SQLite is the default: --data DIR)"
        )
        .into())
    }

    /// The backend of `options`.
    pub fn of(options: &Options) -> Result<Self, Error> {
        options
            .database
            .as_deref()
            .map_or(Ok(Database::Sqlite), Self::parse)
    }
}

/// Opens the tickets store: SQLite in `data_dir` (created if missing, 0700), or the PostgreSQL
/// database of `database`, with its migrations applied.
pub async fn open_store(data_dir: &Path, database: &Database) -> Result<Store, Error> {
    Ok(match database {
        Database::Sqlite => Arc::new(open_sqlite(data_dir)?),
        Database::Postgres(url) => Arc::new(PgDb::connect(url).await?),
    })
}

fn open_sqlite(data_dir: &Path) -> Result<Db, Error> {
    create_private_dir(data_dir)?;
    leanrpc_keys::private_sqlite_files(&tickets_path(data_dir))?;
    Ok(Db::open(&tickets_path(data_dir))?)
}

/// The built application: the JSON-RPC server and the stores behind it.
pub struct App {
    /// The JSON-RPC server, ready to mount on any HTTP stack.
    pub server: Server,
    /// The tickets store the services use.
    pub store: Store,
    /// The same store as a SQLite database, when it is one (for benchmarks of its queries).
    pub sqlite: Option<Db>,
    /// The API key store: SQLite in the data directory, or PostgreSQL beside the tickets data.
    pub keys: Keys,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("server", &self.server)
            .field("store", &self.store)
            .field("sqlite", &self.sqlite)
            .finish_non_exhaustive()
    }
}

impl App {
    /// Opens the data directory (creating files and schema on first use) and builds the server
    /// on SQLite. A PostgreSQL [`Options::database`] needs [`App::connect`].
    pub fn open(options: &Options) -> Result<Self, Error> {
        if Database::of(options)? != Database::Sqlite {
            return Err("a PostgreSQL database is opened with App::connect".into());
        }
        let keys: Keys = Arc::new(open_keys(&options.data_dir)?);
        let db = open_sqlite(&options.data_dir)?;
        Self::build(options, Arc::new(db.clone()), Some(db), keys)
    }

    /// Opens the store [`Options::database`] names (SQLite in the data directory by default;
    /// PostgreSQL migrated to the current schema first, holding the API keys too) and builds
    /// the server.
    pub async fn connect(options: &Options) -> Result<Self, Error> {
        match Database::of(options)? {
            Database::Sqlite => Self::open(options),
            database => {
                let store = open_store(&options.data_dir, &database).await?;
                let keys = open_key_store(&options.data_dir, &database).await?;
                Self::build(options, store, None, keys)
            }
        }
    }

    fn build(
        options: &Options,
        store: Store,
        sqlite: Option<Db>,
        keys: Keys,
    ) -> Result<Self, Error> {
        let limit = options.rate_limit.map(RateLimit::per_minute);
        let mut auth = KeyAuthenticator::builder(Arc::clone(&keys))
            .scheme(key_scheme())
            .cache_ttl(options.key_cache_ttl)
            .rate_limit(limit)
            .failed_attempt_limit(limit.map(|_| leanrpc_keys::DEFAULT_FAILED_ATTEMPT_LIMIT));
        if let Some(url) = &options.redis {
            if !url.starts_with("redis://") {
                let scheme = url
                    .split_once("://")
                    .map_or(url.as_str(), |(scheme, _)| scheme);
                return Err(format!(
                    "unsupported Redis URL scheme `{scheme}`: expected redis://HOST:PORT"
                )
                .into());
            }
            auth = auth.redis(RedisLimits::new(url)?.prefix(options.redis_prefix.clone()));
        }
        let auth = auth.build();
        let builder = if options.metrics {
            Server::builder()
                .authenticator(leanrpc_telemetry::Metered::new(auth))
                .observer(leanrpc_telemetry::CallMetrics::new())
        } else {
            Server::builder().authenticator(auth)
        };
        let server = builder
            .namespace(NAMESPACE)
            .api_info("Leantime-style tickets API", env!("CARGO_PKG_VERSION"))
            .default_role(Role::Admin)
            .call_timeout(CALL_TIMEOUT, leanrpc_axum::Tokio)
            .scalar_results_in_arrays(options.scalar_results_in_arrays)
            .reference_page(leanrpc::reference::Page::default())
            .service(Projects::new(store.clone()))
            .service(Tickets::new(store.clone()))
            .service(Users::new(store.clone()))
            .service(Clients::new(store.clone()))
            .service(Comments::new(store.clone()))
            .service(Sprints::new(store.clone()))
            .service(Timesheets::new(store.clone()))
            .build()?;
        Ok(Self {
            server,
            store,
            sqlite,
            keys,
        })
    }

    /// The same methods as MCP tools (`POST /mcp`, MCP's Streamable HTTP transport), with the
    /// same keys, checks and per-key rate limit as the JSON-RPC endpoint.
    pub fn mcp(&self) -> Result<McpService, Error> {
        Ok(McpService::builder(self.server.clone())
            .server_info("tickets", env!("CARGO_PKG_VERSION"))
            .title("Leantime-style tickets API")
            .instructions(MCP_INSTRUCTIONS)
            .build()?)
    }

    /// On a first start with no keys at all, creates an owner key and returns it (to be shown
    /// once). Returns `None` when keys exist. The check and the insert are one atomic step in
    /// the store ([`KeyStore::insert_if_empty`]), so of servers starting together on one empty
    /// database exactly one creates (and prints) the owner key.
    pub async fn first_owner_key(&self) -> Result<Option<ApiKey>, Error> {
        let new = NewKey::new("owner (created on first start)", Role::Owner);
        let created = leanrpc_keys::create_first_key(&*self.keys, &key_scheme(), new).await?;
        Ok(created.map(|(key, _)| key))
    }
}
