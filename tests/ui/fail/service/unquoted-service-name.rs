// The service name is a string literal.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service(tickets)]
impl Svc {
    fn get(&self) -> i64 {
        1
    }
}

fn main() {}
