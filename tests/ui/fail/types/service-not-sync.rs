// A service is shared between concurrent calls, so its type is `Send + Sync + 'static`.
use std::cell::Cell;

use leanrpc::rpc_service;

struct Counter {
    count: Cell<i64>,
}

#[rpc_service("counter")]
impl Counter {
    fn bump(&self) -> i64 {
        self.count.set(self.count.get() + 1);
        self.count.get()
    }
}

fn main() {}
