// A method's result type must implement `Serialize`.
use leanrpc::rpc_service;

struct Opaque;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn get(&self) -> Opaque {
        Opaque
    }
}

fn main() {}
