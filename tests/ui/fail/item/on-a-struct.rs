// `#[rpc_service]` goes on an impl block, not on a type definition.
use leanrpc::rpc_service;

#[rpc_service("svc")]
struct Svc;

fn main() {}
