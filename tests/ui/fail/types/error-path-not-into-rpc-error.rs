// The `E` of a `Result<T, E>` method converts into `RpcError`, however its path is written.
use leanrpc::rpc_service;

mod errors {
    #[derive(Debug)]
    pub struct MyError;
}

struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn get(&self) -> Result<i64, errors::MyError> {
        Err(errors::MyError)
    }
}

fn main() {}
