// A method returns nothing, `()`, any `Serialize` type (`Self` too), `Result<T, E>`, or an alias of `Result`.
use leanrpc::{RpcError, Server, rpc_service};

/// An alias whose name does not say `Result`: still answered as a result or an error.
type Reply<T> = Result<T, RpcError>;

mod app {
    pub type Result<T> = std::result::Result<T, super::AppError>;
}

#[derive(Debug)]
struct AppError;

impl From<AppError> for RpcError {
    fn from(_: AppError) -> Self {
        RpcError::not_found()
    }
}

#[derive(Clone, serde::Deserialize, serde::Serialize)]
struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn nothing(&self) {}

    fn unit(&self) -> () {}

    fn value(&self) -> Vec<Option<i64>> {
        vec![Some(1), None]
    }

    fn tuple(&self) -> (&'static str, i64) {
        ("hello", 5)
    }

    fn plain(&self) -> Result<i64, RpcError> {
        Ok(1)
    }

    fn aliased(&self, fail: bool) -> Reply<i64> {
        if fail {
            Err(RpcError::not_found())
        } else {
            Ok(2)
        }
    }

    async fn app(&self) -> app::Result<i64> {
        Err(AppError)
    }

    fn echo(&self, other: Self, more: Vec<Self>) -> Self {
        let _ = (other, more);
        self.clone()
    }

    fn opaque(&self) -> impl serde::Serialize + use<> {
        [1, 2]
    }
}

fn main() {
    let server = Server::builder().service(Svc).build().unwrap();
    let call = |method: &str, params: &str| {
        let body =
            format!(r#"{{"jsonrpc":"2.0","method":"svc.{method}","params":{params},"id":1}}"#);
        String::from_utf8(futures_executor::block_on(server.call(body)).unwrap()).unwrap()
    };
    let result = |json: &str| format!(r#"{{"jsonrpc":"2.0","result":{json},"id":1}}"#);
    assert_eq!(call("nothing", "[]"), result("null"));
    assert_eq!(call("unit", "[]"), result("null"));
    assert_eq!(call("value", "[]"), result("[1,null]"));
    assert_eq!(call("tuple", "[]"), result(r#"["hello",5]"#));
    assert_eq!(call("plain", "[]"), result("1"));
    assert_eq!(call("aliased", "[false]"), result("2"));
    assert!(call("aliased", "[true]").contains("-32002"));
    assert!(call("app", "[]").contains("-32002"));
    assert_eq!(call("opaque", "[]"), result("[1,2]"));
    assert_eq!(call("echo", "[null,[null]]"), result("null"));
}
