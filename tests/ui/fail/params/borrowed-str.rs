// JSON params own their data: `String`, not `&str`.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn greet(&self, name: &str) -> String {
        format!("hello {name}")
    }
}

fn main() {}
