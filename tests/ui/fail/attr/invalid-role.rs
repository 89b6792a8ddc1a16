// `min_role` is one of readonly, commenter, editor, manager, admin, owner.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    #[rpc(min_role = "root")]
    fn get(&self) -> i64 {
        1
    }
}

fn main() {}
