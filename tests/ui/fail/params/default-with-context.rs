// `default` applies to JSON params: it does not combine with `context`.
use leanrpc::{RequestId, rpc_service};

struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn get(&self, #[rpc(context, default)] id: RequestId) -> bool {
        id.0.is_some()
    }
}

fn main() {}
