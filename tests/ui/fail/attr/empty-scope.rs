// A scope is a non-empty word such as `tickets:write`.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    #[rpc(scope = "")]
    fn get(&self) -> i64 {
        1
    }
}

fn main() {}
