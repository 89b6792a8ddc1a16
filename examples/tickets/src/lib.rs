//! Run with: cargo run --release -p tickets
//!
//! Leantime's JSON-RPC API (projects, tickets, milestones, sprints, comments, timesheets, users
//! and clients, under Leantime's method names and param shapes) on SQLite, with API keys that
//! carry roles and project scopes, served under the `leantime.rpc` namespace at `/api/jsonrpc`. The library part builds
//! the [`App`] so that both HTTP stacks (axum in `main.rs`, plain hyper in `examples/hyper-server`)
//! serve exactly the same thing.

pub mod db;
mod lenient;
pub mod model;
pub mod service;
pub mod users;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use leanrpc::{KeyStore, Role, Server};
use leanrpc_keys::{
    ApiKey, KeyAuthenticator, KeyFormat, KeyScheme, NewKey, RateLimit, SecretHasher, SqliteStore,
};
use leanrpc_mcp::McpService;

pub use db::Db;
pub use service::{Clients, Comments, Projects, Sprints, Tickets, Timesheets, Users};

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
    /// The data directory (created if missing).
    pub data_dir: PathBuf,
    /// Calls a minute per key; also turns on the per-address limit on failed authentication.
    /// `None` (the default) limits nothing.
    pub rate_limit: Option<u64>,
    /// How long a verified key is trusted at most before the store is asked again; changes made
    /// with `tickets keys` apply within 250 ms regardless. Zero asks the store on every request.
    pub key_cache_ttl: Duration,
    /// Answer scalar results as one-element arrays (`[42]`, `[true]`), as Leantime 3.8 and
    /// earlier did, for clients written against those versions. Off by default (Leantime 3.9).
    pub scalar_results_in_arrays: bool,
}

impl Options {
    /// Options for `data_dir` with no rate limit and the default key cache TTL.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            rate_limit: None,
            key_cache_ttl: leanrpc_keys::DEFAULT_CACHE_TTL,
            scalar_results_in_arrays: false,
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

/// Creates `dir` and any missing parents with mode 0700; an existing directory is left as is.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// The built application: the JSON-RPC server and the stores behind it.
#[derive(Debug)]
pub struct App {
    /// The JSON-RPC server, ready to mount on any HTTP stack.
    pub server: Server,
    /// The tickets database.
    pub db: Db,
    /// The API key store.
    pub keys: Arc<SqliteStore>,
    /// The authenticator the server checks keys with (clones share its cache and rate limits).
    pub auth: KeyAuthenticator<Arc<SqliteStore>>,
}

impl App {
    /// Opens the data directory (creating files and schema on first use) and builds the server.
    pub fn open(options: &Options) -> Result<Self, Error> {
        let keys = Arc::new(open_keys(&options.data_dir)?);
        leanrpc_keys::private_sqlite_files(&tickets_path(&options.data_dir))?;
        let db = Db::open(&tickets_path(&options.data_dir))?;
        let limit = options.rate_limit.map(RateLimit::per_minute);
        let auth = KeyAuthenticator::builder(Arc::clone(&keys))
            .scheme(key_scheme())
            .cache_ttl(options.key_cache_ttl)
            .rate_limit(limit)
            .failed_attempt_limit(limit.map(|_| leanrpc_keys::DEFAULT_FAILED_ATTEMPT_LIMIT))
            .build();
        let server = Server::builder()
            .namespace(NAMESPACE)
            .api_info("Leantime-style tickets API", env!("CARGO_PKG_VERSION"))
            .authenticator(auth.clone())
            .default_role(Role::Admin)
            .call_timeout(CALL_TIMEOUT, leanrpc_axum::Tokio)
            .scalar_results_in_arrays(options.scalar_results_in_arrays)
            .service(Projects::new(db.clone()))
            .service(Tickets::new(db.clone()))
            .service(Users::new(db.clone()))
            .service(Clients::new(db.clone()))
            .service(Comments::new(db.clone()))
            .service(Sprints::new(db.clone()))
            .service(Timesheets::new(db.clone()))
            .build()?;
        Ok(Self {
            server,
            db,
            keys,
            auth,
        })
    }

    /// The same methods as MCP tools (`POST /mcp`, MCP's Streamable HTTP transport), with the
    /// same keys, checks and per-key rate limit as the JSON-RPC endpoint.
    pub fn mcp(&self) -> Result<McpService, Error> {
        Ok(McpService::builder(self.server.clone())
            .authenticator(self.auth.clone())
            .server_info("tickets", env!("CARGO_PKG_VERSION"))
            .title("Leantime-style tickets API")
            .instructions(MCP_INSTRUCTIONS)
            .build()?)
    }

    /// On a first start with no keys at all, creates an owner key and returns it (to be shown
    /// once). Returns `None` when keys exist.
    pub async fn first_owner_key(&self) -> Result<Option<ApiKey>, Error> {
        if !self.keys.list().await?.is_empty() {
            return Ok(None);
        }
        let new = NewKey::new("owner (created on first start)", Role::Owner);
        let (key, _) = leanrpc_keys::create_key(&*self.keys, &key_scheme(), new).await?;
        Ok(Some(key))
    }
}
