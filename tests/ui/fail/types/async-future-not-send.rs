// An async method's future is `Send`: the server may run it on any thread.
use std::rc::Rc;

use leanrpc::rpc_service;

struct Svc;

async fn tick() {}

#[rpc_service("svc")]
impl Svc {
    async fn get(&self) -> i64 {
        let local = Rc::new(1);
        tick().await;
        *local
    }
}

fn main() {}
