// An exported method takes `&self`; constructors and helpers are marked `#[rpc(skip)]`.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn new() -> Self {
        Svc
    }
}

fn main() {}
