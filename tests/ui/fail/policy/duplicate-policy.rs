// A method has one `unknown_params` policy.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    #[rpc(unknown_params = "ignore", unknown_params = "reject")]
    fn get(&self, id: i64) -> i64 {
        id
    }
}

fn main() {}
