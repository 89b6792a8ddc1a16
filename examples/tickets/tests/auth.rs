//! API keys over real HTTP: every broken-auth answer, revocation, expiry, rotation, rate limiting,
//! and secrets kept out of logs and stored data. `tests/auth_postgres.rs` runs it again on
//! PostgreSQL.

mod support;

use std::time::Duration;

use serde_json::json;
use support::{TicketsServer, holds};

const CALL: &str =
    r#"{"jsonrpc":"2.0","method":"leantime.rpc.projects.getAll","params":{},"id":"q"}"#;
const UNAUTHORIZED: &str =
    r#"{"jsonrpc":"2.0","error":{"code":-32001,"message":"Unauthorized"},"id":"q"}"#;

#[tokio::test]
async fn every_broken_key_gets_the_same_401() {
    let server = TicketsServer::start(&["--key-cache-ttl", "0"]);
    let good = server.owner.clone();
    let key_id = good.split('_').nth(1).unwrap().to_owned();
    let revoked = server.create_key(&["--role", "owner"]);
    server.keys(&["revoke", revoked.split('_').nth(1).unwrap()]);
    let mut wrong_secret = good.clone();
    // Same id, same checksum-valid shape is impossible to forge by hand; flip one secret char.
    wrong_secret.replace_range(20..21, if &good[20..21] == "a" { "b" } else { "a" });
    let other = server.create_key(&["--role", "owner"]);
    let foreign_secret = format!("lt_{key_id}_{}", other.rsplit('_').next().unwrap());
    let unknown_id = format!("lt_AAAAAAAAAAAA_{}", good.rsplit('_').next().unwrap());
    let cases: Vec<(&str, Option<String>)> = vec![
        ("no key", None),
        ("empty", Some(String::new())),
        ("malformed", Some("hello".into())),
        ("wrong prefix", Some(good.replacen("lt_", "xx_", 1))),
        ("typo (checksum)", Some(wrong_secret)),
        ("another key's secret", Some(foreign_secret)),
        ("unknown id", Some(unknown_id)),
        ("revoked", Some(revoked)),
        ("oversized", Some("lt_".to_owned() + &"a".repeat(8000))),
    ];
    for (case, key) in cases {
        let (status, headers, body) = server.post(key.as_deref(), CALL).await;
        assert_eq!(status, 401, "{case}");
        assert_eq!(
            body.unwrap(),
            serde_json::from_str::<serde_json::Value>(UNAUTHORIZED).unwrap(),
            "{case}"
        );
        assert_eq!(headers["content-type"], "application/json", "{case}");
    }
    // Non-ASCII header bytes: reqwest refuses to send invalid header text, so use a raw socket.
    let raw = raw_post(&server.url, b"x-api-key: lt_\xff\xfe\xfd\r\n").await;
    assert!(raw.starts_with("HTTP/1.1 401"), "{raw}");
    // A key in the query string is ignored.
    let response = server
        .client
        .post(format!("{}?x-api-key={good}&api_key={good}", server.url))
        .body(CALL)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    // And the real key still works.
    assert_eq!(server.post(Some(&good), CALL).await.0, 200);
}

