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
    let (ok, stderr) = run(&[
        "users",
        "list",
        "--database",
        "postgres://postgres@127.0.0.1:5432/postgres",
    ]);
    assert!(!ok);
    assert!(stderr.contains("cannot be used with"), "{stderr}");
}

/// A PostgreSQL-backed server keeps its data in the database and its keys in the data
/// directory: restarted on both, it finds its projects, migrates nothing twice and creates no
/// second owner key.
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
