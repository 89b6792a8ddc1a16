// An exported method takes `&self`, not `&mut self`: calls run concurrently.
use leanrpc::rpc_service;

struct Svc {
    count: i64,
}

#[rpc_service("svc")]
impl Svc {
    fn bump(&mut self) -> i64 {
        self.count += 1;
        self.count
    }
}

fn main() {}
