//! [`PgKeyStore`]: keys in a PostgreSQL database (feature `postgres`), for servers that run as
//! several instances on one database.
//!
//! The schema is created and migrated on connect (`migrations/postgres/*.sql`, recorded in
//! `api_key_migrations`), in one transaction under an advisory lock, so instances that start
//! together against a new database migrate it once. It lives beside an application's own
//! tables: `api_keys`, `api_key_changes` and two trigger functions.
//!
//! A trigger bumps the change counter ([`KeyStore::generation`]) in the same transaction as
//! every change to a key (except `last_used_at`), and sends `NOTIFY leanrpc_keys` with the key
//! id, which PostgreSQL delivers when the transaction commits; [`KeyStore::subscribe`] listens
//! on a connection of its own and passes each one on, so an authenticator on another instance
//! drops that key from its cache within milliseconds of the commit. A listener that loses its
//! connection reconnects and then reports [`KeyChange::Unknown`] (drop everything), as changes
//! may have been missed meanwhile; the change counter, read every few hundred milliseconds,
//! bounds the worst case whatever happens to notifications.
//!
//! Connections come from a small `deadpool-postgres` pool. Each operation runs as a task on the
//! Tokio runtime the store was connected on, so the store's futures may be awaited from any
//! executor (the authenticator's usage writer drives them from a plain thread).

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use leanrpc_core::{BoxFuture, Grant, Role};
use tokio::runtime::Handle;
use tokio_postgres::error::SqlState;
use tokio_postgres::{AsyncMessage, NoTls, Row};

use crate::store::{ChangeListener, KeyChange, KeyStore, StoreError, StoredKey};

/// The channel the triggers notify on.
pub const NOTIFY_CHANNEL: &str = "leanrpc_keys";

/// Connections the pool keeps at most, unless [`PgKeyStore::connect_with`] says otherwise: key
/// reads are mostly served from an authenticator's cache.
pub const DEFAULT_POOL_SIZE: usize = 4;

/// How long an operation waits for a connection, and a new connection for the server, at most.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How often an operation that lost a race (deadlock, serialization failure) is tried in all.
const ATTEMPTS: u32 = 5;

/// The longest pause between two attempts of the listener to reconnect.
const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// The advisory lock the migrations hold ("leanrpc" in ASCII, then 2; the tickets example's
/// migrations use 1).
const MIGRATION_LOCK: i64 = 0x6c65_616e_7270_6302;

/// The advisory lock [`KeyStore::insert_if_empty`] holds while it checks and inserts ("leanrpc"
/// in ASCII, then 3).
const FIRST_KEY_LOCK: i64 = 0x6c65_616e_7270_6303;

/// One migration: version, name, SQL.
const MIGRATIONS: &[(i64, &str, &str)] = &[(
    1,
    "api_keys",
    include_str!("../migrations/postgres/0001_api_keys.sql"),
)];

/// The columns [`from_row`] reads, in its order.
macro_rules! columns {
    () => {
        "key_id, name, digest, role, projects, scopes, created_at, expires_at, revoked_at, \
         last_used_at"
    };
}

const FIND: &str = concat!("SELECT ", columns!(), " FROM api_keys WHERE key_id = $1");
const LIST: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM api_keys ORDER BY created_at, key_id"
);
const INSERT: &str = concat!(
    "INSERT INTO api_keys (",
    columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
);
const REVOKE: &str = "UPDATE api_keys SET revoked_at = coalesce(revoked_at, $2) WHERE key_id = $1";
const EXPIRE: &str =
    "UPDATE api_keys SET expires_at = least(coalesce(expires_at, $2), $2) WHERE key_id = $1";
// One statement for the whole batch, each key once (its latest time), in key order: two
// batches lock their rows in the same order.
const TOUCH: &str = "UPDATE api_keys AS k SET last_used_at = u.at
    FROM (SELECT key_id, max(at) AS at FROM unnest($1::text[], $2::bigint[]) AS t(key_id, at)
          GROUP BY key_id ORDER BY key_id) AS u
    WHERE k.key_id = u.key_id COLLATE \"C\" AND (k.last_used_at IS NULL OR k.last_used_at < u.at)";
const GENERATION: &str = "SELECT generation FROM api_key_changes WHERE id = 1";

