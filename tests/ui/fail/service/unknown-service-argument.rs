// `#[rpc_service(...)]` takes a name, `min_role` and `scope`.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc", namespace = "leantime.rpc")]
impl Svc {
    fn get(&self) -> i64 {
        1
    }
}

fn main() {}
