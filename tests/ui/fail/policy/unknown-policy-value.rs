// `unknown_params` is "reject" or "ignore".
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    #[rpc(unknown_params = "allow")]
    fn get(&self, id: i64) -> i64 {
        id
    }
}

fn main() {}
