// The `T` of a `Result<T, E>` method must implement `Serialize`.
use leanrpc::{RpcError, rpc_service};

struct Opaque;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn get(&self) -> Result<Opaque, RpcError> {
        Ok(Opaque)
    }
}

fn main() {}
