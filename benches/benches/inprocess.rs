//! In-process benches: each case served by leanrpc, by jsonrpsee's `RpcModule`, and by the
//! hand-written serde floor, in one run, then one table of medians and ratios.
//!
//! Run with: cargo bench -p leanrpc-benches (see benches/README.md).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use futures_executor::block_on;
use jsonrpsee::RpcModule;
use leanrpc::http::{Endpoint, HttpRequest};
use leanrpc_benches::request::{self, PEER, post};
use leanrpc_benches::{bodies, floor, keycheck::KeyTable, service};
use serde_json::value::RawValue;

mod common;

use common::jsonrpsee_api::{self, Bench};
use common::paired;

const JSON: &[u8] = b"application/json";

/// jsonrpsee's in-process entry point for one call.
async fn jsonrpsee_single(module: &RpcModule<Bench>, body: &str) -> Box<RawValue> {
    let (answer, _subscriptions) = module
        .raw_json_request(body, 1)
        .await
        .expect("the body is a request");
    answer
}

/// A batch the way jsonrpsee's HTTP server takes one (`handle_rpc_call`): split into raw items,
/// then each item decoded and called in turn; `raw_json_request` does the decode and the call.
async fn jsonrpsee_batch(module: &RpcModule<Bench>, body: &str) -> Vec<u8> {
    let items: Vec<&RawValue> = serde_json::from_str(body).expect("a batch");
    let mut out = Vec::with_capacity(body.len());
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(jsonrpsee_single(module, item.get()).await.get().as_bytes());
    }
    out.push(b']');
    out
}

/// Checks once, outside the timing, that all contenders give the expected answer: `expect`
/// once per call.
fn check(case: &str, answers: [&[u8]; 3], expect: &str) {
    let calls = if case.starts_with("batch") { 100 } else { 1 };
    for (who, answer) in ["leanrpc", "jsonrpsee", "floor"].iter().zip(answers) {
        let text = String::from_utf8_lossy(answer);
        assert_eq!(
            text.matches(expect).count(),
            calls,
            "{case}: {who} answered {text}, expected {expect} {calls} times"
        );
    }
}

/// One call, three ways; every case is a body for `Server::call`, `raw_json_request` and
/// `floor::call`.
fn three_way(
    c: &mut Criterion,
    group: &'static str,
    body: &str,
    expect: &str,
    throughput: Throughput,
) {
    let server = service::server();
    let module = jsonrpsee_api::module();
    check(
        group,
        [
            &block_on(server.call(body)).expect("an answer"),
            jsonrpsee_single(&module, body).await_now().get().as_bytes(),
            &floor::call(body.as_bytes()),
        ],
        expect,
    );
    compare(
        c,
        group,
        throughput,
        &mut [
            ("leanrpc", &mut || {
                black_box(block_on(server.call(black_box(body))));
            }),
            ("jsonrpsee", &mut || {
                black_box(block_on(jsonrpsee_single(&module, black_box(body))));
            }),
            ("floor", &mut || {
                black_box(floor::call(black_box(body.as_bytes())));
            }),
        ],
    );
}

