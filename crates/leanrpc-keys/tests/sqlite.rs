//! The SQLite store: round trips, what the file holds, and sharing the file between
//! connections and processes (the server's store and the key CLI).

#![cfg(all(feature = "sqlite", feature = "cli"))]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::Duration;

use futures_executor::block_on;
use leanrpc_core::{AuthError, Authenticator, Role};
use leanrpc_keys::cli::{self, CreateArgs, KeysCommand};
use leanrpc_keys::time::now_unix;
use leanrpc_keys::{
    KeyAuthenticator, KeyScheme, KeyStatus, KeyStore, NewKey, SqliteStore, StoreError, create_key,
};

use common::creds;

fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys.db");
    (dir, path)
}

fn authenticator(store: Arc<SqliteStore>) -> KeyAuthenticator<Arc<SqliteStore>> {
    KeyAuthenticator::builder(store)
        .cache_ttl(Duration::ZERO)
        .usage_interval(None)
        .build()
}

/// Runs the `leanrpc-keys` binary on `db`.
fn keys_bin(db: &Path, args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_leanrpc-keys"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove(leanrpc_keys::PEPPER_ENV)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn last_line(output: &[u8]) -> String {
    let text = String::from_utf8(output.to_vec()).unwrap();
    text.lines().last().unwrap().to_owned()
}

#[test]
fn the_store_round_trips_every_operation() {
    let (_dir, path) = temp_db();
    let store = SqliteStore::open(&path).unwrap();
    let scheme = KeyScheme::default();
    let new = NewKey::new("ci", Role::Editor)
        .projects([3, 4])
        .scopes(["tickets:read", "odd \"scope\""])
        .expires_at(now_unix() + 3600);
    let (key, stored) = block_on(create_key(&store, &scheme, new)).unwrap();
    assert_eq!(
        block_on(store.find(key.key_id())).unwrap().as_ref(),
        Some(&stored)
    );
    assert_eq!(block_on(store.find("nosuchkey000")).unwrap(), None);
    assert!(matches!(
        block_on(store.insert(stored.clone())),
        Err(StoreError::Duplicate)
    ));

    let at = now_unix();
    block_on(store.touch_many(vec![
        (key.key_id().to_owned(), at),
        ("nosuchkey000".to_owned(), at),
    ]))
    .unwrap();
    block_on(store.touch_many(vec![(key.key_id().to_owned(), at - 100)])).unwrap();
    block_on(store.expire(key.key_id(), at + 10)).unwrap();
    block_on(store.expire(key.key_id(), at + 20)).unwrap();
    block_on(store.revoke(key.key_id(), at + 1)).unwrap();
    block_on(store.revoke(key.key_id(), at + 2)).unwrap();
    let back = block_on(store.find(key.key_id())).unwrap().unwrap();
    assert_eq!(back.last_used_at, Some(at), "a later use is kept");
    assert_eq!(back.expires_at, Some(at + 10), "an earlier expiry is kept");
    assert_eq!(
        back.revoked_at,
        Some(at + 1),
        "the first revocation is kept"
    );
    assert_eq!(back.status_at(at), KeyStatus::Revoked);
    assert!(matches!(
        block_on(store.revoke("nosuchkey000", at)),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        block_on(store.expire("nosuchkey000", at)),
        Err(StoreError::NotFound)
    ));
    assert_eq!(block_on(store.list()).unwrap(), vec![back]);
}

#[test]
fn the_schema_is_versioned_and_a_newer_one_is_refused() {
    let (_dir, path) = temp_db();
    drop(SqliteStore::open(&path).unwrap());
    drop(SqliteStore::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!((version, mode.as_str()), (2, "wal"));
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let error = SqliteStore::open(&path).unwrap_err().to_string();
    assert!(error.contains("schema version 99"), "{error}");
}

#[test]
fn the_database_file_holds_neither_the_key_nor_its_secret() {
    let (dir, path) = temp_db();
    let store = SqliteStore::open(&path).unwrap();
    let mut keys = Vec::new();
    for role in [Role::Readonly, Role::Owner] {
        let mut out = Vec::new();
        let create = KeysCommand::Create(CreateArgs {
            role,
            projects: vec![1],
            scopes: vec![],
            name: Some("scan".into()),
            expires: None,
        });
        block_on(cli::run(&store, &KeyScheme::default(), create, &mut out)).unwrap();
        keys.push(last_line(&out));
    }
    // A second process writes too, so the WAL holds its pages as well.
    keys.push(last_line(
        &keys_bin(&path, &["create", "--role", "editor"]).stdout,
    ));
    let mut scanned = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let file = entry.unwrap().path();
        let bytes = std::fs::read(&file).unwrap();
        scanned += bytes.len();
        for key in &keys {
            let secret = key.rsplit('_').next().unwrap();
            for needle in [key.as_str(), secret, &secret[..20]] {
                assert!(
                    !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                    "{} holds key material",
                    file.display()
                );
            }
        }
    }
    let wal = path.with_file_name("keys.db-wal");
    assert!(
        wal.exists() && scanned > 0,
        "the WAL file is there and was scanned"
    );
    // The key ids are stored (they are public), which shows the scan looks in the right place.
    let id = keys[0].split('_').nth(1).unwrap();
    let all: Vec<u8> = [std::fs::read(&path).unwrap(), std::fs::read(&wal).unwrap()].concat();
    assert!(all.windows(id.len()).any(|w| w == id.as_bytes()));
}

