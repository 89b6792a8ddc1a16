// `#[rpc(skip)]` keeps constructors, helpers and anything else the server cannot call in the block.
use std::sync::atomic::{AtomicI64, Ordering};

use leanrpc::{Server, rpc_service};

struct Counter {
    count: AtomicI64,
}

#[rpc_service("counter")]
impl Counter {
    const STEP: i64 = 1;

    #[rpc(skip)]
    fn new() -> Self {
        Counter {
            count: AtomicI64::new(0),
        }
    }

    #[rpc(skip)]
    fn reset(&mut self) {
        *self.count.get_mut() = 0;
    }

    #[rpc(skip)]
    fn add<T: Into<i64>>(&self, n: T) -> i64 {
        self.count.fetch_add(n.into(), Ordering::SeqCst) + Self::STEP
    }

    #[rpc(skip)]
    fn label(&self, prefix: &str, (a, b): (i64, i64)) -> String {
        format!("{prefix}{a}{b}")
    }

    fn bump(&self) -> i64 {
        self.add(Self::STEP)
    }
}

fn main() {
    let mut counter = Counter::new();
    counter.reset();
    assert_eq!(counter.label("x", (1, 2)), "x12");
    let server = Server::builder().service(counter).build().unwrap();
    assert_eq!(server.method_names().collect::<Vec<_>>(), ["counter.bump"]);
}
