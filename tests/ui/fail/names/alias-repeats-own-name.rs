// An alias that matches the method's own name adds nothing.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    #[rpc(alias = "get-ticket")]
    fn get_ticket(&self) -> i64 {
        1
    }
}

fn main() {}
