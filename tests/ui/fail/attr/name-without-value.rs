// `name` takes a value: `name = "..."`.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    #[rpc(name)]
    fn get(&self) -> i64 {
        1
    }
}

fn main() {}
