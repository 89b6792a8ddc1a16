// Reference params, `Option<&Caller>` and `#[rpc(context)]` params come from the call context.
use leanrpc::{CallContext, Caller, RequestId, Server, rpc_service};

struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn who(&self, caller: Option<&Caller>) -> String {
        caller.map_or("anonymous".to_owned(), |c| c.key_id().to_owned())
    }

    fn must(&self, caller: &Caller) -> String {
        caller.key_id().to_owned()
    }

    fn method(&self, ctx: &CallContext<'_>, n: i64) -> String {
        format!("{}:{n}", ctx.method())
    }

    fn id(&self, #[rpc(context)] id: RequestId) -> Option<String> {
        id.0
    }

    fn ignored(&self, _: &CallContext<'_>) {}
}

fn main() {
    let server = Server::builder().service(Svc).build().unwrap();
    let call = |body: &str| {
        String::from_utf8(futures_executor::block_on(server.call(body)).unwrap()).unwrap()
    };
    assert_eq!(
        call(r#"{"jsonrpc":"2.0","method":"svc.who","id":1}"#),
        r#"{"jsonrpc":"2.0","result":"anonymous","id":1}"#
    );
    assert!(call(r#"{"jsonrpc":"2.0","method":"svc.must","id":1}"#).contains("-32001"));
    assert_eq!(
        call(r#"{"jsonrpc":"2.0","method":"svc.method","params":[3],"id":1}"#),
        r#"{"jsonrpc":"2.0","result":"svc.method:3","id":1}"#
    );
    assert_eq!(
        call(r#"{"jsonrpc":"2.0","method":"svc.id","id":"x"}"#),
        r#"{"jsonrpc":"2.0","result":"\"x\"","id":"x"}"#
    );
}
