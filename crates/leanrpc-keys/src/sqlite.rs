//! [`SqliteStore`]: keys in a SQLite database file, the embedded default.
//!
//! The file is opened in WAL mode with a busy timeout, so a server and the key CLI can use it
//! at the same time: readers never block the writer, and a writer waits for the other's
//! transaction instead of failing. The schema is created and migrated on open, inside an
//! immediate transaction, so two processes opening a new file at once do not race.
//!
//! Every commit is synced (`synchronous=FULL`), so an acknowledged revocation survives a power
//! cut. The file and its `-wal`/`-shm` companions are readable by their owner only (0600). A
//! `key_changes` row, bumped by triggers on every key change, is the store's
//! [`KeyStore::generation`]: a server sharing the file with the CLI reads it to drop its cache.
//!
//! All SQLite work runs on one worker thread per store; the async methods hand it a job and
//! await its answer, so no executor thread ever blocks on the database, and the futures work
//! under any executor.

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use futures_channel::oneshot;
use leanrpc_core::{BoxFuture, Grant, Role};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use crate::store::{KeyStore, StoreError, StoredKey};

/// How long a write waits for another connection's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Schema migrations, in order; `PRAGMA user_version` counts how many have run.
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE api_keys (
    key_id       TEXT PRIMARY KEY NOT NULL,
    name         TEXT NOT NULL,
    digest       BLOB NOT NULL CHECK (length(digest) = 32),
    role         TEXT NOT NULL,
    projects     TEXT NOT NULL, -- JSON array of integers
    scopes       TEXT NOT NULL, -- JSON array of strings
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,
    revoked_at   INTEGER,
    last_used_at INTEGER
) STRICT;",
    // The change counter behind `KeyStore::generation`: bumped in the same transaction as every
    // change to a key except `last_used_at`, whoever makes it (this process, the key CLI, the
    // sqlite3 shell), so a server sees another process's revocation with one cheap read.
    "CREATE TABLE key_changes (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
) STRICT;
INSERT INTO key_changes (id, generation) VALUES (1, 0);
CREATE TRIGGER api_keys_inserted AFTER INSERT ON api_keys
BEGIN UPDATE key_changes SET generation = generation + 1; END;
CREATE TRIGGER api_keys_updated
AFTER UPDATE OF key_id, name, digest, role, projects, scopes, created_at, expires_at, revoked_at
ON api_keys
BEGIN UPDATE key_changes SET generation = generation + 1; END;
CREATE TRIGGER api_keys_deleted AFTER DELETE ON api_keys
BEGIN UPDATE key_changes SET generation = generation + 1; END;",
];

/// The columns [`from_row`] reads, in its order.
macro_rules! columns {
    () => {
        "key_id, name, digest, role, projects, scopes, created_at, expires_at, revoked_at, \
         last_used_at"
    };
}

