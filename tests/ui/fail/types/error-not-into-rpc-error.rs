// The `E` of a `Result<T, E>` method must convert into `RpcError` (implement `From<E> for RpcError`).
use leanrpc::rpc_service;

#[derive(Debug)]
struct MyError;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn get(&self) -> Result<i64, MyError> {
        Err(MyError)
    }
}

fn main() {}
