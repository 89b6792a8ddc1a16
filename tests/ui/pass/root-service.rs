// `#[rpc_service]` without a name serves methods at the root, as the JSON-RPC 2.0 examples do.
use leanrpc::{Params, RpcError, Server, rpc_service};

struct Spec;

#[rpc_service]
impl Spec {
    fn subtract(&self, minuend: i64, subtrahend: i64) -> i64 {
        minuend - subtrahend
    }

    fn sum(&self, params: Params<'_>) -> Result<i64, RpcError> {
        Ok(params.sequence::<i64>()?.iter().sum())
    }

    fn update(&self, #[rpc(raw)] _params: Params<'_>) {}
}

fn main() {
    let server = Server::builder().service(Spec).build().unwrap();
    let names: Vec<&str> = server.method_names().collect();
    assert_eq!(names, ["subtract", "sum", "update"]);
    let call = |body: &str| {
        String::from_utf8(futures_executor::block_on(server.call(body)).unwrap()).unwrap()
    };
    assert_eq!(
        call(r#"{"jsonrpc":"2.0","method":"subtract","params":[42,23],"id":1}"#),
        r#"{"jsonrpc":"2.0","result":19,"id":1}"#
    );
    assert_eq!(
        call(r#"{"jsonrpc":"2.0","method":"sum","params":[1,2,4],"id":2}"#),
        r#"{"jsonrpc":"2.0","result":7,"id":2}"#
    );
}
