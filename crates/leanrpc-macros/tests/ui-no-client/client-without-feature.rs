// `client` without the facade's `client` feature: one error saying how to turn it on, and the
// server side still compiles.
use leanrpc::{Server, rpc_service};

struct Svc;

#[rpc_service("svc", client)]
impl Svc {
    fn get(&self) -> i64 {
        1
    }
}

fn main() {
    let _ = Server::builder().service(Svc).build();
}
