// A service name has no `.`: the dot separates namespace, service and method.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("leantime.tickets")]
impl Svc {
    fn get(&self) -> i64 {
        1
    }
}

fn main() {}
