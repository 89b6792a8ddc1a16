// A method's result type implements `Serialize`, elements included.
use leanrpc::rpc_service;

struct Opaque;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn list(&self) -> Vec<Opaque> {
        Vec::new()
    }
}

fn main() {}
