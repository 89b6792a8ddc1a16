//! The hyper-served tickets API answers exactly like the axum-served one: the same keys, the same
//! methods, the same errors, from the same data directory.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

#[tokio::test]
async fn hyper_serves_the_tickets_api() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_hyper-server"))
        .args(["--listen", "127.0.0.1:0", "--data"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut banner = String::new();
    stdout.read_line(&mut banner).unwrap();
    let key = banner.rsplit(' ').next().unwrap().trim().to_owned();
    let url = BufReader::new(child.stderr.take().unwrap())
        .lines()
        .map_while(Result::ok)
        .find_map(|line| line.split("listening on ").nth(1).map(str::to_owned))
        .unwrap();
    let client = reqwest::Client::new();
    let call = |key: Option<String>, body: Value| {
        let mut request = client.post(&url).json(&body);
        if let Some(key) = key {
            request = request.header("x-api-key", key);
        }
        async move {
            let response = request.send().await.unwrap();
            (
                response.status().as_u16(),
                response.json::<Value>().await.unwrap(),
            )
        }
    };
    let rpc = |method: &str, params: Value| json!({"jsonrpc": "2.0", "method": method, "params": params, "id": 1});
    let (status, answer) = call(
        Some(key.clone()),
        rpc(
            "leantime.rpc.projects.addProject",
            json!({"values": {"name": "P"}}),
        ),
    )
    .await;
    assert_eq!((status, answer["result"].clone()), (200, json!(1)));
    let (_, answer) = call(
        Some(key.clone()),
        rpc(
            "leantime.rpc.tickets.addTicket",
            json!({"values": {"projectId": 1, "headline": "h"}}),
        ),
    )
    .await;
    assert_eq!(answer["result"], 1);
    let (_, answer) = call(
        Some(key.clone()),
        rpc("leantime.rpc.Tickets.Tickets.getTicket", json!({"id": "1"})),
    )
    .await;
    assert_eq!(answer["result"]["headline"], "h");
    let (status, answer) = call(
        None,
        rpc("leantime.rpc.tickets.getTicket", json!({"id": 1})),
    )
    .await;
    assert_eq!(
        (status, answer["error"]["code"].clone()),
        (401, json!(-32001))
    );
    let (status, answer) = call(Some(key), json!([])).await;
    assert_eq!(
        (status, answer["error"]["code"].clone()),
        (200, json!(-32600))
    );
    let _ = child.kill();
    let _ = child.wait();
}
