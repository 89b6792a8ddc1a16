// `client` generates a typed client that compiles warning-free under `deny(warnings,
// missing_docs)`: every binding form, raw params, context params, `Self` in a signature, a
// root service, and `notify_*` twins for methods returning `()`.
#![deny(warnings, missing_docs)]
//! A crate with clients.

use leanrpc::client::{Call, Client, InProcess, Notification};
use leanrpc::{CallContext, Caller, Params, RpcError, Server, rpc_service};
use serde::{Deserialize, Serialize};

/// A ticket.
#[derive(Serialize, Deserialize)]
pub struct Ticket {
    /// Its id.
    pub id: i64,
}

/// A service.
pub struct Tickets;

#[rpc_service("tickets", client)]
impl Tickets {
    /// One ticket.
    pub async fn get_ticket(&self, caller: &Caller, id: i64) -> Result<Ticket, RpcError> {
        let _ = caller;
        Ok(Ticket { id })
    }

    /// Every binding form.
    #[rpc(name = "getAll", alias = "list")]
    pub fn all(
        &self,
        ctx: &CallContext<'_>,
        #[rpc(name = "pid")] project: i64,
        term: Option<String>,
        #[rpc(default)] limit: u32,
        values: Vec<Ticket>,
    ) -> Vec<Ticket> {
        let _ = (ctx, project, term, limit);
        values
    }

    /// Raw params.
    pub fn sum(&self, params: Params<'_>) -> Result<i64, RpcError> {
        params.sequence::<i64>().map(|v| v.iter().sum())
    }

    /// Nothing back.
    pub fn touch(&self, mut count: u8) {
        count += 1;
        let _ = count;
    }

    /// `Self` in the signature.
    pub fn me(&self) -> Option<Self> {
        None
    }

    /// A helper, not exported, not in the client.
    #[rpc(skip)]
    pub fn helper(&self) {}
}

impl Serialize for Tickets {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_unit()
    }
}

impl<'de> Deserialize<'de> for Tickets {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <()>::deserialize(d).map(|()| Tickets)
    }
}

/// Served at the root.
pub struct Root;

#[rpc_service(client)]
impl Root {
    /// Subtracts.
    pub fn subtract(&self, minuend: i64, subtrahend: i64) -> i64 {
        minuend - subtrahend
    }
}

fn main() {
    let server = Server::builder().service(Tickets).service(Root).build().unwrap();
    let client = Client::new(InProcess::new(server), "ns");
    let tickets = TicketsClient::new(client.clone());
    let _: Call<Ticket> = tickets.get_ticket(1);
    let _: Call<Vec<Ticket>> = tickets.all(1, None, 0, Vec::new());
    let _: Call<i64> = tickets.sum(serde_json::json!([1, 2]));
    let _: Call<()> = tickets.touch(1);
    let _: Notification = tickets.notify_touch(1);
    let _: Call<Option<Tickets>> = tickets.me();
    let _: &Client = tickets.client();
    let root = RootClient::new(client);
    let _: Call<i64> = root.subtract(2, 1);
    assert_eq!(TicketsClient::SERVICE, "tickets");
    assert_eq!(RootClient::SERVICE, "");
}
