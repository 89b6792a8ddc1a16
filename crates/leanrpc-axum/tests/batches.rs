//! Batches under tokio: calls that never wait are answered inline, calls that wait run
//! concurrently but never more than `batch_concurrency` at a time, and answers keep request order.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use leanrpc::{Limits, Server, rpc_service};
use serde_json::{Value, json};

#[derive(Default)]
struct Gauge {
    running: AtomicUsize,
    peak: AtomicUsize,
}

struct Waits(Arc<Gauge>);

#[rpc_service]
impl Waits {
    /// Waits `ms` milliseconds, then answers `tag`.
    async fn wait(&self, ms: u64, tag: i64) -> i64 {
        let now = self.0.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.0.peak.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(ms)).await;
        self.0.running.fetch_sub(1, Ordering::SeqCst);
        tag
    }

    /// Answers `tag` at once.
    fn now(&self, tag: i64) -> i64 {
        tag
    }
}

fn server(concurrency: usize) -> (Server, Arc<Gauge>) {
    let gauge = Arc::new(Gauge::default());
    let limits = Limits::default().batch_concurrency(concurrency);
    let server = Server::builder()
        .limits(limits)
        .service(Waits(Arc::clone(&gauge)))
        .build()
        .unwrap();
    (server, gauge)
}

async fn call(server: &Server, body: &Value) -> Vec<Value> {
    let answer = server.call(body.to_string()).await.expect("an answer");
    serde_json::from_slice(&answer).unwrap()
}

#[tokio::test]
async fn waiting_calls_never_exceed_the_bound_and_answers_keep_order() {
    let (server, gauge) = server(4);
    let batch: Vec<Value> = (0..40)
        .map(|i| json!({"jsonrpc": "2.0", "method": "wait", "params": [5, i], "id": i}))
        .collect();
    let answers = call(&server, &json!(batch)).await;
    let results: Vec<i64> = answers
        .iter()
        .map(|a| a["result"].as_i64().unwrap())
        .collect();
    assert_eq!(results, (0..40).collect::<Vec<_>>());
    let ids: Vec<i64> = answers.iter().map(|a| a["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, (0..40).collect::<Vec<_>>());
    assert_eq!(
        gauge.peak.load(Ordering::SeqCst),
        4,
        "the bound is reached, never passed"
    );
    assert_eq!(gauge.running.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn inline_and_waiting_calls_mix_in_request_order() {
    let (server, gauge) = server(3);
    let batch: Vec<Value> = (0..30)
        .map(|i| match i % 3 {
            0 => json!({"jsonrpc": "2.0", "method": "wait", "params": [10 - i % 7, i], "id": i}),
            1 => json!({"jsonrpc": "2.0", "method": "now", "params": [i], "id": i}),
            _ => json!({"jsonrpc": "2.0", "method": "now", "params": [i]}),
        })
        .collect();
    let answers = call(&server, &json!(batch)).await;
    let ids: Vec<i64> = answers.iter().map(|a| a["id"].as_i64().unwrap()).collect();
    let expected: Vec<i64> = (0..30).filter(|i| i % 3 != 2).collect();
    assert_eq!(
        ids, expected,
        "notifications are not answered; the rest keep their order"
    );
    assert!(answers.iter().all(|a| a["result"] == a["id"]));
    assert!(gauge.peak.load(Ordering::SeqCst) <= 3);
}

#[tokio::test]
async fn twenty_waiting_calls_run_together() {
    let (server, gauge) = server(32);
    let batch: Vec<Value> = (0..20)
        .map(|i| json!({"jsonrpc": "2.0", "method": "wait", "params": [20, i], "id": i}))
        .collect();
    assert_eq!(call(&server, &json!(batch)).await.len(), 20);
    assert_eq!(
        gauge.peak.load(Ordering::SeqCst),
        20,
        "all twenty wait at the same time"
    );
}
