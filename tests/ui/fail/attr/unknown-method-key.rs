// `#[rpc(...)]` on a method knows `name`, `alias`, `skip`, `min_role`, `scope` and `project`.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    #[rpc(rename = "fetch")]
    fn get(&self) -> i64 {
        1
    }
}

fn main() {}
