// Two methods of a block may not answer to the same name (case, `_` and `-` ignored).
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn get_ticket(&self) -> i64 {
        1
    }

    #[rpc(name = "GetTicket")]
    fn get_ticket_v2(&self) -> i64 {
        2
    }
}

fn main() {}
