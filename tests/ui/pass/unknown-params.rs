// `unknown_params = "ignore"` on the service applies to every method; a method's own key wins.
use leanrpc::{Server, UnknownParams, rpc_service};

struct Lenient;

#[rpc_service("lenient", unknown_params = "ignore")]
impl Lenient {
    fn inherits(&self, id: i64) -> i64 {
        id
    }

    #[rpc(unknown_params = "reject")]
    fn strict(&self, id: i64) -> i64 {
        id
    }
}

struct Strict;

#[rpc_service("strict")]
impl Strict {
    fn default_policy(&self) {}

    #[rpc(unknown_params = "ignore")]
    fn lenient(&self) {}
}

fn main() {
    let server = Server::builder()
        .service(Lenient)
        .service(Strict)
        .build()
        .unwrap();
    let policy = |name: &str| server.resolve(name).unwrap().def.unknown_params;
    assert_eq!(policy("lenient.inherits"), UnknownParams::Ignore);
    assert_eq!(policy("lenient.strict"), UnknownParams::Reject);
    assert_eq!(policy("strict.defaultPolicy"), UnknownParams::Reject);
    assert_eq!(policy("strict.lenient"), UnknownParams::Ignore);
}
