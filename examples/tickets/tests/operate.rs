//! Issue 18 on the real binary, without a browser: request ids on answers and in the logs,
//! `--metrics-listen`, CORS headers, and the flags' refusals.

mod support;

use serde_json::json;
use support::TicketsServer;

#[tokio::test]
async fn request_ids_are_kept_or_made_returned_and_logged() {
    let server = TicketsServer::start(&[]);
    let body = r#"{"jsonrpc":"2.0","method":"leantime.rpc.projects.getAll","params":{},"id":1}"#;
    let send = |id: Option<&str>| {
        let mut request = server
            .client
            .post(&server.url)
            .header("x-api-key", &server.owner)
            .body(body);
        if let Some(id) = id {
            request = request.header("x-request-id", id);
        }
        request.send()
    };
    let kept = send(Some("client-req-42")).await.unwrap();
    assert_eq!(kept.headers()["x-request-id"], "client-req-42");
    let made = send(None).await.unwrap();
    let made_id = made.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(made_id.len(), 32);
    let long = "x".repeat(129);
    for bad in [long.as_str(), "has space"] {
        let replaced = send(Some(bad)).await.unwrap();
        let id = replaced.headers()["x-request-id"].to_str().unwrap();
        assert!(id != bad && id.len() == 32, "{id}");
    }
    // Other routes get one too (404 here), and every answer has exactly one.
    let other = server
        .client
        .get(server.url.replace("/api/jsonrpc", "/elsewhere"))
        .header("x-request-id", "other-route-1")
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 404);
    assert_eq!(other.headers().get_all("x-request-id").iter().count(), 1);
    assert_eq!(other.headers()["x-request-id"], "other-route-1");
    // The logs (RUST_LOG=debug) carry the ids on the request's span.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let logs = server.logs.lock().unwrap().clone();
        if logs.contains("request_id=\"client-req-42\"")
            || logs.contains("request_id=client-req-42")
        {
            assert!(logs.contains(&made_id), "the made id is logged too");
            assert!(
                !logs.contains(server.owner.split('_').next_back().unwrap()),
                "a secret was logged"
            );
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "request id not logged: {logs}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// The value of the first sample line of `text` starting with `series`.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(series))
        .and_then(|l| l.rsplit_once(' '))
        .and_then(|(_, v)| v.parse().ok())
}

#[tokio::test]
async fn metrics_listen_serves_call_counts() {
    let server = TicketsServer::start(&["--metrics-listen", "127.0.0.1:0"]);
    let logs = server.logs.lock().unwrap().clone();
    let metrics = logs
        .split_whitespace()
        .find(|w| w.starts_with("http://") && w.ends_with("/metrics"))
        .unwrap_or_else(|| panic!("the metrics address is logged: {logs}"))
        .to_owned();
    for _ in 0..3 {
        server.ok(&server.owner, "projects.getAll", json!({})).await;
    }
    assert_eq!(
        server
            .err(&server.owner, "tickets.getTicket", json!({"id": 404}))
            .await,
        -32002
    );
    let text = reqwest::get(&metrics).await.unwrap().text().await.unwrap();
    let count = |method: &str, code: &str| {
        sample(
            &text,
            &format!(
                "rpc_server_call_duration_seconds_count{{rpc_method=\"leantime.rpc.{method}\",rpc_response_status_code=\"{code}\"}}"
            ),
        )
    };
    assert_eq!(count("projects.getAll", "OK"), Some(3.0), "{text}");
    assert_eq!(count("tickets.getTicket", "-32002"), Some(1.0), "{text}");
    // Without the flag there is no metrics listener and no recorder.
    let plain = TicketsServer::start(&[]);
    assert!(!plain.logs.lock().unwrap().contains("/metrics"));
}

#[tokio::test]
async fn cors_origins_are_checked_and_answered() {
    let server = TicketsServer::start(&["--cors-origin", "http://app.example:8000"]);
    let preflight = |origin: &'static str| {
        server
            .client
            .request(reqwest::Method::OPTIONS, &server.url)
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "x-api-key, content-type")
            .send()
    };
    let allowed = preflight("http://app.example:8000").await.unwrap();
    assert_eq!(allowed.status(), 200);
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "http://app.example:8000"
    );
    let methods = allowed.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap();
    assert!(
        methods.contains("POST") && methods.contains("GET"),
        "{methods}"
    );
    let other = preflight("http://evil.example").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
    // A bad origin stops the server at start, saying why.
    let output = std::process::Command::new(support::BIN)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--cors-origin",
            "*",
            "--data",
        ])
        .arg(tempfile::tempdir().unwrap().path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is not a CORS origin"), "{stderr}");
}
