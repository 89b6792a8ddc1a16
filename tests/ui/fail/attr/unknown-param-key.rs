// `#[rpc(...)]` on a parameter knows `default`, `context`, `raw` and `name`.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn get(&self, #[rpc(optional)] id: i64) -> i64 {
        id
    }
}

fn main() {}
