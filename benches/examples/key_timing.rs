//! Run with: cargo run --release -p leanrpc-benches --example key_timing [-- ROUNDS]
//!
//! Does the time an API key takes to refuse tell whether its key id exists? Times
//! `KeyAuthenticator::verify` over a `SqliteStore` with the server's defaults (warm cache),
//! for keys with a valid checksum that fail in three ways, interleaved call by call so that a
//! burst of other work on the machine lands on all of them alike:
//!
//! - `known id, wrong secret`: the id exists (and is cached, as an id in use is);
//! - `unknown id, repeated`: one id that does not exist, sent again and again (how a timing
//!   probe of one candidate id works);
//! - `unknown id, fresh`: a new made-up id every call (one sample per id).
//!
//! Prints the median and the interquartile range of each, in microseconds, side by side.

use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

use futures_executor::block_on;
use leanrpc::{AuthError, Role};
use leanrpc_keys::{KeyAuthenticator, KeyScheme, NewKey, SqliteStore};

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map_or(20_000, |n| n.parse().expect("ROUNDS is a number"));
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Arc::new(SqliteStore::open(dir.path().join("keys.sqlite3")).expect("open"));
    let scheme = KeyScheme::default();

    // A stored key whose digest belongs to another secret: presenting it is "known id, wrong
    // secret" with a valid checksum.
    let (known, mut stored) = scheme
        .mint(NewKey::new("bench", Role::Readonly), 0)
        .expect("mint");
    stored.digest = [0x11; 32];
    block_on(leanrpc_keys::KeyStore::insert(&*store, stored)).expect("insert");
    let unknown = scheme.format().mint().expect("mint");
    let fresh: Vec<_> = (0..rounds)
        .map(|_| scheme.format().mint().expect("mint"))
        .collect();

    let auth = KeyAuthenticator::builder(Arc::clone(&store))
        .scheme(scheme)
        .usage_interval(None)
        .build();
    let refuse = |key: &str| {
        let result = block_on(auth.verify(Some(key.as_bytes())));
        assert_eq!(result.unwrap_err(), AuthError::Rejected);
    };
    // Warm up: the known id enters the cache, as an id in use would be.
    for _ in 0..1_000 {
        refuse(known.reveal());
        refuse(unknown.reveal());
    }

    let mut times: [Vec<f64>; 3] = [vec![], vec![], vec![]];
    for (round, fresh) in fresh.iter().enumerate() {
        for k in 0..3 {
            let who = (round + k) % 3;
            let key = match who {
                0 => known.reveal(),
                1 => unknown.reveal(),
                _ => fresh.reveal(),
            };
            let start = Instant::now();
            refuse(black_box(key));
            times[who].push(start.elapsed().as_nanos() as f64 / 1_000.0);
        }
    }
    println!("key_timing: {rounds} rounds, µs per refused key (median, interquartile range)");
    for (name, mut t) in [
        "known id, wrong secret",
        "unknown id, repeated",
        "unknown id, fresh",
    ]
    .into_iter()
    .zip(times)
    {
        t.sort_by(f64::total_cmp);
        let at = |q: f64| t[((t.len() - 1) as f64 * q) as usize];
        println!(
            "  {name:<24} {:>7.2}   ({:.2} to {:.2})",
            at(0.5),
            at(0.25),
            at(0.75)
        );
    }
}
