//! The tickets database: one SQLite file, schema created and migrated on open, every write
//! committed durably (WAL, `synchronous = FULL`) before its answer is sent.
//!
//! SQLite calls block, so each one runs on tokio's blocking pool. Writes share one connection
//! (SQLite has one writer at a time anyway); reads take a connection from a small pool so they
//! run in parallel with each other and with a write. Calls wait for a permit (asynchronously)
//! before they take a blocking thread, so however many requests arrive at once, at most one
//! write and four (`READERS`) reads hold a thread and a connection: no burst of requests can grow
//! the blocking pool, the open files or the memory that comes with them.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tokio::sync::Semaphore;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use crate::model::{NewTicket, Project, Status, Ticket, TicketChanges};

/// How many read connections to keep.
const READERS: usize = 4;

/// Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
const MIGRATIONS: &[&str] = &[r"
    CREATE TABLE projects (
        id      INTEGER PRIMARY KEY,
        name    TEXT NOT NULL,
        details TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE tickets (
        id          INTEGER PRIMARY KEY,
        project_id  INTEGER NOT NULL REFERENCES projects(id),
        headline    TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        status      TEXT NOT NULL,
        created_at  TEXT NOT NULL
    );
    CREATE INDEX tickets_by_project ON tickets(project_id);
"];

/// Why a database call failed. Clients see a generic -32000; the detail goes to the log.
#[derive(Debug)]
pub enum DbError {
    /// SQLite reported an error (locked, read-only, corrupt, full, ...).
    Sqlite(rusqlite::Error),
    /// The blocking task could not run or panicked.
    Task,
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbError::Sqlite(e) => write!(f, "sqlite: {e}"),
            DbError::Task => f.write_str("database task failed"),
        }
    }
}

impl std::error::Error for DbError {}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        DbError::Sqlite(e)
    }
}

impl From<DbError> for leanrpc::RpcError {
    fn from(error: DbError) -> Self {
        tracing::error!(%error, "database error");
        leanrpc::RpcError::server_error().data("the database is unavailable; try again")
    }
}

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

fn migrate(conn: &Connection) -> Result<(), DbError> {
    let done: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let done = usize::try_from(done).unwrap_or(0);
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(done) {
        conn.execute_batch(&format!(
            "BEGIN; {sql}; PRAGMA user_version = {}; COMMIT;",
            i + 1
        ))?;
    }
    Ok(())
}

// --- queries -------------------------------------------------------------------------------

fn project_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Project> {
    Ok(Project {
        id: row.get(0)?,
        name: row.get(1)?,
        details: row.get(2)?,
    })
}

fn ticket_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Ticket> {
    let status: String = row.get(4)?;
    Ok(Ticket {
        id: row.get(0)?,
        project_id: row.get(1)?,
        headline: row.get(2)?,
        description: row.get(3)?,
        status: status.parse().unwrap_or(Status::New),
        created_at: row.get(5)?,
    })
}

/// Inserts a project and returns its id.
pub fn insert_project(
    tx: &rusqlite::Transaction<'_>,
    name: &str,
    details: &str,
) -> Result<i64, DbError> {
    tx.execute(
        "INSERT INTO projects (name, details) VALUES (?1, ?2)",
        params![name, details],
    )?;
    Ok(tx.last_insert_rowid())
}

/// One project by id.
pub fn project(conn: &Connection, id: i64) -> Result<Option<Project>, DbError> {
    Ok(conn
        .prepare_cached("SELECT id, name, details FROM projects WHERE id = ?1")?
        .query_row([id], project_from_row)
        .optional()?)
}

/// All projects, by id.
pub fn projects(conn: &Connection) -> Result<Vec<Project>, DbError> {
    let mut stmt = conn.prepare_cached("SELECT id, name, details FROM projects ORDER BY id")?;
    let rows = stmt.query_map([], project_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Inserts a ticket and returns its id.
pub fn insert_ticket(tx: &rusqlite::Transaction<'_>, ticket: &NewTicket) -> Result<i64, DbError> {
    tx.execute(
        "INSERT INTO tickets (project_id, headline, description, status, created_at)
         VALUES (?1, ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
        params![
            ticket.project_id,
            ticket.headline,
            ticket.description,
            ticket.status.as_str()
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// One ticket by id.
pub fn ticket(conn: &Connection, id: i64) -> Result<Option<Ticket>, DbError> {
    Ok(conn
        .prepare_cached(
            "SELECT id, project_id, headline, description, status, created_at FROM tickets WHERE id = ?1",
        )?
        .query_row([id], ticket_from_row)
        .optional()?)
}

/// Tickets filtered by project and status, by id.
pub fn tickets(
    conn: &Connection,
    project_id: Option<i64>,
    status: Option<Status>,
) -> Result<Vec<Ticket>, DbError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, project_id, headline, description, status, created_at FROM tickets
         WHERE (?1 IS NULL OR project_id = ?1) AND (?2 IS NULL OR status = ?2) ORDER BY id",
    )?;
    let rows = stmt.query_map(
        params![project_id, status.map(Status::as_str)],
        ticket_from_row,
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Applies changes to a ticket; `false` when it does not exist.
pub fn update_ticket(
    tx: &rusqlite::Transaction<'_>,
    id: i64,
    changes: &TicketChanges,
) -> Result<bool, DbError> {
    let changed = tx.execute(
        "UPDATE tickets SET headline = COALESCE(?2, headline), description = COALESCE(?3, description),
         status = COALESCE(?4, status) WHERE id = ?1",
        params![id, changes.headline, changes.description, changes.status.map(Status::as_str)],
    )?;
    Ok(changed == 1)
}

/// Deletes a ticket; `false` when it does not exist.
pub fn delete_ticket(tx: &rusqlite::Transaction<'_>, id: i64) -> Result<bool, DbError> {
    Ok(tx.execute("DELETE FROM tickets WHERE id = ?1", [id])? == 1)
}