/// A [`KeyStore`] in a PostgreSQL database. Stores digests, never keys. Cheap to share behind an
/// `Arc`; dropping the last handle stops its listener.
pub struct PgKeyStore {
    pool: Pool,
    runtime: Handle,
    /// The connection settings, for the listener's own connection.
    config: tokio_postgres::Config,
    /// The URL without its password, for logs and errors.
    described: String,
    feed: Arc<Feed>,
}

/// The subscribers and the listener task serving them.
#[derive(Default)]
struct Feed {
    listeners: Mutex<Vec<ChangeListener>>,
    task: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Feed {
    /// Hands `change` to every listener, dropping those that want no more.
    fn send(&self, change: KeyChange<'_>) {
        let mut listeners = self
            .listeners
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        listeners.retain(|listener| listener(change));
    }
}

impl fmt::Debug for PgKeyStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let listeners = self
            .feed
            .listeners
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len();
        f.debug_struct("PgKeyStore")
            .field("database", &self.described)
            .field("pool_size", &self.pool.status().max_size)
            .field("listeners", &listeners)
            .finish_non_exhaustive()
    }
}

impl Drop for PgKeyStore {
    fn drop(&mut self) {
        let task = self
            .feed
            .task
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(task) = task {
            task.abort();
        }
    }
}

/// A database URL as it may be logged: `postgres://USER@HOST:PORT/DB`, never the password.
pub fn describe_url(url: &str) -> String {
    match url.parse::<tokio_postgres::Config>() {
        Ok(config) => describe(&config),
        Err(_) => "postgres://(unparsable URL)".to_owned(),
    }
}

