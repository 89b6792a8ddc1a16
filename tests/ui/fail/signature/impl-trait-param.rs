// An exported method takes concrete types, not `impl Trait`.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn show(&self, value: impl std::fmt::Display) -> String {
        value.to_string()
    }
}

fn main() {}
