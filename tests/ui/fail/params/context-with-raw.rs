// A param is either `context` or `raw`, not both.
use leanrpc::{Params, rpc_service};

struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn get(&self, #[rpc(context, raw)] params: Params<'_>) -> bool {
        params.is_none()
    }
}

fn main() {}
