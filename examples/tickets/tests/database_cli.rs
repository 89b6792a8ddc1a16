//! `--database URL`: which URLs the binary takes, what it says when the database is not there
//! (never the password), and a PostgreSQL-backed server restarted on its database.

mod support;

use std::process::Command;

use serde_json::json;
use support::{BIN, TicketsServer, pg::TestDatabase, project};

/// Runs the binary with `args` (expecting it to stop by itself) and returns (success, stderr).
fn run(args: &[&str]) -> (bool, String) {
    let data = tempfile::tempdir().expect("temp dir");
    let output = Command::new(BIN)
        .args(args)
        .arg("--data")
        .arg(data.path())
        .output()
        .expect("run tickets");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn an_unknown_scheme_is_refused_saying_what_works() {
    let url = "mysql://me:hunter2@127.0.0.1/tickets";
    for args in [
        vec!["serve", "--listen", "127.0.0.1:0", "--database", url],
        vec!["users", "list", "--database", url],
    ] {
        // In an empty directory: nothing may be created there (no default data directory).
        let cwd = tempfile::tempdir().unwrap();
        let output = Command::new(BIN)
            .args(&args)
            .current_dir(cwd.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?}");
        assert!(
            stderr.contains("unsupported database URL scheme `mysql`")
                && stderr.contains("postgres://USER@HOST:PORT/DB"),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("hunter2"), "the password leaked: {stderr}");
        assert_eq!(
            std::fs::read_dir(cwd.path()).unwrap().count(),
            0,
            "{args:?} created files"
        );
    }
}

#[test]
fn an_unreachable_database_stops_the_start_naming_it_without_the_password() {
    // Port 1 on loopback: nothing listens there.
    let (ok, stderr) = run(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--database",
        "postgres://me:hunter2@127.0.0.1:1/tickets",
    ]);
    assert!(!ok, "{stderr}");
    assert!(
        stderr.contains("postgres://me@127.0.0.1:1/tickets"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "the password leaked: {stderr}");
}

#[test]
fn users_take_a_database_or_a_data_directory_not_both() {
    for command in ["users", "keys"] {
        let (ok, stderr) = run(&[
            command,
            "list",
            "--database",
            "postgres://postgres@127.0.0.1:5432/postgres",
        ]);
        assert!(!ok, "{command}");
        assert!(
            stderr.contains("cannot be used with"),
            "{command}: {stderr}"
        );
    }
}

/// `tickets keys --database URL` manages the keys a PostgreSQL-backed server uses: a key
/// created there works on the server, and once revoked there it is refused.
#[tokio::test]
async fn keys_live_in_the_database() {
    let server = TicketsServer::start_on(
        tempfile::tempdir().unwrap().path(),
        None,
        Some(TestDatabase::create()),
        &[],
    );
    let key = server.create_key(&["--role", "editor", "--name", "in postgres"]);
    let listing = server.keys(&["list"]);
    assert!(listing.contains("in postgres"), "{listing}");
    server.ok(&key, "projects.getAll", json!({})).await;
    server.keys(&["revoke", key.split('_').nth(1).unwrap()]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let (status, _) = server.call(&key, "projects.getAll", json!({})).await;
        if status == 401 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "still accepted");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

/// A PostgreSQL-backed server keeps its data and its keys in the database, nothing in the data
/// directory: restarted on it, it finds its projects and keys, migrates nothing twice and
/// creates no second owner key.
#[tokio::test]
async fn a_postgres_server_restarts_on_its_database() {
    let data = tempfile::tempdir().unwrap();
    let path = data.path().to_owned();
    let server = TicketsServer::start_on(&path, Some(data), Some(TestDatabase::create()), &[]);
    let owner = server.owner.clone();
    assert!(
        owner.starts_with("lt_"),
        "a first start prints an owner key"
    );
    let p = project(&server, "kept").await;
    assert!(
        !path.join("tickets.sqlite3").exists(),
        "no SQLite tickets file"
    );
    assert!(!path.join("keys.sqlite3").exists(), "no SQLite key file");
    let (data, dir, database) = server.into_stores();
    let restarted = TicketsServer::start_on(&data, dir, database, &[]);
    assert!(
        restarted.owner.is_empty(),
        "no new owner key when keys exist"
    );
    let found = restarted
        .ok(&owner, "projects.getProject", json!({"id": p}))
        .await;
    assert_eq!(found["name"], "kept", "{found}");
    assert!(
        restarted
            .logs
            .lock()
            .unwrap()
            .contains("database=postgres://postgres@"),
        "the log names the database"
    );
}
