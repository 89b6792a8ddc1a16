// `unknown_params` takes a string: `unknown_params = "ignore"`.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc", unknown_params)]
impl Svc {
    fn get(&self, id: i64) -> i64 {
        id
    }
}

fn main() {}
