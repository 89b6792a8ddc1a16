//! Faults of the storage and of the process, against the real `tickets` binary: the database
//! locked by another process, the database made read-only, and SIGTERM in the middle of a write
//! load. Each answers clearly, never panics, and recovers; no acknowledged write is lost.
//!
//! `tests/faults_postgres.rs` runs it again on PostgreSQL, where each fault is PostgreSQL's own
//! form of it: the lock is a table lock held by another session's transaction, and "read-only"
//! is a database whose sessions turn read-only with the server's connections ended under it (a
//! primary demoted under its clients), where SQLite's file is made immutable.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use support::{Backend, TicketsServer, backend, project, ticket};

/// The answer every storage failure gets: generic, with no SQLite text.
const UNAVAILABLE: &str = "the database is unavailable; try again";

/// Asserts `answer` is the generic -32000 storage error and carries nothing internal.
fn assert_unavailable(answer: &Value) {
    assert_eq!(
        answer["error"],
        json!({"code": -32000, "message": "Server error", "data": UNAVAILABLE}),
        "{answer}"
    );
    let text = answer.to_string().to_lowercase();
    for internal in [
        "sqlite",
        "locked",
        "busy",
        "i/o",
        "readonly",
        "read-only",
        ".sqlite3",
        "postgres",
        "timeout",
        "transaction",
    ] {
        assert!(!text.contains(internal), "`{internal}` leaked: {answer}");
    }
}

