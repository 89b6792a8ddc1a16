// A method name is ASCII letters, digits, `_` and `-`.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    #[rpc(name = "get ticket")]
    fn get(&self) -> i64 {
        1
    }
}

fn main() {}
