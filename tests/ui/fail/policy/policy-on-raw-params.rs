// A method that takes raw `Params` reads every param itself: `unknown_params` means nothing there.
use leanrpc::{Params, RpcError, rpc_service};

struct Svc;

#[rpc_service("svc")]
impl Svc {
    #[rpc(unknown_params = "ignore")]
    fn sum(&self, params: Params<'_>) -> Result<i64, RpcError> {
        Ok(params.sequence::<i64>()?.iter().sum())
    }
}

fn main() {}
