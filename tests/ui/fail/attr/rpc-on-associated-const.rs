// `#[rpc(...)]` goes on methods and their parameters only.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    #[rpc(name = "limit")]
    const LIMIT: i64 = 10;

    fn get(&self) -> i64 {
        Self::LIMIT
    }
}

fn main() {}
