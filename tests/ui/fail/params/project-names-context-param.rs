// `project = "..."` names a JSON param, not a context param.
use leanrpc::{Caller, rpc_service};

struct Svc;

#[rpc_service("svc")]
impl Svc {
    #[rpc(project = "caller")]
    fn list(&self, caller: &Caller) -> String {
        caller.key_id().to_owned()
    }
}

fn main() {}
