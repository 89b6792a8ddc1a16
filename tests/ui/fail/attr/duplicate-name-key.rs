// A method has one `name`; more names are `alias`es.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    #[rpc(name = "fetch", name = "load")]
    fn get(&self) -> i64 {
        1
    }
}

fn main() {}
