// A reference param is filled from the call context, so its type implements `FromContext`.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn total(&self, values: &Vec<i64>) -> i64 {
        values.iter().sum()
    }
}

fn main() {}
