// `client` is a flag: it takes no value.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc", client = "yes")]
impl Svc {
    fn get(&self) -> i64 {
        1
    }
}

fn main() {}
