// `#[rpc(skip)]` stands alone: a skipped method is not exported.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    #[rpc(skip, name = "helper")]
    fn helper(&self) -> i64 {
        1
    }
}

fn main() {}
