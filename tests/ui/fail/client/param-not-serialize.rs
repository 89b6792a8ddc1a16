// With `client`, a JSON param's type must implement `Serialize`: the client sends it.
use leanrpc::rpc_service;
use serde::Deserialize;

#[derive(Deserialize)]
struct Values {
    #[allow(dead_code)]
    headline: String,
}

struct Svc;

#[rpc_service("svc", client)]
impl Svc {
    fn add(&self, values: Values) -> i64 {
        let _ = values;
        1
    }
}

fn main() {}
