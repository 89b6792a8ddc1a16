// A JSON param is bound by name, so `_` cannot be one.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn get(&self, _: i64) -> i64 {
        1
    }
}

fn main() {}
