// A type has one `#[rpc_service]` block: it implements `RpcService` for the type.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn get(&self) -> i64 {
        1
    }
}

#[rpc_service("svc")]
impl Svc {
    fn put(&self) -> i64 {
        2
    }
}

fn main() {}
