//! The `#[rpc_service]` attribute of leanrpc. Use it through the facade, `leanrpc::rpc_service`:
//! the generated code names `::leanrpc::__private`, so the facade must be a dependency under the
//! name `leanrpc`.
//!
//! See [`macro@rpc_service`] for the full reference.

mod ast;
mod attr;
mod case;
mod client;
mod errors;
mod expand;
mod valid;

/// Exports the methods of an inherent impl block as JSON-RPC methods.
///
/// ```
/// use leanrpc::{Caller, RpcError, Server, rpc_service};
///
/// struct Tickets;
///
/// #[rpc_service("tickets", min_role = "readonly")]
/// impl Tickets {
///     /// Returns one ticket's title.
///     async fn get_ticket(&self, caller: &Caller, id: i64) -> Result<String, RpcError> {
///         Ok(format!("ticket {id}, read by {}", caller.key_id()))
///     }
///
///     #[rpc(name = "getAllTickets", alias = "list", project = "project_id")]
///     fn list(&self, project_id: Option<i64>, #[rpc(default)] limit: u32) -> Vec<i64> {
///         vec![project_id.unwrap_or(0), i64::from(limit)]
///     }
///
///     #[rpc(skip)]
///     fn new() -> Self {
///         Tickets
///     }
/// }
///
/// let server = Server::builder().namespace("leantime.rpc").service(Tickets::new()).build()?;
/// assert_eq!(
///     server.method_names().collect::<Vec<_>>(),
///     ["leantime.rpc.tickets.getTicket", "leantime.rpc.tickets.getAllTickets"]
/// );
/// # Ok::<(), leanrpc::BuildError>(())
/// ```
///
/// Mounting an instance with `ServerBuilder::service` makes every exported method callable
/// as `{namespace}.{service}.{name}`.
///
/// # The service
///
/// - `#[rpc_service("tickets")]` serves the methods under the service segment `tickets`.
///   Service names are ASCII letters, digits, `_` and `-` (no `.`: it separates namespace,
///   service and method).
/// - `#[rpc_service]`, without a name, serves the methods at the root (`subtract`, `sum`), as
///   the JSON-RPC 2.0 specification's examples are.
/// - `min_role = "..."` and `scope = "..."` (repeatable) after the name are defaults for every
///   method that declares none of its own: a method's `min_role` replaces the service's, and a
///   method with any `scope` replaces the service's scopes.
///
/// - `client` generates a typed Rust client beside the service (see [Client](#client)).
///
/// The attribute goes on an inherent impl block of a concrete type: not on a trait impl, not on
/// a generic impl or one with a `where` clause. One block per type: the macro implements
/// `leanrpc::RpcService` for the type.
///
/// # Methods
///
/// Every `fn` of the block is exported unless marked `#[rpc(skip)]`. An exported method:
///
/// - takes `&self` (the server shares one instance between concurrent calls; use interior
///   mutability for state). Constructors and helpers without `&self` need `#[rpc(skip)]`;
/// - may be `async fn` or plain `fn`; an async method's future must be `Send`;
/// - has no generic parameters and no `where` clause, and is not `unsafe` or `extern`;
/// - returns nothing, `()`, any `T: Serialize`, or `Result<T, E>` with `T: Serialize` and
///   `E: Into<RpcError>` (implement `From<MyError> for RpcError`). Aliases of `Result` work too:
///   an `Err` becomes the JSON-RPC error, an `Ok` the result.
///
/// Its name is the lowerCamelCase of the Rust name (`get_ticket` → `getTicket`). Clients may
/// call it as `getTicket`, `get_ticket`, `GetTicket` or `get-ticket`: names match ignoring ASCII
/// case, `_` and `-`, so two names of one block that match that way are a compile error.
///
/// Method keys, in one `#[rpc(...)]` or several:
///
/// | key | meaning |
/// |---|---|
/// | `name = "getAllTickets"` | the exported name instead of the camel-cased Rust name |
/// | `alias = "list"` | one more name the method answers to (repeatable) |
/// | `skip` | not exported (helpers, constructors); stands alone |
/// | `min_role = "editor"` | the lowest role that may call it: `readonly`, `commenter`, `editor`, `manager`, `admin` or `owner` |
/// | `scope = "tickets:write"` | a scope the caller's key must hold (repeatable: all of them) |
/// | `project = "project_id"` | names the param holding a project id (an integer, or an `Option`, slice or `Vec` of them); the call fails with -32001 unless the caller's key may access that project |
/// | `errors(-32002, -32005)` | error codes the method may answer, listed by discovery (repeatable); discovery adds -32602 and -32001 itself where they apply |
///
/// Names and aliases are ASCII letters, digits, `_` and `-`; `rpc.` is reserved by JSON-RPC 2.0.
/// Without `min_role` (here or on the service), the server's default role applies
/// (`ServerBuilder::default_role`, `admin` unless changed). Roles and scopes are enforced only on
/// servers built with an authenticator.
///
/// The doc comment becomes the method's `doc`, for discovery (`rpc.discover` and the reference
/// page): its first sentence is the summary. With the facade's default `schemars` feature,
/// discovery describes each JSON param and the result with its JSON Schema when the type
/// implements `schemars::JsonSchema` (derive it on your types), and as any value (`{}`)
/// otherwise: no bound is put on the types.
///
/// # Parameters
///
/// Each parameter after `&self` is one of:
///
/// | parameter | filled with |
/// |---|---|
/// | `id: i64` (any `T: Deserialize`) | a required JSON param: missing is -32602 naming it |
/// | `project_id: Option<i64>` | an optional JSON param: missing or `null` is `None` |
/// | `#[rpc(default)] limit: u32` | missing is `Default::default()` |
/// | `caller: &Caller`, `ctx: &CallContext<'_>`, any other reference | the call's context (`FromContext`); `&Caller` fails with -32001 when no key was given, `Option<&Caller>` does not |
/// | `#[rpc(context)] id: RequestId` | the call's context, for a non-reference `FromContext` type |
/// | `params: Params<'_>`, or `#[rpc(raw)]` | the whole params, unparsed; such a method takes no other JSON params |
///
/// JSON params bind by name (the Rust name or its lowerCamelCase: `project_id` or
/// `projectId`; `#[rpc(name = "pid")]` replaces both) or by position, in declaration order.
/// Unknown names, a name given twice and too many positional values are -32602. Scalars are
/// coerced as Leantime does: `"9"` binds to an `i64`, `"true"` to a `bool`.
///
/// JSON params are bound by name, so their pattern must be an identifier (`mut id` is fine,
/// `(a, b)` and `_` are not). They must own their data: `String`, not `&str`.
///
/// # Client
///
/// With `client` (`#[rpc_service("tickets", client)]`) and the facade's `client` feature, the
/// macro also emits `pub struct TicketsClient` (the type's name and `Client`), wrapping a
/// `leanrpc::client::Client` (which holds the transport and the namespace):
///
/// - `TicketsClient::new(client)`, `.client()`, and `TicketsClient::SERVICE` (`"tickets"`);
/// - per exported method, a method of the same Rust name taking the JSON params in order, with
///   their types (context params such as `&Caller` are left out; raw `Params` become one
///   `serde_json::Value`), and returning `leanrpc::client::Call<T>`, `T` the `Ok` type of a
///   `Result<T, E>` or the plain return type. Await the call, or add it to a batch. Params go
///   as named params under their canonical JSON name (`#[rpc(name = "...")]` if given, else
///   the Rust name); a `None` optional is left out;
/// - per method returning `()`, a `notify_{name}` twin returning a
///   `leanrpc::client::Notification`.
///
/// The client needs `Serialize` on the JSON params' types and `Deserialize` on the result
/// types, reported on the types as written. A return type that is an alias of `Result` cannot
/// be seen through (write `Result<T, E>`), nor an `impl Trait`; and no exported method may be
/// named `new`, `client` or `notify_x` beside an `x` returning `()`. Without the facade's
/// `client` feature, `client` is one compile error saying how to turn the feature on.
///
/// (This example runs in `leanrpc-client`'s tests: this crate's own tests build the facade
/// without the feature.)
///
/// ```ignore
/// use leanrpc::client::{Client, InProcess};
/// use leanrpc::{Caller, RpcError, Server, rpc_service};
///
/// struct Tickets;
///
/// #[rpc_service("tickets", client)]
/// impl Tickets {
///     /// Returns one ticket's title.
///     fn get_ticket(&self, caller: Option<&Caller>, id: i64) -> Result<String, RpcError> {
///         let _ = caller;
///         if id == 1 { Ok("First".into()) } else { Err(RpcError::not_found()) }
///     }
/// }
///
/// # futures_executor::block_on(async {
/// let server = Server::builder().namespace("leantime.rpc").service(Tickets).build().unwrap();
/// let tickets = TicketsClient::new(Client::new(InProcess::new(server), "leantime.rpc"));
/// assert_eq!(tickets.get_ticket(1).await.unwrap(), "First");
/// assert_eq!(tickets.get_ticket(2).await.unwrap_err().code(), Some(-32002));
/// # });
/// ```
///
/// # Errors
///
/// Every mistake is reported at once, on the tokens that make it, with the syntax that would
/// be right. The impl block is still emitted (without the `#[rpc]` attributes), so the rest of
/// the crate keeps type-checking. A type that is not `Serialize`, not `Deserialize` or not
/// `Into<RpcError>` is reported on the type as written in the signature.
///
/// # What it generates
///
/// The impl block unchanged but for `#[rpc(...)]`, then a `const _: () = { ... };` holding, per
/// method, the `ParamDef`s with a schema function each, a result schema function, a handler
/// that binds the params and writes the result, and a `MethodDef` registered with
/// `inventory::submit!`, and the `RpcService` impl listing them (for
/// `ServerBuilder::service_explicit`). `crates/leanrpc/tests/hand_expanded.rs` shows the
/// shape.
#[proc_macro_attribute]
pub fn rpc_service(
    args: proc_macro::TokenStream,
    input: proc_macro::TokenStream,
) -> proc_macro::TokenStream {
    expand::rpc_service(args.into(), input.into()).into()
}
