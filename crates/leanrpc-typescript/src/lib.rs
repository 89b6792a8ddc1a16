//! A typed TypeScript client for any leanrpc server, generated from its OpenRPC document (the
//! answer of `rpc.discover`, or [`Api::openrpc`] of a server in the same process).
//!
//! [`Api::openrpc`]: https://docs.rs/leanrpc-core/latest/leanrpc_core/discover/struct.Api.html
//!
//! [`generate`] writes one self-contained `.ts` module: no npm package to install, only `fetch`
//! (Node 18 and later, Deno, Bun, browsers). Method names keep their dots as a tree of
//! properties, so the client calls exactly the names the server serves:
//!
//! ```ts
//! import { RpcClient, JsonRpcError } from "./tickets-client";
//!
//! const client = new RpcClient({ url: "http://127.0.0.1:8080/api/jsonrpc", apiKey: process.env.KEY });
//! const ticket = await client.leantime.rpc.tickets.getTicket({ id: 9 }); // a `Ticket`
//! const [a, b] = await client.$batch((api) => [
//!   api.leantime.rpc.tickets.getTicket({ id: 9 }),
//!   api.leantime.rpc.tickets.getStatusLabels(),
//! ]); // each `{ ok: true, result }` or `{ ok: false, error }`, in order
//! await client.$notify.leantime.rpc.tickets.updateTicket({ values: { id: 9, status: 4 } });
//! ```
//!
//! What the module holds:
//!
//! - **a type per shared schema** (`components.schemas`, e.g. `Ticket`), from its JSON Schema:
//!   objects with required and optional properties, additional properties as index signatures,
//!   arrays and tuples, `enum`/`const` literals, `oneOf`/`anyOf` unions, `allOf`
//!   intersections, `nullable` and type arrays, `$ref`s as the named types, `unknown` for what
//!   TypeScript cannot say; descriptions become `/** */` comments;
//! - **`RpcMethods`**: per full method name, its params as one object of named params (sent by
//!   name; in order for a method whose `paramStructure` is `by-position`), whether they may be
//!   left out, and its result type; `RpcParams<M>` and `RpcResult<M>` read it;
//! - **the client class** (`RpcClient` unless [`Options::class_name`] says otherwise): each
//!   method under its dotted name, documented with its description, role, scopes and errors;
//!   `$batch` (several typed calls in one request, answers in order), `$notify` (the same tree
//!   as notifications) and `$call(name, params)`;
//! - **the transport**: `fetch` with the API key as `x-api-key`, a timeout, POST or GET (the
//!   call in the query string, `params` as base64 JSON, as Leantime reads it), and two error
//!   classes: `JsonRpcError` (the server's code, message and data, and the HTTP status) and
//!   `RpcTransportError` (no JSON-RPC answer).
//!
//! The module compiles under `tsc --strict` (and `exactOptionalPropertyTypes`,
//! `noUncheckedIndexedAccess`), with the `ES2022` and `DOM` libraries.
//!
//! # From a running server or from the model
//!
//! The tickets example does the first: `tickets typescript --url URL --out client.ts` fetches
//! `rpc.discover` with its key (a key sees the methods it may call, so use a key that may call
//! all you need) and writes the module. In a build script or a test, the model of a server
//! built in the same process gives the same document:
//!
//! ```
//! use leanrpc::{Server, rpc_service};
//!
//! struct Calc;
//!
//! #[rpc_service("calc")]
//! impl Calc {
//!     /// Adds two numbers.
//!     fn add(&self, a: i64, b: i64) -> i64 {
//!         a + b
//!     }
//! }
//!
//! let server = Server::builder().namespace("app").service(Calc).build().unwrap();
//! let document: serde_json::Value = serde_json::from_str(&server.api().openrpc(None)).unwrap();
//! let options = leanrpc_typescript::Options::default().class_name("CalcClient");
//! let module = leanrpc_typescript::generate(&document, &options).unwrap();
//! assert!(module.contains(r#"add: RpcFn<K, "app.calc.add">;"#));
//! assert!(module.contains("export class CalcClient extends RpcClientCore"));
//! ```
//!
//! # Why not `@open-rpc/generator`
//!
//! Its TypeScript client declares each method as a class member named by the method name
//! (`public leantime.rpc.projects.addProject`), which is not valid TypeScript when names hold
//! dots, and it sends that same name: a document renamed for it would call methods the server
//! does not have. It also has no way to send a header such as `x-api-key`. The README's
//! "TypeScript client" section has the details.

mod doc;
mod document;
mod emit;
mod error;
mod names;
mod schema;
mod tree;

pub use error::Error;

/// How [`generate`] names and labels the client.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Options {
    /// The name of the client class (default `RpcClient`).
    pub class_name: String,
    /// Where the document came from (a URL, a file), written in the module's header.
    pub source: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            class_name: "RpcClient".to_owned(),
            source: None,
        }
    }
}

impl Options {
    /// Names the client class (an identifier that is no reserved word, e.g. `TicketsClient`).
    pub fn class_name(mut self, name: impl Into<String>) -> Self {
        self.class_name = name.into();
        self
    }

    /// Says where the document came from, in the module's header.
    pub fn source(mut self, source: impl Into<String>) -> Self {
        self.source = Some(source.into());
        self
    }
}

/// The TypeScript client module of `document`, an OpenRPC 1.x document such as the `result` of
/// `rpc.discover`.
///
/// # Errors
///
/// When the document is not one (no `openrpc` version, no `methods` array, a method without a
/// name, a name listed twice, a `$ref` to a schema that is not in `components.schemas`, a
/// schema that is not an object), when a method name's first segment would clash with the
/// client itself (`$call`, `$batch`, `$notify`, or `then`, which would make the client
/// awaitable), or when [`Options::class_name`] is not a usable identifier. The [`Error`] says
/// where.
pub fn generate(document: &serde_json::Value, options: &Options) -> Result<String, Error> {
    if !names::is_free(&options.class_name) {
        return Err(Error::new(
            "",
            format!(
                "the class name `{}` is not a usable TypeScript identifier (letters, digits, `_`, `$`, \
                 not starting with a digit, not a reserved word or a name the module declares)",
                options.class_name
            ),
        ));
    }
    let document = document::Document::read(document)?;
    emit::module(&document, options)
}

#[cfg(test)]
mod tests;
