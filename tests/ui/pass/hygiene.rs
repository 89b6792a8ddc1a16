// Generated code names everything by absolute path and lints clean: shadowing prelude and
// std names, and naming params like the macro's own locals, changes nothing; the generated
// client (`client`) included.
#![deny(warnings, missing_docs)]
//! A crate that shadows the names generated code could trip over.

mod core {}
mod std {}
mod leanrpc {}
mod inventory {}

type Result = ();
type Option = ();
struct Ok;
struct Err;
struct Some;
struct None;
struct Box;
struct Vec;
struct String;
trait Send {}
trait Sync {}
trait Into {}
trait From {}
trait Default {}
impl Send for () {}
impl Sync for () {}
impl Into for () {}
impl From for () {}
impl Default for () {}

/// A service.
pub struct Svc;

#[::leanrpc::rpc_service("svc", min_role = "readonly", client)]
impl Svc {
    /// Params named like the locals of the generated handler.
    pub fn clash(
        &self,
        inv: i64,
        service: i64,
        this: i64,
        slots: i64,
        ret: i64,
        value: i64,
        error: i64,
        arg0: i64,
        params: i64,
        client: i64,
    ) -> i64 {
        inv + service + this + slots + ret + value + error + arg0 + params + client
    }

    /// A `Result` and an `Option`, spelled out.
    pub async fn get(
        &self,
        id: ::std::option::Option<i64>,
        #[rpc(default)] name: ::std::string::String,
    ) -> ::core::result::Result<::std::string::String, ::leanrpc::RpcError> {
        ::core::result::Result::Ok(::std::format!("{name}{}", id.unwrap_or(0)))
    }

    /// Named like the trait method the macro implements.
    pub fn methods(&self) {}
}

fn main() {
    let _: Result = ();
    let _: Option = ();
    let _ = (Ok, Err, Some, None, Box, Vec, String);
    let server = ::leanrpc::Server::builder().service(Svc).build().unwrap();
    let answer = ::futures_executor::block_on(
        server.call(r#"{"jsonrpc":"2.0","method":"svc.get","params":{"id":7,"name":"t"},"id":1}"#),
    );
    ::core::assert_eq!(
        ::std::string::String::from_utf8(answer.unwrap()).unwrap(),
        r#"{"jsonrpc":"2.0","result":"t7","id":1}"#
    );
    // The generated client, with params named like its own locals and field.
    let client = SvcClient::new(::leanrpc::client::Client::new(
        ::leanrpc::client::InProcess::new(server),
        "",
    ));
    let sum = ::futures_executor::block_on(client.clash(1, 2, 3, 4, 5, 6, 7, 8, 9, 10).send());
    ::core::assert_eq!(sum.unwrap(), 55);
}