/// Times each contender with criterion in `group`, then all of them side by side
/// ([`paired::measure`]): the same closures for both. Each runs one call and `black_box`es its
/// answer.
fn compare(
    c: &mut Criterion,
    group: &'static str,
    throughput: Throughput,
    contenders: &mut [(&'static str, &mut dyn FnMut())],
) {
    let mut g = c.benchmark_group(group);
    g.throughput(throughput);
    for (name, run) in contenders.iter_mut() {
        g.bench_function(*name, |b| b.iter(&mut **run));
    }
    g.finish();
    paired::measure(group, contenders);
}

/// Awaits a future that is ready without a runtime, for the correctness checks.
trait AwaitNow: std::future::Future + Sized {
    fn await_now(self) -> Self::Output {
        block_on(self)
    }
}

impl<F: std::future::Future> AwaitNow for F {}

fn positional(c: &mut Criterion) {
    let body = bodies::SUBTRACT_POSITIONAL;
    three_way(
        c,
        "single_positional",
        body,
        r#""result":19"#,
        Throughput::Elements(1),
    );
}

fn named(c: &mut Criterion) {
    let body = bodies::SUBTRACT_NAMED;
    three_way(
        c,
        "single_named",
        body,
        r#""result":19"#,
        Throughput::Elements(1),
    );
}

fn string_64k(c: &mut Criterion) {
    let body = bodies::strlen_call(64 * 1024);
    let bytes = body.len() as u64;
    three_way(
        c,
        "string_64k",
        &body,
        r#""result":65536"#,
        Throughput::Bytes(bytes),
    );
}

/// GET: leanrpc decodes the query inside `Endpoint::handle`; jsonrpsee has no GET form, so it and
/// the floor get the same minimal hand-written query decoding (`floor::query_to_body`) first.
fn get_decoded(c: &mut Criterion) {
    let endpoint = Endpoint::new(service::server());
    let module = jsonrpsee_api::module();
    let query = bodies::get_query();
    let no_headers: Vec<(&str, &[u8])> = Vec::new();
    let get = HttpRequest {
        method: "GET",
        path: "/api/jsonrpc",
        query: Some(&query),
        headers: &no_headers,
        body: b"",
        peer: PEER,
    };
    let body = floor::query_to_body(&query).expect("a well-formed query");
    check(
        "get_decoded",
        [
            &block_on(endpoint.handle(&get)).body,
            jsonrpsee_single(&module, &body)
                .await_now()
                .get()
                .as_bytes(),
            &floor::call(body.as_bytes()),
        ],
        r#""result":19"#,
    );
    compare(
        c,
        "get_decoded",
        Throughput::Elements(1),
        &mut [
            ("leanrpc", &mut || {
                black_box(block_on(endpoint.handle(black_box(&get))));
            }),
            ("jsonrpsee", &mut || {
                let body = floor::query_to_body(black_box(&query)).expect("a well-formed query");
                black_box(block_on(jsonrpsee_single(&module, &body)));
            }),
            ("floor", &mut || {
                let body = floor::query_to_body(black_box(&query)).expect("a well-formed query");
                black_box(floor::call(body.as_bytes()));
            }),
        ],
    );
}

fn batch_100(c: &mut Criterion) {
    let server = service::server();
    let module = jsonrpsee_api::module();
    let body = bodies::batch(bodies::SUBTRACT_POSITIONAL, 100);
    check(
        "batch_100",
        [
            &block_on(server.call(&body)).expect("an answer"),
            &block_on(jsonrpsee_batch(&module, &body)),
            &floor::call(body.as_bytes()),
        ],
        r#""result":19"#,
    );
    compare(
        c,
        "batch_100",
        Throughput::Elements(100),
        &mut [
            ("leanrpc", &mut || {
                black_box(block_on(server.call(black_box(&body))));
            }),
            ("jsonrpsee", &mut || {
                black_box(block_on(jsonrpsee_batch(&module, black_box(&body))));
            }),
            ("floor", &mut || {
                black_box(floor::call(black_box(body.as_bytes())));
            }),
        ],
    );
}

/// A call with an `x-api-key` whose record is cached: leanrpc's `Endpoint::handle` through
/// `KeyAuthenticator` over `SqliteStore` (with its defaults: per-address failure limit, usage
/// recording), beside the same `Endpoint::handle` without auth. jsonrpsee and the floor check the
/// key by hand first (`KeyTable`: split, SHA-256 of the secret, `HashMap` lookup, compare).
fn auth_cached_key(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let keyed = block_on(service::keyed_server(dir.path()));
    let keyed_endpoint = Endpoint::new(keyed.server.clone());
    let open = Endpoint::new(service::server());
    let module = jsonrpsee_api::module();
    let key = keyed.key.reveal().to_owned();
    let table = KeyTable::with_key(&key);
    let body = bodies::SUBTRACT_POSITIONAL;
    let with_key = request::headers(&key);
    let without_key: Vec<(&str, &[u8])> = vec![("content-type", JSON)];
    let authed = post(body.as_bytes(), &with_key);
    let plain = post(body.as_bytes(), &without_key);
    // The first request fills the key cache.
    let first = block_on(keyed_endpoint.handle(&authed));
    assert_eq!(
        first.status,
        200,
        "{:?}",
        String::from_utf8_lossy(&first.body)
    );
    let header = Some(key.as_bytes());
    assert!(table.check(header));
    check(
        "auth_cached_key",
        [
            &block_on(keyed_endpoint.handle(&authed)).body,
            jsonrpsee_single(&module, body).await_now().get().as_bytes(),
            &floor::call(body.as_bytes()),
        ],
        r#""result":19"#,
    );
    compare(
        c,
        "auth_cached_key",
        Throughput::Elements(1),
        &mut [
            ("leanrpc", &mut || {
                black_box(block_on(keyed_endpoint.handle(black_box(&authed))));
            }),
            ("leanrpc_no_auth", &mut || {
                black_box(block_on(open.handle(black_box(&plain))));
            }),
            ("jsonrpsee", &mut || {
                assert!(table.check(black_box(header)));
                black_box(block_on(jsonrpsee_single(&module, black_box(body))));
            }),
            ("floor", &mut || {
                assert!(table.check(black_box(header)));
                black_box(floor::call(black_box(body.as_bytes())));
            }),
        ],
    );
}

/// What `block_on` of a ready future costs, to read the async contenders' figures against.
fn reference(c: &mut Criterion) {
    let mut g = c.benchmark_group("reference");
    g.bench_function("block_on_ready", |b| {
        b.iter(|| block_on(black_box(std::future::ready(1u8))))
    });
    g.finish();
}

fn main() {
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    positional(&mut c);
    named(&mut c);
    get_decoded(&mut c);
    batch_100(&mut c);
    string_64k(&mut c);
    auth_cached_key(&mut c);
    reference(&mut c);
    c.final_summary();
    common::table::print();
    common::paired::print(&common::table::CASES);
}
