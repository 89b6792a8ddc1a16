//! Run with: cargo run --release -p leanrpc-benches --example ticket_timing [-- ROUNDS]
//!
//! Does the time `tickets.getTicket` takes tell a key limited to project 1 anything about the
//! tickets of project 2 (issue 13, W7)? Builds the tickets example's app (`tickets::App`, the
//! server `tickets serve` mounts) on a fresh data dir, writes two projects and their tickets,
//! then times `Endpoint::handle` on a `getTicket` POST with the project-1 key for:
//!
//! - `missing id`: an id no ticket has (-32002);
//! - `foreign, 1.9 MB`: a ticket of project 2 whose description is 1.9 MB (-32002);
//! - `foreign, small`: a ticket of project 2 with a one-line description (-32002);
//! - `own, 1.9 MB`: a ticket of project 1 of the same size, for reference (the ticket).
//!
//! The four are interleaved call by call, in an order shuffled every round, so a burst of
//! other work on the machine lands on all of them alike, and each case follows the 1.9 MB answer
//! (whose freeing and cache misses slow whatever runs next) as often as the others do. Prints the median and the
//! interquartile range of each in microseconds, and the ratios of the medians to the missing id.
//! Each call is the whole in-process request: key check (cached), decode, the SQLite read on
//! tokio's blocking pool, encode.

use std::hint::black_box;
use std::time::Instant;

use leanrpc::Role;
use leanrpc::http::{Endpoint, HttpRequest};
use leanrpc_benches::request::{headers, post};
use leanrpc_keys::NewKey;
use serde_json::{Value, json};

/// The size of a big ticket's description: just under the 2 MiB request limit.
const BIG: usize = 1_900_000;

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map_or(2_000, |n| n.parse().expect("ROUNDS is a number"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let dir = tempfile::tempdir().expect("temp dir");

    let app = tickets::App::open(&tickets::Options::new(dir.path())).expect("open the app");
    let server = &Endpoint::new(app.server.clone());
    let call = |key: &str, method: &str, params: Value| -> Value {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": format!("leantime.rpc.{method}"),
                          "params": params})
        .to_string();
        let headers = headers(key);
        let response = runtime.block_on(server.handle(&post(body.as_bytes(), &headers)));
        serde_json::from_slice(&response.body).expect("a JSON answer")
    };

    let owner = runtime
        .block_on(app.first_owner_key())
        .expect("owner key")
        .expect("a fresh data dir");
    let owner = owner.reveal();
    let project = |name: &str| -> i64 {
        let answer = call(
            owner,
            "projects.addProject",
            json!({"values": {"name": name}}),
        );
        answer["result"].as_i64().expect("a project id")
    };
    let (p1, p2) = (project("one"), project("two"));
    let ticket = |project: i64, description: &str| -> i64 {
        let answer = call(
            owner,
            "tickets.addTicket",
            json!({"values": {"projectId": project, "headline": "t", "description": description}}),
        );
        answer["result"].as_i64().expect("a ticket id")
    };
    let big = "x".repeat(BIG);
    let own_big = ticket(p1, &big);
    let foreign_big = ticket(p2, &big);
    let foreign_small = ticket(p2, "small");
    let missing = foreign_small + 1_000;

    let (scoped, _) = runtime
        .block_on(leanrpc_keys::create_key(
            &*app.keys,
            &tickets::key_scheme(),
            NewKey::new("project 1 only", Role::Readonly).projects([p1]),
        ))
        .expect("a scoped key");
    let scoped = headers(scoped.reveal());

    let cases = [
        ("missing id", missing),
        ("foreign, 1.9 MB", foreign_big),
        ("foreign, small", foreign_small),
        ("own, 1.9 MB", own_big),
    ];
    let bodies: Vec<String> = cases
        .iter()
        .map(|(_, id)| {
            json!({"jsonrpc": "2.0", "id": 1, "method": "leantime.rpc.tickets.getTicket",
                   "params": {"id": id}})
            .to_string()
        })
        .collect();
    // Check each answer once, outside the timing; this also warms the key cache.
    for ((name, _), body) in cases.iter().zip(&bodies) {
        let response = runtime.block_on(server.handle(&post(body.as_bytes(), &scoped)));
        let answer: Value = serde_json::from_slice(&response.body).expect("JSON");
        if name.starts_with("own") {
            let description = answer["result"]["description"]
                .as_str()
                .expect("the ticket");
            assert_eq!(description.len(), BIG, "{name}");
        } else {
            assert_eq!(answer["error"]["code"], -32002, "{name}: {answer}");
        }
    }

    let requests: Vec<HttpRequest<'_>> = bodies
        .iter()
        .map(|body| post(body.as_bytes(), &scoped))
        .collect();
    let run = |request: &HttpRequest<'_>| {
        black_box(runtime.block_on(server.handle(black_box(request))));
    };
    for _ in 0..50 {
        requests.iter().for_each(run);
    }
    let mut times: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); cases.len()];
    let mut order: Vec<usize> = (0..cases.len()).collect();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..rounds {
        shuffle(&mut order, &mut seed);
        for &who in &order {
            let start = Instant::now();
            run(&requests[who]);
            times[who].push(start.elapsed().as_nanos() as f64 / 1_000.0);
        }
    }

    report(
        &format!(
            "ticket_timing: {rounds} rounds, µs per tickets.getTicket request with a key limited \
             to project {p1}, in process (median, interquartile range, median / missing id's)"
        ),
        &cases,
        times,
    );

    // The query alone: `db::tickets::get` with the key's scope, on one of the server's pooled
    // read connections, without the runtime's hand-off to the blocking pool around it.
    let ids: Vec<i64> = cases.iter().map(|(_, id)| *id).collect();
    let times = runtime
        .block_on(
            app.sqlite
                .as_ref()
                .expect("a SQLite app")
                .read(move |conn| {
                    let scope = tickets::db::Scope::only(&[p1]);
                    let mut times: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); ids.len()];
                    let mut order: Vec<usize> = (0..ids.len()).collect();
                    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
                    for _ in 0..rounds {
                        shuffle(&mut order, &mut seed);
                        for &who in &order {
                            let start = Instant::now();
                            let ticket =
                                tickets::db::tickets::get(conn, &scope, black_box(ids[who]))?;
                            times[who].push(start.elapsed().as_nanos() as f64 / 1_000.0);
                            assert_eq!(ticket.is_some(), who == 3);
                        }
                    }
                    Ok(times)
                }),
        )
        .expect("the query");
    report(
        &format!(
            "the query alone: µs per db::tickets::get with the scope [{p1}] on a pooled read \
             connection"
        ),
        &cases,
        times,
    );
}

/// Prints the median, interquartile range and ratio to the first case's median of each case.
fn report(title: &str, cases: &[(&str, i64)], times: Vec<Vec<f64>>) {
    println!("{title}");
    let mut medians = vec![];
    for ((name, id), mut t) in cases.iter().zip(times) {
        t.sort_by(f64::total_cmp);
        let at = |q: f64| t[((t.len() - 1) as f64 * q) as usize];
        medians.push(at(0.5));
        println!(
            "  {:<24} {:>9.2}   ({:.2} to {:.2})   {:.2}×",
            format!("{name} (id {id})"),
            at(0.5),
            at(0.25),
            at(0.75),
            at(0.5) / medians[0]
        );
    }
}

/// Shuffles `order` in place (Fisher–Yates with xorshift64; the same sequence every run).
fn shuffle(order: &mut [usize], seed: &mut u64) {
    for i in (1..order.len()).rev() {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        order.swap(i, (*seed % (i as u64 + 1)) as usize);
    }
}