fn describe(config: &tokio_postgres::Config) -> String {
    let host = config
        .get_hosts()
        .first()
        .map(|host| match host {
            tokio_postgres::config::Host::Tcp(name) => name.clone(),
            #[cfg(unix)]
            tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .unwrap_or_default();
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!(
        "postgres://{}@{host}:{port}/{}",
        config.get_user().unwrap_or_default(),
        config.get_dbname().unwrap_or_default()
    )
}

/// A PostgreSQL error as a [`StoreError`], with the server's message (a plain
/// `tokio_postgres::Error` displays as "db error" alone).
fn backend(error: tokio_postgres::Error) -> StoreError {
    StoreError::backend(PgError(describe_error(&error)))
}

fn describe_error(error: &tokio_postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => format!("postgres: {} ({})", db.message(), db.code().code()),
        None => match std::error::Error::source(error) {
            Some(cause) => format!("postgres: {error}: {cause}"),
            None => format!("postgres: {error}"),
        },
    }
}

/// A PostgreSQL failure, described without credentials.
#[derive(Debug)]
struct PgError(String);

impl fmt::Display for PgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PgError {}

/// Whether `error` says the statement lost a race and may succeed when run again.
fn lost_race(error: &tokio_postgres::Error) -> bool {
    matches!(
        error.code(),
        Some(code) if *code == SqlState::T_R_SERIALIZATION_FAILURE
            || *code == SqlState::T_R_DEADLOCK_DETECTED
    )
}

impl PgKeyStore {
    /// Connects to the database at `url` (`postgres://USER[:PASSWORD]@HOST[:PORT]/DB`, the
    /// libpq URL form) with a pool of [`DEFAULT_POOL_SIZE`] connections, and brings its schema
    /// up to date. Must be called within a Tokio runtime, which then runs the store's work;
    /// fails when the server does not answer, naming it without the password.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with(url, DEFAULT_POOL_SIZE).await
    }

    /// [`connect`](Self::connect) with a pool of at most `pool_size` connections (at least 1).
    pub async fn connect_with(url: &str, pool_size: usize) -> Result<Self, StoreError> {
        let described = describe_url(url);
        let runtime = Handle::try_current().map_err(|_| {
            StoreError::backend(format!(
                "{described}: PgKeyStore::connect must run within a Tokio runtime"
            ))
        })?;
        let mut config: tokio_postgres::Config = url
            .parse()
            .map_err(|e| StoreError::backend(format!("{described}: {e}")))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("leanrpc-keys");
        }
        let manager = Manager::from_config(
            config.clone(),
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(pool_size.max(1))
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(CONNECT_TIMEOUT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(StoreError::backend)?;
        let store = Self {
            pool,
            runtime,
            config,
            described,
            feed: Arc::default(),
        };
        store.migrate().await?;
        Ok(store)
    }

    /// The database, as `postgres://USER@HOST:PORT/DB` (no password).
    pub fn database(&self) -> &str {
        &self.described
    }

    /// A pooled connection, or an error naming the database.
    async fn client(pool: &Pool, described: &str) -> Result<deadpool_postgres::Client, StoreError> {
        pool.get()
            .await
            .map_err(|e| StoreError::backend(format!("no connection to {described}: {e}")))
    }

    /// Applies the pending migrations in one transaction under the advisory lock.
    async fn migrate(&self) -> Result<(), StoreError> {
        let mut client = Self::client(&self.pool, &self.described).await?;
        let tx = client.transaction().await.map_err(backend)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(backend)?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS api_key_migrations (
                 version    BIGINT PRIMARY KEY,
                 name       TEXT NOT NULL,
                 applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
             )",
        )
        .await
        .map_err(backend)?;
        let done: i64 = tx
            .query_one(
                "SELECT COALESCE(MAX(version), 0) FROM api_key_migrations",
                &[],
            )
            .await
            .and_then(|row| row.try_get(0))
            .map_err(backend)?;
        let known = MIGRATIONS.last().map_or(0, |m| m.0);
        if done > known {
            return Err(StoreError::backend(format!(
                "the key tables of {} have schema version {done}; this build knows up to \
                 {known}: run a newer build",
                self.described
            )));
        }
        for (version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > done) {
            tx.batch_execute(sql).await.map_err(|e| {
                StoreError::backend(format!(
                    "key store migration {version} ({name}) failed: {}",
                    describe_error(&e)
                ))
            })?;
            tx.execute(
                "INSERT INTO api_key_migrations (version, name) VALUES ($1, $2)",
                &[version, name],
            )
            .await
            .map_err(backend)?;
            tracing::info!(version, name, database = %self.described, "applied key store migration");
        }
        tx.commit().await.map_err(backend)
    }

    /// Runs `work` with a pooled connection as a task on the store's runtime, again (a few
    /// times at most) when it lost a race with another transaction.
    fn run<T, W>(&self, work: W) -> BoxFuture<'static, Result<T, StoreError>>
    where
        T: Send + 'static,
        W: for<'c> Fn(&'c deadpool_postgres::Client) -> BoxFuture<'c, Result<T, Attempt>>
            + Send
            + 'static,
    {
        let (pool, described) = (self.pool.clone(), self.described.clone());
        let task = self.runtime.spawn(async move {
            let client = Self::client(&pool, &described).await?;
            let mut attempt = 1;
            loop {
                match work(&client).await {
                    Ok(value) => return Ok(value),
                    Err(Attempt::Failed(error)) => return Err(error),
                    Err(Attempt::Pg(error)) if attempt < ATTEMPTS && lost_race(&error) => {
                        tracing::debug!(attempt, error = %describe_error(&error), "key store statement lost a race; again");
                        attempt += 1;
                    }
                    Err(Attempt::Pg(error)) => return Err(backend(error)),
                }
            }
        });
        Box::pin(async move {
            task.await
                .map_err(|e| StoreError::backend(format!("the key store task failed: {e}")))?
        })
    }
}

/// Inserts `key` as one row of `api_keys`.
async fn insert(
    client: &impl deadpool_postgres::GenericClient,
    key: &StoredKey,
) -> Result<u64, tokio_postgres::Error> {
    let statement = client.prepare_cached(INSERT).await?;
    let grant = &key.grant;
    client
        .execute(
            &statement,
            &[
                &key.key_id,
                &grant.name,
                &&key.digest[..],
                &grant.role.as_str(),
                &grant.projects,
                &grant.scopes,
                &key.created_at,
                &key.expires_at,
                &key.revoked_at,
                &key.last_used_at,
            ],
        )
        .await
}

/// How one attempt of an operation failed.
enum Attempt {
    /// PostgreSQL answered an error (retried when it lost a race).
    Pg(tokio_postgres::Error),
    /// A final answer (NotFound, Duplicate, a row that does not decode).
    Failed(StoreError),
}

impl From<tokio_postgres::Error> for Attempt {
    fn from(error: tokio_postgres::Error) -> Self {
        Attempt::Pg(error)
    }
}

