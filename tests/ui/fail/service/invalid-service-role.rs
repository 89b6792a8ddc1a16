// The service-level `min_role` is one of the six roles too.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc", min_role = "superuser")]
impl Svc {
    fn get(&self) -> i64 {
        1
    }
}

fn main() {}