#[test]
fn two_connections_see_each_others_writes() {
    let (_dir, path) = temp_db();
    let a = Arc::new(SqliteStore::open(&path).unwrap());
    let b = Arc::new(SqliteStore::open(&path).unwrap());
    let scheme = KeyScheme::default();
    let (key, _) = block_on(create_key(&*a, &scheme, NewKey::new("k", Role::Editor))).unwrap();
    assert!(block_on(b.find(key.key_id())).unwrap().is_some());
    let auth = authenticator(Arc::clone(&a));
    assert!(block_on(auth.authenticate(creds(key.reveal().as_bytes()))).is_ok());
    block_on(b.revoke(key.key_id(), now_unix())).unwrap();
    assert_eq!(
        block_on(auth.authenticate(creds(key.reveal().as_bytes()))),
        Err(AuthError::Rejected)
    );

    // Concurrent writers on both connections: every write lands, the file stays sound.
    let writers: Vec<_> = [a, b]
        .into_iter()
        .map(|store| {
            std::thread::spawn(move || {
                for i in 0..25 {
                    let new = NewKey::new(format!("w{i}"), Role::Readonly);
                    block_on(create_key(&*store, &KeyScheme::default(), new)).unwrap();
                }
            })
        })
        .collect();
    writers.into_iter().for_each(|w| w.join().unwrap());
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(block_on(store.list()).unwrap().len(), 51);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}

