// With `client`, the `T` of a `Result<T, E>` method must implement `Deserialize`: the client
// decodes the result into it.
use leanrpc::{RpcError, rpc_service};
use serde::Serialize;

#[derive(Serialize)]
struct Opaque;

struct Svc;

#[rpc_service("svc", client)]
impl Svc {
    fn get(&self) -> Result<Opaque, RpcError> {
        Ok(Opaque)
    }
}

fn main() {}
