// An exported method is not `unsafe`: a remote client cannot uphold its contract.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    unsafe fn get(&self) -> i64 {
        1
    }
}

fn main() {}
