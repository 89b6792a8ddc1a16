// A method name has no `.`: the dot separates namespace, service and method.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    #[rpc(name = "tickets.get")]
    fn get(&self) -> i64 {
        1
    }
}

fn main() {}
