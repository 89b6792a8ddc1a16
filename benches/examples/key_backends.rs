//! Run with: cargo run --release -p leanrpc-benches --example key_backends [-- ROUNDS]
//!
//! Authenticated calls per second with the keys in PostgreSQL (`PgKeyStore`) against the keys
//! in SQLite (`SqliteStore`), side by side in one run: the specification's `subtract` through
//! `Endpoint::handle` with an `x-api-key`, behind a `KeyAuthenticator` with the defaults a
//! deployment has (30 s key cache, warm; the store's change counter read every 250 ms; usage
//! recording). Rounds alternate between the two, so a burst of other work on the machine lands
//! on both alike; prints each one's median rate and the ratio.
//!
//! PostgreSQL: a database of its own on `LEANRPC_TEST_POSTGRES`
//! (`postgres://postgres@127.0.0.1:5432/postgres` when unset), dropped at the end.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_executor::block_on;
use leanrpc::http::Endpoint;
use leanrpc::{Role, Server};
use leanrpc_benches::scratch_db::ScratchDatabase;
use leanrpc_benches::{bodies, request, service};
use leanrpc_keys::{KeyAuthenticator, KeyScheme, KeyStore, NewKey, PgKeyStore, SqliteStore};

/// How long each round runs one backend.
const ROUND: Duration = Duration::from_millis(300);

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map_or(10, |n| n.parse().expect("ROUNDS is a number"));
    let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime");
    let database = runtime.block_on(ScratchDatabase::create("leanrpc_bench_keys"));

    let dir = tempfile::tempdir().expect("temp dir");
    let sqlite: Arc<dyn KeyStore> =
        Arc::new(SqliteStore::open(dir.path().join("keys.sqlite3")).expect("open SQLite"));
    let postgres: Arc<dyn KeyStore> = Arc::new(
        runtime
            .block_on(PgKeyStore::connect(database.url()))
            .expect("connect PostgreSQL"),
    );
    let backends = [("SQLite", sqlite), ("PostgreSQL", postgres)].map(|(name, store)| {
        let scheme = KeyScheme::default();
        let (key, _) = block_on(leanrpc_keys::create_key(
            &*store,
            &scheme,
            NewKey::new("bench", Role::Owner),
        ))
        .expect("create a key");
        let auth = KeyAuthenticator::builder(store).scheme(scheme).build();
        let server = Server::builder()
            .authenticator(auth)
            .service(spec_server::Spec)
            .service(service::Bench)
            .build()
            .expect("the bench service builds");
        (name, Endpoint::new(server), key.reveal().to_owned())
    });

    let mut rates: [Vec<f64>; 2] = [vec![], vec![]];
    for round in 0..=rounds {
        for (i, (_, endpoint, key)) in backends.iter().enumerate() {
            let headers = request::headers(key);
            let request = request::post(bodies::SUBTRACT_POSITIONAL.as_bytes(), &headers);
            let start = Instant::now();
            let mut calls = 0u64;
            while start.elapsed() < ROUND {
                for _ in 0..100 {
                    let response = block_on(endpoint.handle(std::hint::black_box(&request)));
                    assert_eq!(response.status, 200);
                }
                calls += 100;
            }
            // Round 0 warms the caches and the connections up.
            if round > 0 {
                rates[i].push(calls as f64 / start.elapsed().as_secs_f64());
            }
        }
    }
    println!(
        "key_backends: {rounds} rounds of {ROUND:?} each, authenticated calls per second (cache warm)"
    );
    let medians = rates.map(|mut r| {
        r.sort_by(f64::total_cmp);
        (r[r.len() / 2], r[0], r[r.len() - 1])
    });
    for ((name, _, _), (median, low, high)) in backends.iter().zip(medians) {
        println!("{name:>12}: median {median:>9.0} calls/s (rounds {low:.0}–{high:.0})");
    }
    println!("  PostgreSQL / SQLite: {:.3}×", medians[1].0 / medians[0].0);
    drop(backends);
    runtime.block_on(database.drop_database());
}
