// `#[rpc(name = "...")]` renames JSON params; context params have no JSON name.
use leanrpc::{Caller, rpc_service};

struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn whoami(&self, #[rpc(name = "who")] caller: &Caller) -> String {
        caller.key_id().to_owned()
    }
}

fn main() {}