const FIND: &str = concat!("SELECT ", columns!(), " FROM api_keys WHERE key_id = ?1");
const LIST: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM api_keys ORDER BY created_at, key_id"
);
const INSERT: &str = concat!(
    "INSERT INTO api_keys (",
    columns!(),
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
);

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// A [`KeyStore`] in a SQLite file. Stores digests, never keys.
pub struct SqliteStore {
    // `None` only while dropping.
    jobs: Option<Sender<Job>>,
    worker: Option<JoinHandle<()>>,
    path: PathBuf,
}

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`, switches it to WAL mode and brings
    /// its schema up to date. Blocks while it does; call it at startup.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref().to_path_buf();
        private_sqlite_files(&path).map_err(StoreError::backend)?;
        let mut conn = Connection::open(&path).map_err(StoreError::backend)?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(StoreError::backend)?;
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .map_err(StoreError::backend)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::backend(format!(
                "SQLite refused WAL mode (journal_mode is {mode})"
            )));
        }
        // FULL, not WAL's usual NORMAL: every commit is synced before it is acknowledged, so
        // a revocation the CLI reported survives a power cut. Key writes are rare; the cost is
        // one fsync per revocation, creation or `last_used_at` batch.
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(StoreError::backend)?;
        migrate(&mut conn)?;
        let (jobs, queue) = mpsc::channel::<Job>();
        let worker = std::thread::Builder::new()
            .name("leanrpc-keys-sqlite".to_owned())
            .spawn(move || {
                for job in queue {
                    // A panicking job must not take the store down with it.
                    let _ = catch_unwind(AssertUnwindSafe(|| job(&mut conn)));
                }
            })
            .map_err(StoreError::backend)?;
        Ok(Self {
            jobs: Some(jobs),
            worker: Some(worker),
            path,
        })
    }

    /// The database file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `work` on the worker thread and resolves to its result.
    fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> BoxFuture<'static, Result<T, StoreError>> {
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let _ = answer.send(work(conn));
        });
        let sent = self
            .jobs
            .as_ref()
            .is_some_and(|jobs| jobs.send(job).is_ok());
        Box::pin(async move {
            if !sent {
                return Err(StoreError::backend("the SQLite worker thread has stopped"));
            }
            answered
                .await
                .map_err(|_| StoreError::backend("the SQLite worker dropped the request"))?
        })
    }
}

impl Drop for SqliteStore {
    /// Lets the worker finish queued jobs and close the database, so the last connection to
    /// close checkpoints the WAL into the main file.
    fn drop(&mut self) {
        drop(self.jobs.take());
        if let Some(worker) = self.worker.take()
            && worker.thread().id() != std::thread::current().id()
        {
            let _ = worker.join();
        }
    }
}

/// Makes the SQLite database file at `path` (created empty if missing) and any `-wal`/`-shm`
/// beside it readable and writable by the owner only (0600; nothing on other platforms). SQLite
/// creates the `-wal` and `-shm` files with the database file's permissions, so new ones follow.
/// [`SqliteStore::open`] does this for the key database; applications use it for their own.
pub fn private_sqlite_files(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(path)?;
        for suffix in ["", "-wal", "-shm"] {
            let mut file = path.as_os_str().to_owned();
            file.push(suffix);
            match std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)) {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => return Err(error),
                _ => {}
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(StoreError::backend)?;
    let version: i64 = tx
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(StoreError::backend)?;
    let known = MIGRATIONS.len();
    let done = usize::try_from(version).unwrap_or(usize::MAX);
    if done > known {
        return Err(StoreError::backend(format!(
            "the key database has schema version {version}; this build knows up to {known}"
        )));
    }
    for sql in &MIGRATIONS[done..] {
        tx.execute_batch(sql).map_err(StoreError::backend)?;
    }
    tx.pragma_update(None, "user_version", known as i64)
        .map_err(StoreError::backend)?;
    tx.commit().map_err(StoreError::backend)
}

/// Inserts `key`; [`StoreError::Duplicate`] when its id is taken.
fn insert(conn: &Connection, key: &StoredKey) -> Result<(), StoreError> {
    let grant = &key.grant;
    let projects = serde_json::to_string(&grant.projects).map_err(StoreError::backend)?;
    let scopes = serde_json::to_string(&grant.scopes).map_err(StoreError::backend)?;
    let inserted = conn.prepare_cached(INSERT).and_then(|mut s| {
        s.execute(params![
            key.key_id,
            grant.name,
            &key.digest[..],
            grant.role.as_str(),
            projects,
            scopes,
            key.created_at,
            key.expires_at,
            key.revoked_at,
            key.last_used_at,
        ])
    });
    match inserted {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
        {
            Err(StoreError::Duplicate)
        }
        Err(error) => Err(backend(error)),
    }
}

fn backend(error: rusqlite::Error) -> StoreError {
    StoreError::backend(error)
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<StoredKey> {
    fn invalid(
        column: usize,
        error: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> rusqlite::Error {
        rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, error.into())
    }
    let digest: Vec<u8> = row.get(2)?;
    let role: String = row.get(3)?;
    let projects: String = row.get(4)?;
    let scopes: String = row.get(5)?;
    let grant = Grant::new(
        row.get::<_, String>(1)?,
        role.parse::<Role>().map_err(|e| invalid(3, e))?,
    )
    .projects(serde_json::from_str::<Vec<i64>>(&projects).map_err(|e| invalid(4, e))?)
    .scopes(serde_json::from_str::<Vec<String>>(&scopes).map_err(|e| invalid(5, e))?);
    let digest = digest
        .try_into()
        .map_err(|_| invalid(2, "digest is not 32 bytes"))?;
    let mut key = StoredKey::new(row.get::<_, String>(0)?, grant, digest, row.get(6)?);
    key.expires_at = row.get(7)?;
    key.revoked_at = row.get(8)?;
    key.last_used_at = row.get(9)?;
    Ok(key)
}

/// Runs an `UPDATE` of one key, [`StoreError::NotFound`] if it touched no row.
fn update_one(conn: &Connection, sql: &str, key_id: &str, at: i64) -> Result<(), StoreError> {
    match conn
        .prepare_cached(sql)
        .and_then(|mut s| s.execute(params![key_id, at]))
    {
        Ok(0) => Err(StoreError::NotFound),
        Ok(_) => Ok(()),
        Err(error) => Err(backend(error)),
    }
}

impl KeyStore for SqliteStore {
    fn find<'a>(&'a self, key_id: &'a str) -> BoxFuture<'a, Result<Option<StoredKey>, StoreError>> {
        let key_id = key_id.to_owned();
        self.run(move |conn| {
            conn.prepare_cached(FIND)
                .and_then(|mut s| s.query_row([&key_id], from_row).optional())
                .map_err(backend)
        })
    }

    fn insert(&self, key: StoredKey) -> BoxFuture<'_, Result<(), StoreError>> {
        self.run(move |conn| insert(conn, &key))
    }

    fn insert_if_empty(&self, key: StoredKey) -> BoxFuture<'_, Result<bool, StoreError>> {
        self.run(move |conn| {
            // IMMEDIATE takes the write lock before the check, so another process's first key
            // cannot land between the two (it waits out the busy timeout, then sees this one).
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(backend)?;
            let empty = tx
                .query_row("SELECT NOT EXISTS (SELECT 1 FROM api_keys)", [], |row| {
                    row.get::<_, bool>(0)
                })
                .map_err(backend)?;
            if empty {
                insert(&tx, &key)?;
            }
            tx.commit().map_err(backend)?;
            Ok(empty)
        })
    }

    fn list(&self) -> BoxFuture<'_, Result<Vec<StoredKey>, StoreError>> {
        self.run(|conn| {
            let mut statement = conn.prepare_cached(LIST).map_err(backend)?;
            let rows = statement.query_map([], from_row).map_err(backend)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(backend)
        })
    }

    fn revoke<'a>(&'a self, key_id: &'a str, at: i64) -> BoxFuture<'a, Result<(), StoreError>> {
        let key_id = key_id.to_owned();
        self.run(move |conn| {
            update_one(
                conn,
                "UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?2) WHERE key_id = ?1",
                &key_id,
                at,
            )
        })
    }

    fn expire<'a>(&'a self, key_id: &'a str, at: i64) -> BoxFuture<'a, Result<(), StoreError>> {
        let key_id = key_id.to_owned();
        self.run(move |conn| {
            update_one(
                conn,
                "UPDATE api_keys SET expires_at = min(coalesce(expires_at, ?2), ?2) \
                 WHERE key_id = ?1",
                &key_id,
                at,
            )
        })
    }

    fn generation(&self) -> BoxFuture<'_, Result<Option<u64>, StoreError>> {
        self.run(|conn| {
            let generation: i64 = conn
                .prepare_cached("SELECT generation FROM key_changes WHERE id = 1")
                .and_then(|mut s| s.query_row([], |row| row.get(0)))
                .map_err(backend)?;
            Ok(Some(generation as u64))
        })
    }

    fn touch_many(&self, uses: Vec<(String, i64)>) -> BoxFuture<'_, Result<(), StoreError>> {
        self.run(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(backend)?;
            {
                let mut statement = tx
                    .prepare_cached(
                        "UPDATE api_keys SET last_used_at = ?2 \
                         WHERE key_id = ?1 AND (last_used_at IS NULL OR last_used_at < ?2)",
                    )
                    .map_err(backend)?;
                for (key_id, at) in &uses {
                    statement.execute(params![key_id, at]).map_err(backend)?;
                }
            }
            tx.commit().map_err(backend)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commits_are_synced_in_full() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path().join("keys.db")).unwrap();
        let synchronous = store.run(|conn| {
            conn.pragma_query_value(None, "synchronous", |row| row.get::<_, i64>(0))
                .map_err(backend)
        });
        // 2 is FULL (1 is NORMAL).
        assert_eq!(futures_executor::block_on(synchronous).unwrap(), 2);
    }
}
