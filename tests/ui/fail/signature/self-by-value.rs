// An exported method takes `&self`, not `self`: the server shares the service.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn get(self) -> i64 {
        1
    }
}

fn main() {}
