// `default` applies to JSON params: it does not combine with `raw`.
use leanrpc::{Params, rpc_service};

struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn sum(&self, #[rpc(raw, default)] params: Params<'_>) -> bool {
        params.is_none()
    }
}

fn main() {}
