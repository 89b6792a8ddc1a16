// A served impl block has no type parameters: the server needs one concrete type.
use leanrpc::rpc_service;

struct Svc<T>(T);

#[rpc_service("svc")]
impl<T: Send + Sync + 'static> Svc<T> {
    fn get(&self) -> i64 {
        1
    }
}

fn main() {}