#[test]
fn the_cli_binary_manages_keys_while_the_server_store_is_open() {
    let (_dir, path) = temp_db();
    let store = Arc::new(SqliteStore::open(&path).unwrap());
    let auth = authenticator(Arc::clone(&store));

    let created = keys_bin(
        &path,
        &[
            "create",
            "--role",
            "editor",
            "--project",
            "4",
            "--project",
            "5",
            "--scope",
            "tickets:read",
            "--name",
            "ci bot",
            "--expires",
            "2999-01-01",
        ],
    );
    let key = last_line(&created.stdout);
    let caller = block_on(auth.authenticate(creds(key.as_bytes()))).unwrap();
    let grant = caller.grant();
    assert_eq!(grant.role, Role::Editor);
    assert_eq!(grant.projects, vec![4, 5]);
    assert_eq!(grant.scopes, vec!["tickets:read".to_owned()]);
    assert_eq!(grant.name, "ci bot");
    let key_id = caller.key_id().to_owned();

    let list = String::from_utf8(keys_bin(&path, &["list"]).stdout).unwrap();
    let secret = key.rsplit('_').next().unwrap();
    assert!(!list.contains(secret), "{list}");
    let row = list.lines().find(|l| l.starts_with(&key_id)).unwrap();
    for expected in [
        "ci bot",
        "editor",
        "active",
        "4,5",
        "tickets:read",
        "2999-01-01T00:00:00Z",
    ] {
        assert!(row.contains(expected), "{expected} in {row}");
    }

    let rotated = keys_bin(&path, &["rotate", &key_id, "--overlap", "3600"]);
    let new_key = last_line(&rotated.stdout);
    let new_caller = block_on(auth.authenticate(creds(new_key.as_bytes()))).unwrap();
    assert_eq!(
        (new_caller.grant().projects.clone(), new_caller.grant().role),
        (vec![4, 5], Role::Editor)
    );
    assert!(
        block_on(auth.authenticate(creds(key.as_bytes()))).is_ok(),
        "overlap"
    );

    keys_bin(&path, &["revoke", &key_id]);
    assert_eq!(
        block_on(auth.authenticate(creds(key.as_bytes()))),
        Err(AuthError::Rejected)
    );
    let list = String::from_utf8(keys_bin(&path, &["list"]).stdout).unwrap();
    assert!(
        list.lines()
            .any(|l| l.starts_with(&key_id) && l.contains("revoked"))
    );

    for bad in [
        &["create", "--role", "root"][..],
        &["create", "--role", "editor", "--expires", "2020-01-01"],
        &["create", "--role", "editor", "--expires", "next week"],
        &["revoke", "nosuchkey000"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_leanrpc-keys"))
            .arg("--db")
            .arg(&path)
            .args(bad)
            .output()
            .unwrap();
        assert!(!output.status.success(), "{bad:?}");
        assert!(output.stdout.is_empty(), "{bad:?}");
        assert!(!output.stderr.is_empty(), "{bad:?}");
    }
}

#[test]
fn usage_is_written_to_the_database() {
    let (_dir, path) = temp_db();
    let store = Arc::new(SqliteStore::open(&path).unwrap());
    let auth = KeyAuthenticator::new(Arc::clone(&store));
    let (key, _) = block_on(create_key(
        &*store,
        &KeyScheme::default(),
        NewKey::new("k", Role::Editor),
    ))
    .unwrap();
    block_on(auth.authenticate(creds(key.reveal().as_bytes()))).unwrap();
    let other = SqliteStore::open(&path).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while block_on(other.find(key.key_id()))
        .unwrap()
        .unwrap()
        .last_used_at
        .is_none()
    {
        assert!(std::time::Instant::now() < deadline, "never written");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn the_change_counter_moves_with_every_key_change_from_any_connection() {
    let (_dir, path) = temp_db();
    let server = SqliteStore::open(&path).unwrap();
    let cli = SqliteStore::open(&path).unwrap();
    let generation = |store: &SqliteStore| block_on(store.generation()).unwrap().unwrap();
    let g0 = generation(&server);
    let (key, _) = block_on(create_key(
        &cli,
        &KeyScheme::default(),
        NewKey::new("k", Role::Editor),
    ))
    .unwrap();
    let g1 = generation(&server);
    assert_ne!(g1, g0, "a key created by another connection");
    block_on(server.touch_many(vec![(key.key_id().to_owned(), now_unix())])).unwrap();
    assert_eq!(generation(&server), g1, "last_used_at is no change");
    block_on(cli.expire(key.key_id(), now_unix() + 60)).unwrap();
    let g2 = generation(&server);
    assert_ne!(g2, g1, "an expiry");
    block_on(server.revoke(key.key_id(), now_unix())).unwrap();
    assert_ne!(generation(&cli), g2, "a revocation by this connection");
}

#[test]
fn a_revocation_by_the_cli_binary_applies_within_the_check_interval_despite_the_cache() {
    let (_dir, path) = temp_db();
    let store = Arc::new(SqliteStore::open(&path).unwrap());
    let interval = Duration::from_millis(200);
    let auth = KeyAuthenticator::builder(Arc::clone(&store))
        .cache_ttl(Duration::from_secs(3600))
        .change_check_interval(interval)
        .usage_interval(None)
        .build();
    let key = last_line(&keys_bin(&path, &["create", "--role", "editor"]).stdout);
    assert!(block_on(auth.authenticate(creds(key.as_bytes()))).is_ok());
    let key_id = key.split('_').nth(1).unwrap();
    keys_bin(&path, &["revoke", key_id]);
    std::thread::sleep(interval);
    assert_eq!(
        block_on(auth.authenticate(creds(key.as_bytes()))),
        Err(AuthError::Rejected),
        "refused on the first request one check interval after the CLI returned"
    );
}

#[cfg(unix)]
#[test]
fn the_database_and_its_wal_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let (dir, path) = temp_db();
    let store = SqliteStore::open(&path).unwrap();
    block_on(create_key(
        &store,
        &KeyScheme::default(),
        NewKey::new("k", Role::Editor),
    ))
    .unwrap();
    for name in ["keys.db", "keys.db-wal", "keys.db-shm"] {
        assert_eq!(mode(&dir.path().join(name)), 0o600, "{name}");
    }
    drop(store);
    // A file made readable by an older version is tightened on open.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    drop(SqliteStore::open(&path).unwrap());
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn a_version_1_database_gains_the_change_counter_on_open() {
    let (_dir, path) = temp_db();
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "CREATE TABLE api_keys (
            key_id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL,
            digest BLOB NOT NULL CHECK (length(digest) = 32), role TEXT NOT NULL,
            projects TEXT NOT NULL, scopes TEXT NOT NULL, created_at INTEGER NOT NULL,
            expires_at INTEGER, revoked_at INTEGER, last_used_at INTEGER
        ) STRICT;
        INSERT INTO api_keys VALUES ('AAAAAAAAAAAA', 'old', zeroblob(32), 'editor', '[]', '[]',
            0, NULL, NULL, NULL);
        PRAGMA user_version = 1;",
    )
    .unwrap();
    drop(conn);
    let store = SqliteStore::open(&path).unwrap();
    let g0 = block_on(store.generation()).unwrap().unwrap();
    assert!(block_on(store.find("AAAAAAAAAAAA")).unwrap().is_some());
    block_on(store.revoke("AAAAAAAAAAAA", now_unix())).unwrap();
    assert_ne!(block_on(store.generation()).unwrap().unwrap(), g0);
}
