//! Run with: cargo run --release -p leanrpc-benches --example mcp_vs_jsonrpc [-- ROUNDS]
//!
//! What an MCP `tools/call` costs against a direct JSON-RPC call of the same method, both over
//! HTTP on loopback, side by side in one run (issue 15's target: at most 1.3×).
//!
//! Builds the tickets example's app (`tickets::App`) on a fresh data dir with a project and a
//! ticket, and serves exactly what `tickets serve` serves (the JSON-RPC endpoint and `/mcp` on
//! one axum router, `leanrpc_axum::serve`) on 127.0.0.1:0 in a tokio runtime of its own (one
//! worker thread). One keep-alive client (reqwest, on another thread) then alternates, in
//! ROUNDS rounds (default 200) of 200 requests each:
//!
//! - `json-rpc`: `POST /api/jsonrpc` `leantime.rpc.tickets.getTicket {"id": 1}` with the owner
//!   key;
//! - `mcp`: `POST /mcp` `tools/call` `tickets_getTicket {"id": 1}` with the same key, as an
//!   MCP 2025-11-25 client sends it (`MCP-Protocol-Version`, `Accept`);
//!
//! each round timing both back to back, in an order that alternates between rounds. Each round
//! gives its own ratio (MCP time / JSON-RPC time), so load that comes and goes between rounds
//! cancels; it prints the median time per request of each and the median ratio with the middle
//! half of the rounds. Every answer is checked once before timing (the ticket comes back in
//! both), and each timed answer's status is checked.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

const PER_ROUND: usize = 200;

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map_or(200, |n| n.parse().expect("ROUNDS is a number"));
    let server_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let app = tickets::App::open(&tickets::Options::new(dir.path())).expect("open the app");
    let key = server_runtime
        .block_on(app.first_owner_key())
        .expect("an owner key")
        .expect("a fresh data dir has no keys")
        .reveal()
        .to_owned();
    let router = leanrpc_axum::router(app.server.clone()).merge(app.mcp().expect("MCP").router());
    let listener = server_runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind loopback");
    let addr = listener.local_addr().expect("address");
    server_runtime.spawn(leanrpc_axum::serve(
        listener,
        router,
        std::future::pending(),
    ));

    let client_runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .build()
        .expect("a client");
    let rpc_url = format!("http://{addr}/api/jsonrpc");
    let mcp_url = format!("http://{addr}/mcp");

    let rpc = |method: &str, params: Value| -> reqwest::RequestBuilder {
        client
            .post(&rpc_url)
            .header("content-type", "application/json")
            .header("x-api-key", &key)
            .body(
                json!({"jsonrpc": "2.0", "id": 1, "method": format!("leantime.rpc.{method}"),
                       "params": params})
                .to_string(),
            )
    };
    let json_of = |request: reqwest::RequestBuilder| -> Value {
        client_runtime.block_on(async {
            request
                .send()
                .await
                .expect("send")
                .json()
                .await
                .expect("JSON")
        })
    };
    let project = json_of(rpc(
        "projects.addProject",
        json!({"values": {"name": "Bench"}}),
    ));
    assert_eq!(project["result"], 1, "{project}");
    let ticket = json_of(rpc(
        "tickets.addTicket",
        json!({"values": {"projectId": 1, "headline": "Fix the login page",
                          "description": "Users see a blank page after signing in."}}),
    ));
    assert_eq!(ticket["result"], 1, "{ticket}");

    let jsonrpc_body =
        json!({"jsonrpc": "2.0", "id": 1, "method": "leantime.rpc.tickets.getTicket",
                              "params": {"id": 1}})
        .to_string();
    let mcp_body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                          "params": {"name": "tickets_getTicket", "arguments": {"id": 1}}})
    .to_string();
    let jsonrpc_request = || {
        client
            .post(&rpc_url)
            .header("content-type", "application/json")
            .header("x-api-key", &key)
            .body(jsonrpc_body.clone())
    };
    let mcp_request = || {
        client
            .post(&mcp_url)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", "2025-11-25")
            .header("x-api-key", &key)
            .body(mcp_body.clone())
    };
    let direct = json_of(jsonrpc_request());
    let tool = json_of(mcp_request());
    assert_eq!(
        direct["result"]["headline"], "Fix the login page",
        "{direct}"
    );
    assert_eq!(
        tool["result"]["structuredContent"], direct["result"],
        "the tool answers what the method answers: {tool}"
    );

    let time = |make: &dyn Fn() -> reqwest::RequestBuilder| -> Duration {
        client_runtime.block_on(async {
            let start = Instant::now();
            for _ in 0..PER_ROUND {
                let response = make().send().await.expect("send");
                assert_eq!(response.status(), 200);
                std::hint::black_box(response.bytes().await.expect("body"));
            }
            start.elapsed()
        })
    };
    // Warm-up.
    time(&jsonrpc_request);
    time(&mcp_request);

    let mut direct_us = Vec::with_capacity(rounds);
    let mut mcp_us = Vec::with_capacity(rounds);
    let mut ratios = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let (d, m) = if round % 2 == 0 {
            let d = time(&jsonrpc_request);
            (d, time(&mcp_request))
        } else {
            let m = time(&mcp_request);
            (time(&jsonrpc_request), m)
        };
        let per = |t: Duration| t.as_secs_f64() * 1e6 / PER_ROUND as f64;
        direct_us.push(per(d));
        mcp_us.push(per(m));
        ratios.push(m.as_secs_f64() / d.as_secs_f64());
    }
    let quartiles = |values: &mut Vec<f64>| {
        values.sort_by(f64::total_cmp);
        let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
        (at(0.25), at(0.5), at(0.75))
    };
    let (_, direct_median, _) = quartiles(&mut direct_us);
    let (_, mcp_median, _) = quartiles(&mut mcp_us);
    let (low, ratio, high) = quartiles(&mut ratios);
    println!(
        "{rounds} rounds of {PER_ROUND} requests each, over HTTP on loopback (keep-alive), owner key"
    );
    println!();
    println!("| request | µs per request (median of rounds) |");
    println!("|---|---:|");
    println!("| JSON-RPC `tickets.getTicket` | {direct_median:.1} |");
    println!("| MCP `tools/call` `tickets_getTicket` | {mcp_median:.1} |");
    println!();
    println!(
        "tools/call / JSON-RPC call: {ratio:.2}× (middle half of the rounds {low:.2}–{high:.2}; target <= 1.3×)"
    );
}
