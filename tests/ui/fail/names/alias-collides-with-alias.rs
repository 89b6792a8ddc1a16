// Two aliases of a block may not match each other.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    #[rpc(alias = "fetch")]
    fn get(&self) -> i64 {
        1
    }

    #[rpc(alias = "Fetch")]
    fn load(&self) -> i64 {
        2
    }
}

fn main() {}
