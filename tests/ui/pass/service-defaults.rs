// Service-level `min_role` and `scope` apply to every method that declares none of its own.
use leanrpc::{Role, Server, rpc_service};

struct Tickets;

#[rpc_service(
    "tickets",
    min_role = "editor",
    scope = "tickets:read",
    scope = "tickets:list"
)]
impl Tickets {
    fn inherits(&self) {}

    #[rpc(min_role = "owner")]
    fn own_role(&self) {}

    #[rpc(scope = "tickets:write")]
    fn own_scope(&self) {}
}

fn main() {
    let server = Server::builder().service(Tickets).build().unwrap();
    let access = |name: &str| server.resolve(name).unwrap().def.access;
    let a = access("tickets.inherits");
    assert_eq!(a.min_role, Some(Role::Editor));
    assert_eq!(a.scopes, ["tickets:read", "tickets:list"]);
    let a = access("tickets.ownRole");
    assert_eq!(a.min_role, Some(Role::Owner));
    assert_eq!(a.scopes, ["tickets:read", "tickets:list"]);
    let a = access("tickets.ownScope");
    assert_eq!(a.min_role, Some(Role::Editor));
    assert_eq!(a.scopes, ["tickets:write"]);
}
