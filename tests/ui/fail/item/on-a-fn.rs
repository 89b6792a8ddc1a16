// `#[rpc_service]` goes on an impl block, not on a function.
use leanrpc::rpc_service;

#[rpc_service("svc")]
fn get() -> i64 {
    1
}

fn main() {}
