// An exported method takes `&self`, not `self: Box<Self>`.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn get(self: Box<Self>) -> i64 {
        1
    }
}

fn main() {}
