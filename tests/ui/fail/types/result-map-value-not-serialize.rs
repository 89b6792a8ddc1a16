// A `Result<T, E>` return is checked part by part: here `T` is not `Serialize`.
use std::collections::HashMap;

use leanrpc::{RpcError, rpc_service};

struct Opaque;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn get(&self) -> Result<HashMap<String, Opaque>, RpcError> {
        Ok(HashMap::new())
    }
}

fn main() {}
