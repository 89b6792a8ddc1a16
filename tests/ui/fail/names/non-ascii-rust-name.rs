// A method named from a non-ASCII Rust identifier needs an ASCII `name`.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn größe(&self) -> i64 {
        1
    }
}

fn main() {}
