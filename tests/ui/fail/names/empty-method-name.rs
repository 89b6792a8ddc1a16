// A method name is not empty.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    #[rpc(name = "")]
    fn get(&self) -> i64 {
        1
    }
}

fn main() {}
