// `#[rpc(default)]` on an `Option` says nothing: a missing `Option` is already `None`.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn list(&self, #[rpc(default)] limit: Option<u32>) -> u32 {
        limit.unwrap_or(10)
    }
}

fn main() {}
