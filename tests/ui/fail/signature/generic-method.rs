// An exported method has no type parameters: the server needs concrete types.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn echo<T: serde::Serialize>(&self, value: T) -> T {
        value
    }
}

fn main() {}
