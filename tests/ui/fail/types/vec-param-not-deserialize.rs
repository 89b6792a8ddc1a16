// A JSON param's type implements `Deserialize`, elements included.
use leanrpc::rpc_service;

struct Opaque;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn put(&self, values: Vec<Opaque>) -> usize {
        values.len()
    }
}

fn main() {}
