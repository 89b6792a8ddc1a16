// With `client`, a method's plain return type must implement `Deserialize`.
use leanrpc::rpc_service;
use serde::Serialize;

#[derive(Serialize)]
struct Opaque;

struct Svc;

#[rpc_service("svc", client)]
impl Svc {
    fn get(&self) -> Vec<Opaque> {
        Vec::new()
    }
}

fn main() {}
