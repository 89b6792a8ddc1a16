// With `client`, a method returning `impl Trait` is refused: the client cannot name the type.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc", client)]
impl Svc {
    fn get(&self) -> impl serde::Serialize {
        1
    }
}

fn main() {}
