// `name` takes a string literal.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    #[rpc(name = fetch)]
    fn get(&self) -> i64 {
        1
    }
}

fn main() {}
