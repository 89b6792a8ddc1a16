// A JSON param is bound by name, so its pattern is an identifier.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn add(&self, (a, b): (i64, i64)) -> i64 {
        a + b
    }
}

fn main() {}
