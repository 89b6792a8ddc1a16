//! Run with: cargo run --release -p leanrpc-benches --example ticket_backends [-- ROUNDS]
//!
//! Ticket reads and writes per second with the tickets example's data in SQLite against the
//! same in PostgreSQL, side by side in one run. Each backend is the whole tickets app
//! (`tickets::App`, what `tickets serve` mounts), called in process through `Endpoint::handle`
//! with the owner key (key cache warm): everything the HTTP adapter runs for a request except
//! the socket.
//!
//! - **read**: `tickets.getTicket {id}` of one of 1,000 tickets written before the run, picked
//!   at random; one indexed read, with the key's projects checked in the query.
//! - **write**: `tickets.addTicket {values: {projectId, headline}}`; one transaction that checks
//!   the project and inserts the ticket, committed durably before the answer (SQLite: WAL,
//!   `synchronous=FULL`; PostgreSQL: a SERIALIZABLE transaction, its commit flushed to the WAL
//!   as the server's `fsync` and `synchronous_commit` say; they are printed).
//!
//! Each is run by 1 caller and by 16 concurrent callers, on a Tokio runtime with a worker per
//! core. Rounds alternate between the backends, so a burst of other work on the machine lands on
//! both alike; prints each one's median rate, its rounds' range, and the ratio.
//!
//! PostgreSQL: a database of its own on the server of `LEANRPC_TEST_POSTGRES`
//! (`postgres://postgres@127.0.0.1:5432/postgres` when unset), dropped at the end. SQLite: a
//! temporary directory.

use std::time::{Duration, Instant};

use leanrpc::http::Endpoint;
use leanrpc_benches::request::{headers, post};
use leanrpc_benches::scratch_db::ScratchDatabase;
use serde_json::{Value, json};

/// How long each round runs one backend.
const ROUND: Duration = Duration::from_millis(500);

/// The tickets written before the run, which reads pick from.
const SEEDED: usize = 1_000;

/// The cases: what is called, by how many concurrent callers.
const CASES: [(Kind, usize); 4] = [
    (Kind::Read, 1),
    (Kind::Read, 16),
    (Kind::Write, 1),
    (Kind::Write, 16),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Read,
    Write,
}

/// One backend: the app's endpoint, its owner key, its project and the seeded tickets' ids.
struct Backend {
    name: &'static str,
    app: tickets::App,
    endpoint: Endpoint,
    key: String,
    project: i64,
    tickets: Vec<i64>,
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map_or(8, |n| n.parse().expect("ROUNDS is a number"));
    let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime");
    let database = runtime.block_on(ScratchDatabase::create("leanrpc_bench_tickets"));
    let settings = runtime.block_on(database.settings());

    let dir = tempfile::tempdir().expect("temp dir");
    let mut postgres = tickets::Options::new(dir.path().join("unused"));
    postgres.database = Some(database.url().to_owned());
    let backends: Vec<Backend> = runtime.block_on(async {
        let mut backends = Vec::new();
        for (name, options) in [
            ("SQLite", tickets::Options::new(dir.path())),
            ("PostgreSQL", postgres),
        ] {
            let app = tickets::App::connect(&options).await.expect("open the app");
            backends.push(Backend::seed(name, app).await);
        }
        backends
    });

    println!(
        "ticket_backends: {rounds} rounds of {ROUND:?} each, calls per second through \
         Endpoint::handle (in process, key cache warm); PostgreSQL {settings}"
    );
    println!(
        "{:>17} | {:>28} | {:>28} | PostgreSQL / SQLite",
        "case", backends[0].name, backends[1].name
    );
    for (kind, callers) in CASES {
        let mut rates: Vec<Vec<f64>> = vec![vec![]; backends.len()];
        for round in 0..=rounds {
            for (i, backend) in backends.iter().enumerate() {
                let rate = runtime.block_on(backend.round(kind, callers));
                // Round 0 warms the caches, the pools and the statements up.
                if round > 0 {
                    rates[i].push(rate);
                }
            }
        }
        let medians: Vec<(f64, f64, f64)> = rates
            .into_iter()
            .map(|mut r| {
                r.sort_by(f64::total_cmp);
                (r[r.len() / 2], r[0], r[r.len() - 1])
            })
            .collect();
        let cell =
            |(median, low, high): (f64, f64, f64)| format!("{median:>7.0}/s ({low:.0}–{high:.0})");
        println!(
            "{:>17} | {:>28} | {:>28} | {:.2}×",
            format!(
                "{kind:?}, {callers} caller{}",
                if callers == 1 { "" } else { "s" }
            )
            .to_lowercase(),
            cell(medians[0]),
            cell(medians[1]),
            medians[1].0 / medians[0].0
        );
    }

