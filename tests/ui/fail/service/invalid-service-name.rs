// A service name is ASCII letters, digits, `_` and `-`.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("my tickets")]
impl Svc {
    fn get(&self) -> i64 {
        1
    }
}

fn main() {}
