// `skip` takes no value.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    #[rpc(skip = true)]
    fn helper(&self) -> i64 {
        1
    }
}

fn main() {}
