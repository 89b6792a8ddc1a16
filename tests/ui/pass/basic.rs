// A service with sync and async methods, JSON, optional, default and context params compiles.
use leanrpc::{Caller, RpcError, rpc_service};

struct Tickets;

#[rpc_service("tickets", min_role = "readonly")]
impl Tickets {
    /// Returns one ticket.
    async fn get_ticket(&self, caller: &Caller, id: i64) -> Result<String, RpcError> {
        Ok(format!("{}:{id}", caller.key_id()))
    }

    #[rpc(
        name = "getAllTickets",
        alias = "list",
        min_role = "editor",
        scope = "tickets:read"
    )]
    fn list(&self, project_id: Option<i64>, #[rpc(default)] limit: u32) -> Vec<i64> {
        vec![project_id.unwrap_or(0), i64::from(limit)]
    }
}

fn main() {}