fn from_row(row: &Row) -> Result<StoredKey, StoreError> {
    let get = |e: tokio_postgres::Error| backend(e);
    let digest: Vec<u8> = row.try_get(2).map_err(get)?;
    let role: String = row.try_get(3).map_err(get)?;
    let grant = Grant::new(
        row.try_get::<_, String>(1).map_err(get)?,
        role.parse::<Role>().map_err(StoreError::backend)?,
    )
    .projects(row.try_get::<_, Vec<i64>>(4).map_err(get)?)
    .scopes(row.try_get::<_, Vec<String>>(5).map_err(get)?);
    let digest = digest
        .try_into()
        .map_err(|_| StoreError::backend("a stored digest is not 32 bytes"))?;
    let mut key = StoredKey::new(
        row.try_get::<_, String>(0).map_err(get)?,
        grant,
        digest,
        row.try_get(6).map_err(get)?,
    );
    key.expires_at = row.try_get(7).map_err(get)?;
    key.revoked_at = row.try_get(8).map_err(get)?;
    key.last_used_at = row.try_get(9).map_err(get)?;
    Ok(key)
}

/// Runs an `UPDATE` of one key, [`StoreError::NotFound`] if it touched no row.
async fn update_one(
    client: &deadpool_postgres::Client,
    sql: &str,
    key_id: &str,
    at: i64,
) -> Result<(), Attempt> {
    let statement = client.prepare_cached(sql).await?;
    match client.execute(&statement, &[&key_id, &at]).await? {
        0 => Err(Attempt::Failed(StoreError::NotFound)),
        _ => Ok(()),
    }
}

impl KeyStore for PgKeyStore {
    fn find<'a>(&'a self, key_id: &'a str) -> BoxFuture<'a, Result<Option<StoredKey>, StoreError>> {
        let key_id = key_id.to_owned();
        self.run(move |client| {
            let key_id = key_id.clone();
            Box::pin(async move {
                let statement = client.prepare_cached(FIND).await?;
                match client.query_opt(&statement, &[&key_id]).await? {
                    Some(row) => from_row(&row).map(Some).map_err(Attempt::Failed),
                    None => Ok(None),
                }
            })
        })
    }

    fn insert(&self, key: StoredKey) -> BoxFuture<'_, Result<(), StoreError>> {
        let key = Arc::new(key);
        self.run(move |client| {
            let key = Arc::clone(&key);
            Box::pin(async move {
                match insert(client, &key).await {
                    Ok(_) => Ok(()),
                    Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
                        Err(Attempt::Failed(StoreError::Duplicate))
                    }
                    Err(e) => Err(Attempt::Pg(e)),
                }
            })
        })
    }

    fn insert_if_empty(&self, key: StoredKey) -> BoxFuture<'_, Result<bool, StoreError>> {
        let (pool, described) = (self.pool.clone(), self.described.clone());
        let task = self.runtime.spawn(async move {
            let mut client = Self::client(&pool, &described).await?;
            // Under a transaction-level advisory lock the check and the insert of one call
            // cannot interleave with another's: the second waits for the first to commit, and its
            // check, a statement that starts after that commit, sees the first key.
            let tx = client.transaction().await.map_err(backend)?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&FIRST_KEY_LOCK])
                .await
                .map_err(backend)?;
            let empty: bool = tx
                .query_one("SELECT NOT EXISTS (SELECT 1 FROM api_keys)", &[])
                .await
                .and_then(|row| row.try_get(0))
                .map_err(backend)?;
            if empty {
                insert(&tx, &key).await.map_err(backend)?;
            }
            tx.commit().await.map_err(backend)?;
            Ok(empty)
        });
        Box::pin(async move {
            task.await
                .map_err(|e| StoreError::backend(format!("the key store task failed: {e}")))?
        })
    }

    fn list(&self) -> BoxFuture<'_, Result<Vec<StoredKey>, StoreError>> {
        self.run(|client| {
            Box::pin(async move {
                let statement = client.prepare_cached(LIST).await?;
                let rows = client.query(&statement, &[]).await?;
                rows.iter()
                    .map(from_row)
                    .collect::<Result<_, _>>()
                    .map_err(Attempt::Failed)
            })
        })
    }

    fn revoke<'a>(&'a self, key_id: &'a str, at: i64) -> BoxFuture<'a, Result<(), StoreError>> {
        let key_id = key_id.to_owned();
        self.run(move |client| {
            let key_id = key_id.clone();
            Box::pin(async move { update_one(client, REVOKE, &key_id, at).await })
        })
    }

    fn expire<'a>(&'a self, key_id: &'a str, at: i64) -> BoxFuture<'a, Result<(), StoreError>> {
        let key_id = key_id.to_owned();
        self.run(move |client| {
            let key_id = key_id.clone();
            Box::pin(async move { update_one(client, EXPIRE, &key_id, at).await })
        })
    }

    fn touch_many(&self, uses: Vec<(String, i64)>) -> BoxFuture<'_, Result<(), StoreError>> {
        if uses.is_empty() {
            return Box::pin(std::future::ready(Ok(())));
        }
        let (ids, times): (Vec<String>, Vec<i64>) = uses.into_iter().unzip();
        let batch = Arc::new((ids, times));
        self.run(move |client| {
            let batch = Arc::clone(&batch);
            Box::pin(async move {
                let statement = client.prepare_cached(TOUCH).await?;
                client.execute(&statement, &[&batch.0, &batch.1]).await?;
                Ok(())
            })
        })
    }

    fn generation(&self) -> BoxFuture<'_, Result<Option<u64>, StoreError>> {
        self.run(|client| {
            Box::pin(async move {
                let statement = client.prepare_cached(GENERATION).await?;
                let generation: i64 = client.query_one(&statement, &[]).await?.try_get(0)?;
                Ok(Some(generation as u64))
            })
        })
    }

    fn subscribe(&self, listener: ChangeListener) -> bool {
        self.feed
            .listeners
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(listener);
        let mut task = self
            .feed
            .task
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if task.is_none() {
            let mut config = self.config.clone();
            config.application_name("leanrpc-keys-listener");
            // Notice a peer that vanished without closing the connection within a minute or
            // so; the change counter covers the time until then.
            config.keepalives(true);
            config.keepalives_idle(Duration::from_secs(30));
            let feed = Arc::downgrade(&self.feed);
            let described = self.described.clone();
            *task = Some(self.runtime.spawn(listen(config, feed, described)));
        }
        true
    }
}

