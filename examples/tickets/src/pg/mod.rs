//! The PostgreSQL backend of the [store](crate::store): `--database postgres://USER@HOST:PORT/DB`.
//!
//! Connections come from a `deadpool-postgres` pool; the schema is migrated on connect
//! ([`migrations`], safe when several servers start at once). Each domain module holds its
//! queries and its store trait's implementation, written to answer exactly as the SQLite
//! backend does (see `migrations/postgres/0001_tickets.sql` for how the schema keeps text,
//! numbers and dates the same).
//!
//! Reads run as single statements on a pooled connection. A write that checks related rows
//! first runs in one SERIALIZABLE transaction, which PostgreSQL guarantees behaves as if the
//! transactions ran one after the other, as SQLite's single writer does; a transaction that
//! lost a race (serialization failure, deadlock, a unique key taken meanwhile) is run again
//! from the start, a few times at most.

/// The one test that keeps every query inside the caller's projects: SQL saying that `$column`
/// is one of the projects of the [`Scope`] bound as `$1` (always true for a scope of every
/// project).
macro_rules! in_scope {
    ($column:literal) => {
        concat!(
            "($1::bigint[] IS NULL OR ",
            $column,
            " = ANY($1::bigint[]))"
        )
    };
}

mod clients;
mod comments;
pub mod migrations;
mod projects;
mod sprints;
mod tickets;
mod timesheets;
mod users;

use std::time::Duration;

use deadpool_postgres::{
    Client, GenericClient, Manager, ManagerConfig, Pool, RecyclingMethod, Runtime, Transaction,
};
use tokio_postgres::error::SqlState;
use tokio_postgres::{IsolationLevel, NoTls};

use crate::store::{BoxFuture, Scope, Storage, StoreError, StoreResult};

/// Connections kept open at most.
const POOL_SIZE: usize = 16;

/// How long a call waits for a connection, and a new connection for the server, at most.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a statement waits for a lock held by another connection (a table an operator
/// locked, a long transaction) before it fails and the call answers that the database is
/// unavailable: the SQLite backend's busy timeout. The URL may set another (`options=-c
/// lock_timeout=...`).
const LOCK_TIMEOUT: Duration = Duration::from_secs(5);

/// How often a write transaction that lost a race is tried in all.
const ATTEMPTS: u32 = 10;

/// The SQL expression for "now" in Leantime's date format (`Y-m-d H:i:s`, UTC).
const NOW: &str = "leantime_now()";

/// A pool of connections to the tickets database on PostgreSQL; cheap to clone.
#[derive(Clone)]
pub struct PgDb {
    pool: Pool,
    /// The URL without its password, for logs.
    described: String,
}

impl std::fmt::Debug for PgDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgDb")
            .field("database", &self.described)
            .finish_non_exhaustive()
    }
}