async fn raw_post(url: &str, extra_headers: &[u8]) -> String {
    let addr = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let extra = extra_headers.to_vec();
    tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(&addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut request = format!(
            "POST /api/jsonrpc HTTP/1.1\r\nhost: {addr}\r\ncontent-length: {}\r\nconnection: close\r\n",
            CALL.len()
        )
        .into_bytes();
        request.extend_from_slice(&extra);
        request.extend_from_slice(b"\r\n");
        request.extend_from_slice(CALL.as_bytes());
        stream.write_all(&request).unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        String::from_utf8_lossy(&response).into_owned()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn revocation_takes_effect_within_the_cache_ttl() {
    let server = TicketsServer::start(&["--key-cache-ttl", "2"]);
    let key = server.create_key(&["--role", "readonly"]);
    assert_eq!(server.post(Some(&key), CALL).await.0, 200);
    server.keys(&["revoke", key.split('_').nth(1).unwrap()]);
    // Within the TTL the cached verification may still be used; after it, never.
    tokio::time::sleep(Duration::from_millis(2_200)).await;
    assert_eq!(server.post(Some(&key), CALL).await.0, 401);
}

#[tokio::test]
async fn expired_keys_and_rotation() {
    let server = TicketsServer::start(&["--key-cache-ttl", "0"]);
    let soon = leanrpc_keys::time::format_utc(leanrpc_keys::time::now_unix() + 2);
    let expiring = server.create_key(&["--role", "readonly", "--expires", &soon]);
    assert_eq!(server.post(Some(&expiring), CALL).await.0, 200);
    tokio::time::sleep(Duration::from_millis(3_100)).await;
    assert_eq!(server.post(Some(&expiring), CALL).await.0, 401);

    let old = server.create_key(&["--role", "editor", "--project", "4"]);
    let output = server.keys(&["rotate", old.split('_').nth(1).unwrap()]);
    let new = output.lines().last().unwrap().trim().to_owned();
    assert_ne!(new, old);
    assert_eq!(server.post(Some(&old), CALL).await.0, 401);
    let (status, _, body) = server.post(Some(&new), CALL).await;
    assert_eq!(
        (status, body.unwrap()["result"].clone()),
        (200, json!([])),
        "same projects: [4] sees none"
    );
}

#[tokio::test]
async fn rate_limits_count_calls_and_answer_429_with_headers() {
    let server = TicketsServer::start(&["--rate-limit", "5"]);
    let key = server.create_key(&["--role", "readonly"]);
    let batch = format!("[{CALL},{CALL},{CALL}]");
    let (status, headers, _) = server.post(Some(&key), &batch).await;
    assert_eq!(
        (
            status,
            &headers["x-ratelimit-limit"],
            &headers["x-ratelimit-remaining"]
        ),
        (200, &"5".parse().unwrap(), &"2".parse().unwrap())
    );
    let (status, headers, body) = server.post(Some(&key), &batch).await;
    assert_eq!(status, 429);
    assert_eq!(headers["x-ratelimit-limit"], "5");
    assert_eq!(headers["x-ratelimit-remaining"], "0");
    let retry: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    assert_eq!(body.unwrap()["error"]["code"], -32003);
    // Two single calls still fit; other keys are not affected.
    assert_eq!(server.post(Some(&key), CALL).await.0, 200);
    assert_eq!(server.post(Some(&server.owner), &batch).await.0, 200);
}

#[tokio::test]
async fn failed_attempts_are_limited_per_address() {
    let server = TicketsServer::start(&["--rate-limit", "100"]);
    let mut statuses = Vec::new();
    for i in 0..30 {
        statuses.push(
            server
                .post(Some(&format!("lt_guess{i:07}_nope")), CALL)
                .await
                .0,
        );
    }
    assert!(statuses[..20].iter().all(|s| *s == 401), "{statuses:?}");
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
}

#[tokio::test]
async fn secrets_stay_out_of_logs_and_database_files() {
    let mut server = TicketsServer::start(&[]);
    let created = server.create_key(&["--role", "editor", "--name", "ci"]);
    for key in [&server.owner, &created] {
        assert_eq!(server.post(Some(key), CALL).await.0, 200);
    }
    let _ = server
        .post(
            Some("lt_AAAAAAAAAAAA_wrongwrongwrongwrongwrongwrongwrongwr"),
            CALL,
        )
        .await;
    let listing = server.keys(&["list"]);
    assert!(server.terminate().success());
    let logs = server.logs.lock().unwrap().clone();
    assert!(
        logs.contains("authentication failed") || logs.contains("listening"),
        "logs were captured"
    );
    // The data directory's files, or on PostgreSQL the database: they hold each key's public
    // id, and never its secret.
    let stored = server.stored();
    for key in [&server.owner, &created] {
        let key_id = key.split('_').nth(1).unwrap();
        assert!(
            stored.iter().any(|(_, bytes)| holds(bytes, key_id)),
            "key {key_id} is in what was searched"
        );
        let secret = key.rsplit('_').next().unwrap();
        assert!(!logs.contains(secret), "a secret in the logs");
        assert!(!listing.contains(secret), "a secret in `keys list`");
        for (place, bytes) in &stored {
            assert!(!holds(bytes, secret), "a secret in {place}");
        }
    }
}
