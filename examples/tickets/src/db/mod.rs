//! The SQLite backend of the [store](crate::store), the default: one file in the data
//! directory, schema created and migrated on open, every write committed durably (WAL,
//! `synchronous = FULL`) before its answer is sent. Each domain module holds its queries (plain
//! functions on a connection or a transaction) and, below them, its store trait's
//! implementation, which runs them off the async executor with [`Db::read`] and [`Db::write`].
//!
//! SQLite calls block, so each one runs on tokio's blocking pool. Writes share one connection
//! (SQLite has one writer at a time anyway); reads take a connection from a small pool so they
//! run in parallel with each other and with a write. Calls wait for a permit (asynchronously)
//! before they take a blocking thread, so however many requests arrive at once, at most one
//! write and four (`READERS`) reads hold a thread and a connection: no burst of requests can grow
//! the blocking pool, the open files or the memory that comes with them.

/// The one test that keeps every query inside the caller's projects: SQL saying that `$column`
/// is one of the projects of the [`Scope`] bound as `?1` (always true for a scope of every
/// project). A string literal, so queries stay `&'static str` (`concat!`) or `format!` strings.
macro_rules! in_scope {
    ($column:literal) => {
        concat!(
            "(?1 IS NULL OR ",
            $column,
            " IN (SELECT value FROM json_each(?1)))"
        )
    };
}

pub mod clients;
pub mod comments;
mod migrations;
pub mod projects;
pub mod sprints;
pub mod tickets;
pub mod timesheets;
pub mod users;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tokio::sync::Semaphore;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};

/// How many read connections to keep.
const READERS: usize = 4;

pub use crate::store::Scope;
/// Why a database call failed: the store's error (the name the SQLite code grew up with).
pub use crate::store::StoreError as DbError;

/// A handle to the tickets database; cheap to clone.
#[derive(Clone)]
pub struct Db {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    /// One permit: the write in progress.
    write_permits: Arc<Semaphore>,
    /// [`READERS`] permits: the reads in progress, one per pooled connection.
    read_permits: Arc<Semaphore>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("path", &self.inner.path)
            .finish_non_exhaustive()
    }
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    // One plan per statement, kept across executions. Without it SQLite (built with STAT4, as
    // rusqlite's bundled copy is) marks the scope parameter `?1` "re-prepare on bind", and every
    // cached statement was parsed and planned again on each call: about 40 µs of a `getTicket`.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(())
}

impl Db {
    /// Opens (creating if needed) the database file at `path` and applies pending migrations.
    pub fn open(path: &Path) -> Result<Self, DbError> {
        let writer = Connection::open(path)?;
        writer.pragma_update(None, "journal_mode", "WAL")?;
        configure(&writer)?;
        migrate(&writer)?;
        Ok(Self {
            inner: Arc::new(Inner {
                path: path.to_owned(),
                writer: Mutex::new(writer),
                readers: Mutex::new(Vec::new()),
                write_permits: Arc::new(Semaphore::new(1)),
                read_permits: Arc::new(Semaphore::new(READERS)),
            }),
        })
    }

    /// Runs `f` on the write connection inside one transaction, committed before returning.
    pub async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, DbError> + Send + 'static,
    ) -> Result<T, DbError> {
        let inner = Arc::clone(&self.inner);
        let permit = Arc::clone(&inner.write_permits)
            .acquire_owned()
            .await
            .map_err(|_| DbError::Task)?;
        tokio::task::spawn_blocking(move || {
            // Held until the write is done, even if the caller stops waiting for it.
            let _permit = permit;
            let mut conn = inner
                .writer
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            // IMMEDIATE takes the write lock up front, waiting out `busy_timeout` if another
            // process holds it. A DEFERRED transaction that reads first (most writes here do)
            // gets SQLITE_BUSY at once when it tries to upgrade, with no wait at all.
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let value = f(&tx)?;
            tx.commit()?;
            Ok(value)
        })
        .await
        .map_err(|_| DbError::Task)?
    }

    /// Runs `f` on a read connection.
    pub async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, DbError> + Send + 'static,
    ) -> Result<T, DbError> {
        let inner = Arc::clone(&self.inner);
        let permit = Arc::clone(&inner.read_permits)
            .acquire_owned()
            .await
            .map_err(|_| DbError::Task)?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let pooled = inner
                .readers
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .pop();
            let conn = match pooled {
                Some(conn) => conn,
                None => {
                    let conn = Connection::open_with_flags(
                        &inner.path,
                        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                    )?;
                    configure(&conn)?;
                    conn
                }
            };
            let value = f(&conn);
            let mut readers = inner
                .readers
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if readers.len() < READERS {
                readers.push(conn);
            }
            value
        })
        .await
        .map_err(|_| DbError::Task)?
    }

    /// Closes the database cleanly: checkpoints the WAL into the main file.
    pub fn close(&self) {
        self.inner
            .readers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
        let conn = self
            .inner
            .writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Err(error) = conn.pragma_update(None, "wal_checkpoint", "TRUNCATE") {
            tracing::warn!(%error, "WAL checkpoint at shutdown failed");
        }
    }
}

impl crate::store::Storage for Db {
    fn backend(&self) -> &'static str {
        "sqlite"
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
    fn close(&self) -> crate::store::BoxFuture<'_, ()> {
        Box::pin(async move { Db::close(self) })
    }
}

fn migrate(conn: &Connection) -> Result<(), DbError> {
    let done: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let done = usize::try_from(done).unwrap_or(0);
    for (i, sql) in migrations::MIGRATIONS.iter().enumerate().skip(done) {
        conn.execute_batch(&format!(
            "BEGIN; {sql}; PRAGMA user_version = {}; COMMIT;",
            i + 1
        ))?;
    }
    Ok(())
}

/// The SQL expression for "now" in Leantime's date format (`Y-m-d H:i:s`, UTC).
pub(crate) const NOW: &str = "strftime('%Y-%m-%d %H:%M:%S', 'now')";

/// The scope binds as SQLite sees it: `NULL` for every project, otherwise a JSON array of ids,
/// which `in_scope!` unpacks with `json_each`.
impl rusqlite::ToSql for Scope {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, Value, ValueRef};
        Ok(match self.json() {
            Some(list) => ToSqlOutput::Borrowed(ValueRef::Text(list.as_bytes())),
            None => ToSqlOutput::Owned(Value::Null),
        })
    }
}

/// Collects rows of a statement into a vector.
pub(crate) fn collect<T>(
    rows: impl Iterator<Item = rusqlite::Result<T>>,
) -> Result<Vec<T>, DbError> {
    Ok(rows.collect::<Result<_, _>>()?)
}
