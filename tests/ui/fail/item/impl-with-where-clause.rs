// A served impl block has no where clause.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc
where
    Svc: Sized,
{
    fn get(&self) -> i64 {
        1
    }
}

fn main() {}
