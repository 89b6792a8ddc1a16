// Raw identifiers, `name`/`alias` keys spread over several attributes, and renamed params.
use leanrpc::{Server, rpc_service};

struct Svc;

#[rpc_service("svc-1")]
impl Svc {
    /// Takes a keyword-named param.
    fn r#type(&self, r#in: i64) -> i64 {
        r#in
    }

    #[rpc(name = "getAllTickets")]
    #[rpc(alias = "list", alias = "all")]
    #[rpc(min_role = "readonly", scope = "a", scope = "b")]
    fn get_all(&self, #[rpc(name = "pid")] project_id: i64, mut limit: u32) -> i64 {
        limit += 1;
        project_id + i64::from(limit)
    }
}

fn main() {
    let server = Server::builder().service(Svc).build().unwrap();
    let def = server.resolve("svc-1.type").unwrap().def;
    assert_eq!(
        (def.name, def.rust_name, def.doc),
        ("type", "type", "Takes a keyword-named param.")
    );
    assert_eq!(def.params[0].name, "in");
    let def = server.resolve("svc-1.all").unwrap().def;
    assert_eq!(def.name, "getAllTickets");
    assert_eq!(def.aliases, ["list", "all"]);
    assert_eq!(def.access.scopes, ["a", "b"]);
    assert_eq!((def.params[0].name, def.params[0].camel), ("pid", "pid"));
    assert_eq!(
        (def.params[1].name, def.params[1].camel, def.params[1].ty),
        ("limit", "limit", "u32")
    );
    let answer = futures_executor::block_on(
        server
            .call(r#"{"jsonrpc":"2.0","method":"svc-1.list","params":{"pid":1,"limit":1},"id":1}"#),
    );
    assert_eq!(
        String::from_utf8(answer.unwrap()).unwrap(),
        r#"{"jsonrpc":"2.0","result":3,"id":1}"#
    );
}
