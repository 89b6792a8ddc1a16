// Names starting with `rpc.` are reserved by JSON-RPC 2.0.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service]
impl Svc {
    #[rpc(alias = "rpc.discover")]
    fn discover(&self) -> i64 {
        1
    }
}

fn main() {}
