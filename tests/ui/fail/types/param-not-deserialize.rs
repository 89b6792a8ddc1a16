// A JSON param's type must implement `Deserialize`.
use leanrpc::rpc_service;

struct Opaque;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn put(&self, value: Opaque) {
        let _ = value;
    }
}

fn main() {}