/// A database URL as it may be logged: `postgres://USER@HOST:PORT/DB`, never the password.
pub fn describe(url: &str) -> String {
    let Ok(config) = url.parse::<tokio_postgres::Config>() else {
        return "postgres://(unparsable URL)".to_owned();
    };
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

impl PgDb {
    /// Connects to the database at `url` (`postgres://USER[:PASSWORD]@HOST[:PORT]/DB`, the
    /// libpq URL form) and applies pending migrations. Fails when the server does not answer.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let described = describe(url);
        let mut config: tokio_postgres::Config = url
            .parse()
            .map_err(|e| StoreError::Pool(format!("{described}: {e}")))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        config.application_name("leanrpc-tickets");
        // Ours first: a `-c lock_timeout=...` in the URL's own `options` comes later and wins.
        let options = match config.get_options() {
            Some(given) => format!("-c lock_timeout={} {given}", LOCK_TIMEOUT.as_millis()),
            None => format!("-c lock_timeout={}", LOCK_TIMEOUT.as_millis()),
        };
        config.options(&options);
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(CONNECT_TIMEOUT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|e| StoreError::Pool(e.to_string()))?;
        let db = Self { pool, described };
        let mut client = db.client().await?;
        migrations::migrate(&mut client).await?;
        Ok(db)
    }

    /// A connection from the pool.
    async fn client(&self) -> StoreResult<Client> {
        self.pool
            .get()
            .await
            .map_err(|e| StoreError::Pool(format!("no connection to {}: {e}", self.described)))
    }

    /// Runs `f` in one SERIALIZABLE transaction with `args`, committed before returning (rolled
    /// back when `f` fails); runs it again when it lost a race with another transaction.
    async fn write<A, T, F>(&self, args: &A, f: F) -> StoreResult<T>
    where
        A: Sync + ?Sized,
        F: for<'t> Fn(&'t Transaction<'t>, &'t A) -> BoxFuture<'t, StoreResult<T>>,
    {
        let mut client = self.client().await?;
        let mut attempt = 1;
        loop {
            let tx = client
                .build_transaction()
                .isolation_level(IsolationLevel::Serializable)
                .start()
                .await?;
            let outcome = match f(&tx, args).await {
                Ok(value) => tx.commit().await.map(|()| value).map_err(StoreError::from),
                Err(error) => {
                    // Best effort: a broken connection rolls back by itself.
                    let _ = tx.rollback().await;
                    Err(error)
                }
            };
            match outcome {
                Err(StoreError::Postgres(e)) if attempt < ATTEMPTS && lost_race(&e) => {
                    tracing::debug!(attempt, error = %e, "write transaction lost a race; again");
                    attempt += 1;
                }
                other => return other,
            }
        }
    }
}

/// Whether `error` says the transaction lost a race with another one and may succeed when run
/// again.
fn lost_race(error: &tokio_postgres::Error) -> bool {
    matches!(
        error.code(),
        Some(code) if *code == SqlState::T_R_SERIALIZATION_FAILURE
            || *code == SqlState::T_R_DEADLOCK_DETECTED
            || *code == SqlState::UNIQUE_VIOLATION
    )
}

/// Whether a query returns a row.
async fn any_row(
    client: &impl GenericClient,
    sql: &str,
    params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> StoreResult<bool> {
    let stmt = client.prepare_cached(sql).await?;
    Ok(client.query_opt(&stmt, params).await?.is_some())
}

/// Reads every row with `f`.
fn all<T>(
    rows: Vec<tokio_postgres::Row>,
    f: fn(&tokio_postgres::Row) -> Result<T, tokio_postgres::Error>,
) -> StoreResult<Vec<T>> {
    Ok(rows.iter().map(f).collect::<Result<_, _>>()?)
}

/// Reads the row, if any, with `f`.
fn one<T>(
    row: Option<tokio_postgres::Row>,
    f: fn(&tokio_postgres::Row) -> Result<T, tokio_postgres::Error>,
) -> StoreResult<Option<T>> {
    Ok(row.as_ref().map(f).transpose()?)
}

/// Escapes `term` for `LIKE ... ESCAPE '\'` and wraps it in `%`, as the SQLite backend does.
fn like_pattern(term: &str) -> String {
    let escaped = term
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

impl Scope {
    /// The scope as PostgreSQL binds it: `NULL` for every project, otherwise a `bigint[]`.
    fn pg(&self) -> Option<&[i64]> {
        self.projects()
    }
}

impl Storage for PgDb {
    fn backend(&self) -> &'static str {
        "postgres"
    }
    fn projects(&self) -> &dyn crate::store::ProjectStore {
        self
    }
    fn tickets(&self) -> &dyn crate::store::TicketStore {
        self
    }
    fn users(&self) -> &dyn crate::store::UserStore {
        self
    }
    fn clients(&self) -> &dyn crate::store::ClientStore {
        self
    }
    fn comments(&self) -> &dyn crate::store::CommentStore {
        self
    }
    fn sprints(&self) -> &dyn crate::store::SprintStore {
        self
    }
    fn timesheets(&self) -> &dyn crate::store::TimesheetStore {
        self
    }
    fn close(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move { self.pool.close() })
    }
}