    for backend in backends {
        runtime.block_on(backend.app.store.close());
    }
    runtime.block_on(database.drop_database());
}

impl Backend {
    /// Makes the owner key, a project and [`SEEDED`] tickets in it.
    async fn seed(name: &'static str, app: tickets::App) -> Self {
        let key = app
            .first_owner_key()
            .await
            .expect("owner key")
            .expect("a fresh store")
            .reveal()
            .to_owned();
        let endpoint = Endpoint::new(app.server.clone());
        let mut backend = Self {
            name,
            app,
            endpoint,
            key,
            project: 0,
            tickets: Vec::with_capacity(SEEDED),
        };
        let project = backend
            .call(json!({"method": "leantime.rpc.projects.addProject",
                         "params": {"values": {"name": "bench"}}}))
            .await;
        backend.project = project.as_i64().expect("a project id");
        for n in 0..SEEDED {
            let id = backend
                .call(json!({"method": "leantime.rpc.tickets.addTicket",
                             "params": {"values": {"projectId": backend.project,
                                                   "headline": format!("seeded {n}"),
                                                   "description": "A ticket to read back."}}}))
                .await;
            backend.tickets.push(id.as_i64().expect("a ticket id"));
        }
        // Check one read as the round will make it.
        let ticket = backend
            .call(json!({"method": "leantime.rpc.tickets.getTicket",
                         "params": {"id": backend.tickets[7]}}))
            .await;
        assert_eq!(ticket["headline"], "seeded 7");
        backend
    }

    /// One call with the owner key; its result.
    async fn call(&self, mut call: Value) -> Value {
        call["jsonrpc"] = json!("2.0");
        call["id"] = json!(1);
        let body = call.to_string();
        let headers = headers(&self.key);
        let response = self.endpoint.handle(&post(body.as_bytes(), &headers)).await;
        let mut answer: Value = serde_json::from_slice(&response.body).expect("a JSON answer");
        assert!(answer.get("error").is_none(), "{call}: {answer}");
        answer["result"].take()
    }

    /// Runs `callers` concurrent callers of `kind` for [`ROUND`]; answers the calls per second.
    async fn round(&self, kind: Kind, callers: usize) -> f64 {
        let start = Instant::now();
        let tasks: Vec<_> = (0..callers)
            .map(|caller| {
                let endpoint = self.endpoint.clone();
                let key = self.key.clone();
                let (project, tickets) = (self.project, self.tickets.clone());
                tokio::spawn(async move {
                    let headers = headers(&key);
                    let mut seed = 0x9e37_79b9_7f4a_7c15_u64 ^ (caller as u64 + 1);
                    let mut calls = 0u64;
                    while start.elapsed() < ROUND {
                        let body = match kind {
                            Kind::Read => {
                                seed = seed
                                    .wrapping_mul(6_364_136_223_846_793_005)
                                    .wrapping_add(1_442_695_040_888_963_407);
                                let id = tickets[(seed >> 33) as usize % tickets.len()];
                                format!(
                                    r#"{{"jsonrpc":"2.0","method":"leantime.rpc.tickets.getTicket","params":{{"id":{id}}},"id":1}}"#
                                )
                            }
                            Kind::Write => format!(
                                r#"{{"jsonrpc":"2.0","method":"leantime.rpc.tickets.addTicket","params":{{"values":{{"projectId":{project},"headline":"written {caller}-{calls}"}}}},"id":1}}"#
                            ),
                        };
                        let response = endpoint.handle(&post(body.as_bytes(), &headers)).await;
                        assert!(
                            response.status == 200
                                && response.body.starts_with(br#"{"jsonrpc":"2.0","result":"#),
                            "{body}: {}",
                            String::from_utf8_lossy(&response.body)
                        );
                        calls += 1;
                    }
                    calls
                })
            })
            .collect();
        let mut calls = 0;
        for task in tasks {
            calls += task.await.expect("a caller");
        }
        calls as f64 / start.elapsed().as_secs_f64()
    }
}
