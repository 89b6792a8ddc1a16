// `#[rpc_service]` goes on an inherent impl, not on a trait impl.
use leanrpc::rpc_service;

struct Svc;

trait Api {
    fn get(&self) -> i64;
}

#[rpc_service("svc")]
impl Api for Svc {
    fn get(&self) -> i64 {
        1
    }
}

fn main() {}
