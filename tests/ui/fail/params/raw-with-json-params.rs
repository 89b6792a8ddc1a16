// A method that takes the raw `Params` takes no other JSON params.
use leanrpc::{Params, rpc_service};

struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn sum(&self, scale: i64, params: Params<'_>) -> i64 {
        let _ = params;
        scale
    }
}

fn main() {}
