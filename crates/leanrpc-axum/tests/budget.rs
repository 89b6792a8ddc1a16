//! The response budget over real HTTP on loopback: the results of one request's calls share
//! `Limits::max_total_response_bytes`, so a batch cannot multiply the per-result cap. The calls
//! past the budget get -32000, the others still answer, in request order, and the body stays
//! within the budget plus the envelopes.

use std::net::SocketAddr;

use leanrpc::{Limits, Server, rpc_service};
use leanrpc_axum::ServeOptions;
use serde_json::{Value, json};
use tokio::sync::oneshot;

const MIB: usize = 1024 * 1024;

/// Results of any size, answered at once or after waiting.
struct Blobs;

#[rpc_service]
impl Blobs {
    /// A string of `len` bytes (its result is `len + 2` bytes with the quotes).
    fn blob(&self, len: usize) -> String {
        "x".repeat(len)
    }

    /// The same, after yielding to the runtime once: a call that waits.
    async fn blob_later(&self, len: usize) -> String {
        tokio::task::yield_now().await;
        "y".repeat(len)
    }
}

/// A server on 127.0.0.1:0; dropping the sender stops it.
async fn start(limits: Limits) -> (String, oneshot::Sender<()>) {
    let server = Server::builder()
        .limits(limits)
        .service(Blobs)
        .build()
        .expect("server builds");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr: SocketAddr = listener.local_addr().unwrap();
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(leanrpc_axum::serve_with(
        listener,
        leanrpc_axum::router(server),
        ServeOptions::default(),
        async move {
            let _ = rx.await;
        },
    ));
    (format!("http://{addr}/api/jsonrpc"), tx)
}

/// POSTs `body`; returns the size of the answer and the answer.
async fn post(url: &str, body: &Value) -> (usize, Value) {
    let response = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status().as_u16(), 200);
    let bytes = response.bytes().await.expect("body");
    (bytes.len(), serde_json::from_slice(&bytes).expect("JSON"))
}

fn call(method: &str, len: usize, id: i64) -> Value {
    json!({"jsonrpc": "2.0", "method": method, "params": [len], "id": id})
}

fn assert_over_budget(answer: &Value, budget: usize) {
    assert_eq!(
        answer["error"],
        json!({"code": -32000, "message": "Server error", "data": format!(
            "response too large: the results of this request together would be over \
             max_total_response_bytes ({budget} bytes); send fewer calls per batch")}),
        "{}",
        answer["id"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_over_the_default_budget_answers_what_fits_and_refuses_the_rest() {
    let (url, _stop) = start(Limits::default()).await;
    // Nine results of 2 MiB (each well under the 16 MiB per-result cap), then a small one:
    // seven fit in the default 16 MiB budget, the eighth and ninth do not, the tenth does.
    let mut batch: Vec<Value> = (1..=9).map(|id| call("blob", 2 * MIB, id)).collect();
    batch.push(call("blob", 10, 10));
    let (size, answers) = post(&url, &Value::Array(batch)).await;
    let answers = answers.as_array().expect("a batch answer");
    assert_eq!(answers.len(), 10);
    for (i, answer) in answers.iter().enumerate() {
        assert_eq!(answer["id"], i + 1, "answers keep request order");
    }
    for answer in &answers[..7] {
        assert_eq!(answer["result"].as_str().map(str::len), Some(2 * MIB));
    }
    for answer in &answers[7..9] {
        assert_over_budget(answer, 16 * MIB);
    }
    assert_eq!(answers[9]["result"], "x".repeat(10));
    // Bounded by the budget plus the envelopes (well under 300 bytes a call).
    assert!(size <= 16 * MIB + 10 * 300, "{size} bytes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_that_wait_share_the_budget_and_keep_their_place() {
    let limits = Limits::default().max_total_response_bytes(1000);
    let (url, _stop) = start(limits).await;
    let batch = json!([
        call("blob_later", 400, 1),
        call("blob", 400, 2),
        {"jsonrpc": "2.0", "method": "blob", "params": [400]},
        call("blob_later", 400, 3),
        call("blob", 5, 4),
        call("blob", 999, 5),
    ]);
    let (size, answers) = post(&url, &batch).await;
    let answers = answers.as_array().expect("a batch answer");
    let ids: Vec<_> = answers.iter().map(|a| a["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5], "{answers:?}");
    // The calls that do not wait are charged first (402 + 7 bytes); of the two that wait, the
    // first to finish takes 402 more, and the other would go over 1,000.
    assert_eq!(answers[1]["result"].as_str().map(str::len), Some(400));
    assert_eq!(answers[3]["result"], "xxxxx");
    assert_over_budget(&answers[4], 1000);
    let waited = [&answers[0], &answers[2]];
    let refused = waited.iter().filter(|a| a.get("error").is_some()).count();
    assert_eq!(refused, 1, "{waited:?}");
    for answer in waited {
        match answer.get("error") {
            Some(_) => assert_over_budget(answer, 1000),
            None => assert_eq!(answer["result"], "y".repeat(400)),
        }
    }
    assert!(size <= 1000 + 5 * 300, "{size} bytes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_single_call_is_held_to_the_smaller_of_the_two_limits() {
    let limits = Limits::default()
        .max_response_bytes(100)
        .max_total_response_bytes(50);
    let (url, _stop) = start(limits).await;
    let (_, fits) = post(&url, &call("blob", 48, 1)).await;
    assert_eq!(fits["result"].as_str().map(str::len), Some(48));
    let (_, over) = post(&url, &call("blob", 49, 1)).await;
    assert_over_budget(&over, 50);
    // Each request has a budget of its own: the one before spent nothing of this one.
    let (_, again) = post(&url, &call("blob_later", 48, 7)).await;
    assert_eq!(again["result"].as_str().map(str::len), Some(48));
}
