// Single-valued keys appear once per method, even across several `#[rpc(...)]`.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    #[rpc(min_role = "editor")]
    #[rpc(min_role = "admin")]
    fn get(&self) -> i64 {
        1
    }
}

fn main() {}
