// `#[rpc()]` without keys says nothing: remove it or add keys.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    #[rpc()]
    fn get(&self) -> i64 {
        1
    }
}

fn main() {}
