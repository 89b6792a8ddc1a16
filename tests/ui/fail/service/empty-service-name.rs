// An empty service name is spelled by omitting the argument: `#[rpc_service]`.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("")]
impl Svc {
    fn get(&self) -> i64 {
        1
    }
}

fn main() {}
