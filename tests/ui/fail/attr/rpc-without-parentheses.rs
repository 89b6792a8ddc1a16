// `#[rpc]` needs parentheses and keys: `#[rpc(...)]`.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    #[rpc]
    fn get(&self) -> i64 {
        1
    }
}

fn main() {}
