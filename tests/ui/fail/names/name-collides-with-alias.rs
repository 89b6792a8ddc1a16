// An alias may not match another method's name.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn list(&self) -> i64 {
        1
    }

    #[rpc(alias = "list")]
    fn get_all(&self) -> i64 {
        2
    }
}

fn main() {}