/// The ids and headlines of every ticket in project `p`, as the owner sees them.
async fn headlines(server: &TicketsServer, key: &str, p: i64) -> BTreeMap<i64, String> {
    server
        .ok(
            key,
            "tickets.getAll",
            json!({"searchCriteria": {"currentProject": p}, "limit": 10000}),
        )
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["id"].as_i64().unwrap(),
                t["headline"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn assert_no_panic(server: &TicketsServer) {
    let logs = server.logs.lock().unwrap().clone();
    assert!(!logs.contains("panicked"), "{logs}");
}

/// Another process's hold on the database's write lock, until released: SQLite's exclusive
/// lock on the file (`BEGIN EXCLUSIVE`), or on PostgreSQL an open transaction holding
/// `LOCK TABLE projects, tickets IN EXCLUSIVE MODE`, which lets plain reads through as SQLite's
/// WAL does.
enum WriteLock {
    Sqlite(rusqlite::Connection),
    Postgres(tokio_postgres::Client),
}

impl WriteLock {
    async fn take(server: &TicketsServer) -> Self {
        match &server.database {
            None => {
                let holder = rusqlite::Connection::open(tickets::tickets_path(&server.data))
                    .expect("open the database file");
                holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
                WriteLock::Sqlite(holder)
            }
            Some(database) => {
                let holder = support::pg::connect(&database.url).await.unwrap();
                holder
                    .batch_execute("BEGIN; LOCK TABLE projects, tickets IN EXCLUSIVE MODE")
                    .await
                    .unwrap();
                WriteLock::Postgres(holder)
            }
        }
    }

    async fn release(self) {
        match self {
            WriteLock::Sqlite(holder) => holder.execute_batch("ROLLBACK").unwrap(),
            WriteLock::Postgres(holder) => holder.batch_execute("ROLLBACK").await.unwrap(),
        }
    }
}

/// What the server logs when a write gave up waiting for a lock.
fn lock_timeout_logged() -> &'static str {
    match backend() {
        Backend::Sqlite => "database is locked",
        Backend::Postgres => "canceling statement due to lock timeout",
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_locked_by_another_process_answers_a_clear_error_then_recovers() {
    let server = TicketsServer::start(&[]);
    let p = project(&server, "locked").await;
    let before = ticket(&server, p, "before the lock").await;

    // Another process (this test) takes the write lock and holds it.
    let holder = WriteLock::take(&server).await;

    // Writes wait out the server's lock timeout (5 s), then get the generic error in-band.
    let add = server.call(
        &server.owner,
        "tickets.addTicket",
        json!({"values": {"projectId": p, "headline": "during the lock"}}),
    );
    let update = server.call(
        &server.owner,
        "tickets.updateTicket",
        json!({"values": {"id": before, "headline": "changed during the lock"}}),
    );
    let ((add_status, add), (update_status, update)) = tokio::join!(add, update);
    assert_eq!((add_status, update_status), (200, 200));
    assert_unavailable(&add);
    assert_unavailable(&update);
    // Reads do not need the write lock (SQLite's WAL; PostgreSQL's EXCLUSIVE mode lets plain
    // reads through) and keep working.
    assert_eq!(
        server
            .ok(&server.owner, "tickets.getTicket", json!({"id": before}))
            .await["headline"],
        "before the lock"
    );
    // The detail went to the server's log, not to the client.
    assert!(
        server.logs.lock().unwrap().contains(lock_timeout_logged()),
        "the log names the cause"
    );

    // The lock clears: writes succeed again, and the failed ones left no trace.
    holder.release().await;
    let after = ticket(&server, p, "after the lock").await;
    assert_eq!(
        headlines(&server, &server.owner, p).await,
        BTreeMap::from([
            (before, "before the lock".to_owned()),
            (after, "after the lock".to_owned())
        ])
    );
    assert_no_panic(&server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_waits_out_a_brief_lock_held_by_another_process() {
    let server = TicketsServer::start(&[]);
    let p = project(&server, "briefly locked").await;
    let holder = WriteLock::take(&server).await;
    // Release the lock after a second: well within the server's 5 s lock timeout.
    let release = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(1)).await;
        holder.release().await;
    });
    // addTicket reads the project before it inserts: the write must still wait for the lock
    // rather than fail at once when it upgrades to a writer.
    let id = ticket(&server, p, "waited").await;
    release.await.unwrap();
    assert_eq!(
        headlines(&server, &server.owner, p).await,
        BTreeMap::from([(id, "waited".to_owned())])
    );
}

/// Makes files immutable (`chattr +i`) for as long as it lives: not even root may write them,
/// and SQLite's writes fail with EPERM. Undone on drop, so the temp dir can be removed.
struct Immutable(Vec<PathBuf>);

impl Immutable {
    fn set(files: Vec<PathBuf>) -> Self {
        let output = Command::new("chattr")
            .arg("+i")
            .args(&files)
            .output()
            .expect("chattr is installed (e2fsprogs)");
        assert!(
            output.status.success(),
            "this test makes the database read-only with `chattr +i`, which needs root \
             (CAP_LINUX_IMMUTABLE) and a filesystem with the immutable flag (ext4, xfs, btrfs, \
             tmpfs >= 6.0): {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let guard = Self(files);
        // Prove the point as the server will meet it: even root cannot open it for writing.
        assert!(
            std::fs::OpenOptions::new()
                .append(true)
                .open(&guard.0[0])
                .is_err(),
            "an immutable file opened for writing"
        );
        guard
    }

    fn clear(mut self) {
        self.undo();
    }

    fn undo(&mut self) {
        if !self.0.is_empty() {
            let status = Command::new("chattr").arg("-i").args(&self.0).status();
            assert!(status.is_ok_and(|s| s.success()), "chattr -i failed");
            self.0.clear();
        }
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        if !self.0.is_empty() {
            let _ = Command::new("chattr").arg("-i").args(&self.0).status();
        }
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The database made read-only under the running server, until cleared.
enum ReadOnly {
    /// SQLite: the database file and its write-ahead log (where SQLite writes first) made
    /// immutable, as when a disk is remounted read-only.
    File(Immutable),
    /// PostgreSQL: the database's new sessions made read-only
    /// (`default_transaction_read_only`) and the server's connections ended, as when a primary
    /// is demoted under its clients: the server's pool reconnects to a database that takes
    /// reads only. The URL of the database.
    Database(String),
}

impl ReadOnly {
    async fn set(server: &TicketsServer) -> Self {
        match &server.database {
            None => {
                let db = tickets::tickets_path(&server.data);
                ReadOnly::File(Immutable::set(vec![db.clone(), with_suffix(&db, "-wal")]))
            }
            Some(database) => {
                demote(&database.url, "SET default_transaction_read_only = on");
                reads_come_back(server).await;
                ReadOnly::Database(database.url.clone())
            }
        }
    }

    async fn clear(self, server: &TicketsServer) {
        match self {
            ReadOnly::File(immutable) => immutable.clear(),
            ReadOnly::Database(url) => {
                demote(&url, "RESET default_transaction_read_only");
                reads_come_back(server).await;
            }
        }
    }
}

/// Applies `setting` to the PostgreSQL database at `url` (`ALTER DATABASE ... setting`, which
/// new sessions take), then ends the tickets server's sessions on it, waiting until they are
/// gone. The key store's connections are left alone.
fn demote(url: &str, setting: &str) {
    support::pg::execute(
        url,
        &format!(
            // READ WRITE: this session is a new one, read-only too once the setting is on.
            "BEGIN READ WRITE;
             DO $$ BEGIN EXECUTE format('ALTER DATABASE %I {setting}', current_database()); END $$;
             SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity
              WHERE datname = current_database() AND application_name = 'leanrpc-tickets';
             COMMIT"
        ),
    )
    .expect("change the database and end the server's sessions");
}

/// Waits until the server answers reads again after its connections were ended: until its pool
/// has noticed, a call may meet a closed connection, which gets the generic error too.
async fn reads_come_back(server: &TicketsServer) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (status, answer) = server
            .call(&server.owner, "projects.getAll", json!({}))
            .await;
        assert_eq!(status, 200, "{answer}");
        if answer.get("error").is_none() {
            return;
        }
        assert_unavailable(&answer);
        assert!(
            tokio::time::Instant::now() < deadline,
            "reads did not come back: {answer}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_database_answers_a_clear_error_then_recovers() {
    let mut server = TicketsServer::start(&[]);
    let p = project(&server, "read-only").await;
    let before = ticket(&server, p, "before").await;

    let read_only = ReadOnly::set(&server).await;

    for (method, params) in [
        (
            "tickets.addTicket",
            json!({"values": {"projectId": p, "headline": "while read-only"}}),
        ),
        (
            "tickets.updateTicket",
            json!({"values": {"id": before, "headline": "while read-only"}}),
        ),
        ("tickets.deleteTicket", json!({"id": before})),
        (
            "projects.addProject",
            json!({"values": {"name": "while read-only"}}),
        ),
    ] {
        let (status, answer) = server.call(&server.owner, method, params).await;
        assert_eq!(status, 200, "{method}");
        assert_unavailable(&answer);
    }
    // Reads still work.
    assert_eq!(
        headlines(&server, &server.owner, p).await,
        BTreeMap::from([(before, "before".to_owned())])
    );
    let cause = match backend() {
        Backend::Sqlite => "database error",
        Backend::Postgres => "cannot execute INSERT in a read-only transaction",
    };
    assert!(
        server.logs.lock().unwrap().contains(cause),
        "the cause is logged: {cause}"
    );

    // Writable again: writes succeed with no restart, and nothing of the failed ones remains.
    read_only.clear(&server).await;
    let after = ticket(&server, p, "after").await;
    assert_eq!(
        server
            .ok(
                &server.owner,
                "tickets.updateTicket",
                json!({"values": {"id": before, "headline": "updated after"}})
            )
            .await,
        json!(true)
    );
    assert_eq!(
        headlines(&server, &server.owner, p).await,
        BTreeMap::from([
            (before, "updated after".to_owned()),
            (after, "after".to_owned())
        ])
    );
    assert_eq!(
        server
            .ok(&server.owner, "projects.getAll", json!({}))
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_no_panic(&server);
    assert!(server.terminate().success(), "a clean stop after recovery");
}

/// What one writer saw: the last headline acknowledged for each ticket it wrote, and every HTTP
/// answer that was not a success.
#[derive(Debug, Default)]
struct Ledger {
    acknowledged: BTreeMap<i64, String>,
    bad_answers: Vec<String>,
}

/// Adds tickets and renames its own, one call at a time on its own connection, until the server
/// stops answering; counts acknowledgements in `acks`.
async fn writer(url: String, key: String, p: i64, w: usize, acks: Arc<AtomicUsize>) -> Ledger {
    let client = reqwest::Client::new();
    let mut ledger = Ledger::default();
    for n in 0.. {
        let headline = format!("w{w}-n{n}");
        let last = ledger.acknowledged.keys().next_back().copied();
        let (method, params) = match (n % 3, last) {
            (2, Some(id)) => (
                "updateTicket",
                json!({"values": {"id": id, "headline": headline}}),
            ),
            _ => (
                "addTicket",
                json!({"values": {"projectId": p, "headline": headline}}),
            ),
        };
        let body = json!({"jsonrpc": "2.0", "method": format!("leantime.rpc.tickets.{method}"), "params": params, "id": n});
        let sent = client
            .post(&url)
            .header("x-api-key", &key)
            .body(body.to_string())
            .send()
            .await;
        // A refused or dropped connection is where this writer stops: the server is going.
        let Ok(response) = sent else { return ledger };
        let status = response.status().as_u16();
        let Ok(answer) = response.json::<Value>().await else {
            ledger.bad_answers.push(format!("{status}: truncated body"));
            return ledger;
        };
        match (status, method, &answer["result"]) {
            (200, "addTicket", Value::Number(id)) => {
                ledger.acknowledged.insert(id.as_i64().unwrap(), headline);
            }
            (200, "updateTicket", Value::Bool(true)) => {
                ledger.acknowledged.insert(last.unwrap(), headline);
            }
            _ => ledger.bad_answers.push(format!("{status}: {answer}")),
        }
        acks.fetch_add(1, Ordering::SeqCst);
    }
    ledger
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_during_a_write_load_loses_no_acknowledged_write() {
    const WRITERS: usize = 8;
    let mut server = TicketsServer::start(&[]);
    let owner = server.owner.clone();
    let p = project(&server, "load").await;
    let acks = Arc::new(AtomicUsize::new(0));
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            tokio::spawn(writer(
                server.url.clone(),
                owner.clone(),
                p,
                w,
                Arc::clone(&acks),
            ))
        })
        .collect();
    // Let the load build up, then stop the server in the middle of it.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while acks.load(Ordering::SeqCst) < 150 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the load did not get going"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let status = tokio::task::block_in_place(|| server.terminate());
    assert!(status.success(), "{status}");
    let mut acknowledged = BTreeMap::new();
    for w in writers {
        let ledger = tokio::time::timeout(Duration::from_secs(30), w)
            .await
            .expect("every writer stops once the server is gone")
            .unwrap();
        assert!(
            ledger.bad_answers.is_empty(),
            "every answer during shutdown was a success: {:?}",
            ledger.bad_answers
        );
        acknowledged.extend(ledger.acknowledged);
    }
    assert!(acknowledged.len() >= 100, "{}", acknowledged.len());
    let logs = server.logs.lock().unwrap().clone();
    assert!(logs.contains("in-flight calls finished"), "{logs}");

    // Restart on the same data: every acknowledged write is there, with its last headline.
    let (data, dir, database) = server.into_stores();
    let restarted = TicketsServer::start_on(&data, dir, database, &[]);
    let stored = headlines(&restarted, &owner, p).await;
    let lost: Vec<_> = acknowledged
        .iter()
        .filter(|(id, headline)| stored.get(id) != Some(headline))
        .map(|(id, headline)| {
            format!(
                "ticket {id}: acknowledged {headline:?}, stored {:?}",
                stored.get(id)
            )
        })
        .collect();
    assert!(lost.is_empty(), "lost writes: {lost:?}");
}
