// With `client`, a method returning an alias of `Result` is refused: the client cannot name
// the alias's `Ok` type. Spelled out, it works.
use leanrpc::{RpcError, rpc_service};

type Res<T> = Result<T, RpcError>;

struct Svc;

#[rpc_service("svc", client)]
impl Svc {
    fn get(&self) -> Res<i64> {
        Ok(1)
    }
}

fn main() {}
