// The service-level `unknown_params` is "reject" or "ignore" too.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc", unknown_params = "skip")]
impl Svc {
    fn get(&self, id: i64) -> i64 {
        id
    }
}

fn main() {}
