//! Durability and shutdown: an acknowledged write survives a SIGKILL; SIGTERM stops the server
//! cleanly with in-flight calls answered.

mod support;

use serde_json::json;
use support::{TicketsServer, project, ticket};

#[tokio::test]
async fn acknowledged_writes_survive_a_kill() {
    let server = TicketsServer::start(&[]);
    let owner = server.owner.clone();
    let p = project(&server, "durable").await;
    let ids: Vec<i64> = futures_join(&server, p).await;
    let (data, dir) = server.into_data();
    let restarted = TicketsServer::start_at(&data, dir, &[]);
    assert!(
        restarted.owner.is_empty(),
        "no new owner key when keys exist"
    );
    let all = restarted
        .ok(
            &owner,
            "tickets.getAll",
            json!({"searchCriteria": {"currentProject": p}, "limit": 10000}),
        )
        .await;
    let found: Vec<i64> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    assert_eq!(found, ids);
}

async fn futures_join(server: &TicketsServer, p: i64) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in 0..20 {
        ids.push(ticket(server, p, &format!("t{i}")).await);
    }
    ids
}

#[tokio::test]
async fn sigterm_stops_cleanly() {
    let mut server = TicketsServer::start(&[]);
    let p = project(&server, "p").await;
    ticket(&server, p, "t").await;
    let status = server.terminate();
    assert!(status.success(), "{status}");
    let logs = server.logs.lock().unwrap().clone();
    assert!(logs.contains("closing the database"), "{logs}");
    // The WAL was checkpointed into the main file on close.
    let wal = server.data.join("tickets.sqlite3-wal");
    assert!(!wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0);
}