/// The listener task: `LISTEN leanrpc_keys` on a connection of its own, passing each
/// notification on; when the connection is lost, reconnects (backing off up to 2 s) and reports
/// [`KeyChange::Unknown`] once listening again. Ends when the store is dropped.
async fn listen(config: tokio_postgres::Config, feed: Weak<Feed>, described: String) {
    let mut backoff = Duration::from_millis(50);
    let mut failing = false;
    loop {
        match connect_listener(&config).await {
            Ok((client, mut notifications)) => {
                if failing {
                    tracing::info!(database = %described, "key change listener reconnected");
                }
                failing = false;
                backoff = Duration::from_millis(50);
                // Whatever changed before LISTEN took effect was not notified to us.
                match feed.upgrade() {
                    Some(feed) => feed.send(KeyChange::Unknown),
                    None => return,
                }
                while let Some(payload) = notifications.recv().await {
                    let Some(feed) = feed.upgrade() else { return };
                    feed.send(if payload.is_empty() {
                        KeyChange::Unknown
                    } else {
                        KeyChange::Key(&payload)
                    });
                }
                drop(client);
                tracing::warn!(database = %described, "key change listener lost its connection; reconnecting");
                match feed.upgrade() {
                    Some(feed) => feed.send(KeyChange::Unknown),
                    None => return,
                }
            }
            Err(error) => {
                if !failing {
                    tracing::warn!(database = %described, error = %describe_error(&error), "key change listener cannot connect; retrying (cached keys are still checked against the change counter)");
                }
                failing = true;
                if feed.strong_count() == 0 {
                    return;
                }
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
}

/// Connects and listens: the client (keep it: dropping it closes the connection) and the
/// payloads of the notifications, ending when the connection does.
async fn connect_listener(
    config: &tokio_postgres::Config,
) -> Result<
    (
        tokio_postgres::Client,
        tokio::sync::mpsc::UnboundedReceiver<String>,
    ),
    tokio_postgres::Error,
> {
    let (client, mut connection) = config.connect(NoTls).await?;
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            match std::future::poll_fn(|cx| connection.poll_message(cx)).await {
                Some(Ok(AsyncMessage::Notification(n))) => {
                    if tx.send(n.payload().to_owned()).is_err() {
                        return;
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(error)) => {
                    tracing::debug!(error = %describe_error(&error), "key change listener connection failed");
                    return;
                }
                None => return,
            }
        }
    });
    client
        .batch_execute(&format!("LISTEN {NOTIFY_CHANNEL}"))
        .await?;
    Ok((client, rx))
}
