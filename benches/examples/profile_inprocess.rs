//! Run with: cargo run --release -p leanrpc-benches --example profile_inprocess -- CASE CONTENDER [N]
//!
//! A driver for profilers (`valgrind --tool=callgrind`, `perf record`): answers one in-process
//! case N times (default 100,000) with one contender and nothing else, so that a profile shows
//! only that work. CASE is `positional`, `named`, `batch100`, `string64k`, `get`, `post`
//! (`positional` through `Endpoint::handle`) or `auth` (`post` with an API key);
//! CONTENDER is `leanrpc`, `jsonrpsee` or `floor`. See benches/README.md for the commands.

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr};

use futures_executor::block_on;
use leanrpc::http::{Endpoint, HttpRequest};
use leanrpc_benches::{bodies, floor, keycheck::KeyTable, service};
use serde_json::value::RawValue;

#[path = "../benches/common/jsonrpsee_api.rs"]
mod jsonrpsee_api;

fn usage() -> ! {
    eprintln!(
        "usage: profile_inprocess positional|named|batch100|string64k|get|post|auth leanrpc|jsonrpsee|floor [N]"
    );
    std::process::exit(2)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(case), Some(who)) = (args.first(), args.get(1)) else {
        usage()
    };
    let n: usize = args
        .get(2)
        .map_or(100_000, |n| n.parse().unwrap_or_else(|_| usage()));
    let body = match case.as_str() {
        "positional" | "post" | "auth" => bodies::SUBTRACT_POSITIONAL.to_owned(),
        "named" => bodies::SUBTRACT_NAMED.to_owned(),
        "batch100" => bodies::batch(bodies::SUBTRACT_POSITIONAL, 100),
        "string64k" => bodies::strlen_call(64 * 1024),
        "get" => bodies::get_query(),
        _ => usage(),
    };
    let server = service::server();
    let module = jsonrpsee_api::module();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let keyed = (case == "auth").then(|| block_on(service::keyed_server(dir.path())));
    let endpoint = Endpoint::new(server.clone());
    let keyed_endpoint = keyed.as_ref().map(|k| Endpoint::new(k.server.clone()));
    let key = keyed.as_ref().map(|k| k.key.reveal().to_owned());
    let table = key.as_deref().map(KeyTable::with_key);
    let mut headers: Vec<(&str, &[u8])> = vec![("content-type", b"application/json")];
    if let Some(key) = &key {
        headers.push(("x-api-key", key.as_bytes()));
    }
    let get = case == "get";
    let request = HttpRequest {
        method: if get { "GET" } else { "POST" },
        path: "/api/jsonrpc",
        query: get.then_some(body.as_str()),
        headers: &headers,
        body: if get { b"" } else { body.as_bytes() },
        peer: Some(IpAddr::V4(Ipv4Addr::LOCALHOST)),
    };
    let jsonrpsee_call = |body: &str| {
        block_on(async {
            if body.starts_with('[') {
                let items: Vec<&RawValue> = serde_json::from_str(body).expect("a batch");
                let mut total = 0;
                for item in items {
                    let (answer, _) = module
                        .raw_json_request(item.get(), 1)
                        .await
                        .expect("a call");
                    total += answer.get().len();
                }
                total
            } else {
                let (answer, _) = module.raw_json_request(body, 1).await.expect("a call");
                answer.get().len()
            }
        })
    };
    let mut bytes = 0usize;
    for _ in 0..n {
        let body = black_box(body.as_str());
        bytes += match (who.as_str(), case.as_str()) {
            ("leanrpc", "get" | "post") => block_on(endpoint.handle(&request)).body.len(),
            ("leanrpc", "auth") => {
                let keyed = keyed_endpoint.as_ref().expect("a keyed server");
                block_on(keyed.handle(&request)).body.len()
            }
            ("leanrpc", _) => block_on(server.call(body)).map_or(0, |a| a.len()),
            ("jsonrpsee" | "floor", "get") => {
                let body = floor::query_to_body(body).expect("a well-formed query");
                if who == "floor" {
                    floor::call(body.as_bytes()).len()
                } else {
                    jsonrpsee_call(&body)
                }
            }
            ("jsonrpsee" | "floor", _) => {
                if let Some(table) = &table {
                    assert!(table.check(key.as_deref().map(str::as_bytes)));
                }
                if who == "floor" {
                    floor::call(body.as_bytes()).len()
                } else {
                    jsonrpsee_call(body)
                }
            }
            _ => usage(),
        };
    }
    println!("{case} {who}: {n} iterations, {bytes} answer bytes");
}
