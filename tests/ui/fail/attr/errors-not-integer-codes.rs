// `errors(...)` lists integer error codes: `errors(-32002, -32005)`.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    #[rpc(errors("not found", -32002))]
    fn get(&self) -> i64 {
        1
    }

    #[rpc(errors = -32002)]
    fn put(&self) -> i64 {
        1
    }
}

fn main() {}
