// A served impl block has no lifetime parameters: the service must be `'static`.
use leanrpc::rpc_service;

struct Svc<'a>(&'a str);

#[rpc_service("svc")]
impl<'a> Svc<'a> {
    fn get(&self) -> i64 {
        1
    }
}

fn main() {}
