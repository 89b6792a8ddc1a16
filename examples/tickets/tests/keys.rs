//! API key changes made by `tickets keys` (another process) while `tickets serve` runs on the
//! same data directory, the failed-attempt limit seen from one address, and the modes of the
//! data files. Over real HTTP on loopback.

mod support;

use std::time::{Duration, Instant};

use support::TicketsServer;

/// A call whose answer does not depend on the tickets domain: an authenticated caller gets
/// HTTP 200 (with "method not found" inside), a refused one 401 or 429.
const CALL: &str = r#"{"jsonrpc":"2.0","method":"leantime.rpc.keys.noSuchMethod","id":1}"#;

/// The server's change check interval (`leanrpc_keys::DEFAULT_CHANGE_CHECK_INTERVAL`): a change
/// committed before the CLI returned applies to every request that begins this long after.
const CHECK: Duration = leanrpc_keys::DEFAULT_CHANGE_CHECK_INTERVAL;

fn key_id(key: &str) -> &str {
    key.split('_').nth(1).unwrap()
}

/// Polls with `key` from the moment `changed` (the CLI returned) until a request is refused:
/// every request that began more than [`CHECK`] after `changed` must be refused. Returns the
/// delay from `changed` to the start of the first refused request.
async fn refused_after(server: &TicketsServer, key: &str, changed: Instant) -> Duration {
    for _ in 0..500 {
        let start = Instant::now();
        let status = server.post(Some(key), CALL).await.0;
        let after = start - changed;
        if status == 401 {
            return after;
        }
        assert_eq!(status, 200);
        assert!(
            after < CHECK,
            "accepted a request that began {after:?} after the change, later than the {CHECK:?} check interval"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("never refused");
}

#[tokio::test]
async fn a_cli_revocation_is_refused_within_the_check_interval_by_the_running_server() {
    // The default key cache (30 s) is on: the change counter, not the TTL, must do it.
    let server = TicketsServer::start(&[]);
    const N: usize = 20;
    let keys: Vec<String> = (0..N)
        .map(|_| server.create_key(&["--role", "readonly"]))
        .collect();
    for key in &keys {
        assert_eq!(server.post(Some(key), CALL).await.0, 200, "{key}");
        assert_eq!(server.post(Some(key), CALL).await.0, 200, "cached");
    }
    let mut delays = Vec::new();
    for key in &keys {
        let said = server.keys(&["revoke", key_id(key)]);
        let changed = Instant::now();
        assert!(
            said.contains(&format!("revoked key {}", key_id(key))),
            "{said}"
        );
        delays.push(refused_after(&server, key, changed).await);
    }
    let listing = server.keys(&["list"]);
    for key in &keys {
        let row = listing
            .lines()
            .find(|l| l.starts_with(key_id(key)))
            .unwrap();
        assert!(row.contains("revoked"), "{row}");
    }
    delays.sort();
    println!(
        "revocation delay over {N} CLI revocations (CLI returned -> first refused request): median {:?}, max {:?}, check interval {CHECK:?}",
        delays[N / 2],
        delays[N - 1]
    );
}

#[tokio::test]
async fn rotation_keeps_the_old_key_exactly_as_long_as_the_cli_says() {
    let server = TicketsServer::start(&[]);
    let old = server.create_key(&["--role", "readonly"]);
    assert_eq!(server.post(Some(&old), CALL).await.0, 200, "cached now");

    let said = server.keys(&["rotate", key_id(&old), "--overlap", "3"]);
    let changed = Instant::now();
    let new = said.lines().last().unwrap().trim().to_owned();
    let until = said
        .lines()
        .find_map(|l| l.strip_prefix(&format!("key {} keeps working until ", key_id(&old))))
        .unwrap_or_else(|| panic!("{said}"));
    let until = leanrpc_keys::time::parse_utc(until.trim()).unwrap();
    assert_eq!(server.post(Some(&new), CALL).await.0, 200);
    // Still before `until` (the overlap is 3 s and less than 1 s has passed): accepted.
    if leanrpc_keys::time::now_unix() < until {
        assert_eq!(server.post(Some(&old), CALL).await.0, 200);
    }
    // From `until` on, refused: the cached record's expiry moved with the counter.
    while leanrpc_keys::time::now_unix() < until {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(CHECK.saturating_sub(changed.elapsed())).await;
    assert_eq!(server.post(Some(&old), CALL).await.0, 401, "after {until}");

    // Without an overlap the old key is revoked at once.
    let said = server.keys(&["rotate", key_id(&new)]);
    let changed = Instant::now();
    assert!(
        said.contains(&format!("revoked key {}", key_id(&new))),
        "{said}"
    );
    let newer = said.lines().last().unwrap().trim().to_owned();
    let delay = refused_after(&server, &new, changed).await;
    println!("rotation without overlap: old key refused {delay:?} after the CLI returned");
    assert_eq!(server.post(Some(&newer), CALL).await.0, 200);
}

#[tokio::test]
async fn failures_from_an_address_never_lock_out_a_valid_key_from_it() {
    let server = TicketsServer::start(&["--rate-limit", "100"]);
    let valid = server.create_key(&["--role", "readonly"]);
    let format = leanrpc_keys::KeyFormat::default();
    let mut statuses = Vec::new();
    for _ in 0..21 {
        // Well-formed keys (valid checksum) that no one holds.
        let guess = format.mint().unwrap();
        statuses.push(server.post(Some(guess.reveal()), CALL).await.0);
    }
    assert!(statuses[..20].iter().all(|s| *s == 401), "{statuses:?}");
    assert_eq!(statuses[20], 429, "the address used up its failures");
    let (status, headers, _) = server.post(Some(&valid), CALL).await;
    assert_eq!(status, 200, "a valid key from the same address");
    assert!(headers.get("retry-after").is_none());
    let (status, headers, _) = server.post(Some("lt_nope"), CALL).await;
    assert_eq!(status, 429, "further failures are still told to back off");
    assert!(headers.get("retry-after").is_some());
    assert_eq!(server.post(Some(&server.owner), CALL).await.0, 200);
}

#[cfg(unix)]
#[tokio::test]
async fn the_data_directory_and_its_databases_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let parent = tempfile::tempdir().unwrap();
    let data = parent.path().join("data");
    let server = TicketsServer::start_at(&data, None, &[]);
    let key = server.create_key(&["--role", "editor"]);
    assert_eq!(server.post(Some(&key), CALL).await.0, 200);
    let mode = |name: &str| {
        std::fs::metadata(data.join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode(""), 0o700, "the data directory");
    for name in [
        "keys.sqlite3",
        "keys.sqlite3-wal",
        "keys.sqlite3-shm",
        "tickets.sqlite3",
        "tickets.sqlite3-wal",
        "tickets.sqlite3-shm",
    ] {
        assert_eq!(mode(name), 0o600, "{name}");
    }
    drop(server);
}
