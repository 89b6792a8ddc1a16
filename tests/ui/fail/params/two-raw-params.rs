// A method takes the raw `Params` at most once.
use leanrpc::{Params, rpc_service};

struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn sum(&self, a: Params<'_>, #[rpc(raw)] b: Params<'_>) -> i64 {
        let _ = (a, b);
        0
    }
}

fn main() {}
