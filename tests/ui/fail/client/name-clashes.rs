// With `client`, no exported method may take a name the client uses itself: `new`, `client`,
// and `notify_x` when `x` returns `()`.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc", client)]
impl Svc {
    fn new(&self) -> i64 {
        1
    }

    fn client(&self) -> i64 {
        2
    }

    fn touch(&self) {}

    fn notify_touch(&self) -> i64 {
        3
    }
}

fn main() {}
