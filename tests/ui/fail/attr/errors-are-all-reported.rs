// Every mistake of a block is reported at once, each where it is made.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    #[rpc(min_role = "root")]
    fn get(&self, #[rpc(optional)] id: i64) -> i64 {
        id
    }

    fn put(self) {}

    #[rpc(nmae = "x")]
    fn delete(&self) {}
}

// The impl block is still emitted, so code using it type-checks.
fn use_it(s: &Svc) -> i64 {
    s.get(1)
}

fn main() {}
