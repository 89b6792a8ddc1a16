//! Method definitions as the `#[rpc_service]` macro records them, the link-time registry that
//! `inventory` fills, and the name rules used to resolve a call to a method.

use std::any::{Any, TypeId};
use std::fmt;

use crate::BoxFuture;
use crate::auth::Access;
use crate::context::CallContext;
use crate::error::RpcError;
use crate::params::{ParamDef, Params, UnknownParams};

/// What a handler receives for one call.
pub struct Invocation<'a> {
    /// The call's params.
    pub params: Params<'a>,
    /// The call's context (caller, headers, id).
    pub ctx: &'a CallContext<'a>,
    /// The response buffer: the handler appends the JSON of its result, nothing else.
    pub out: &'a mut Vec<u8>,
}

impl fmt::Debug for Invocation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Invocation")
            .field("params", &self.params)
            .field("ctx", &self.ctx)
            .finish_non_exhaustive()
    }
}

/// A type-erased handler: downcasts the service instance, binds params, runs the method and
/// serializes its result into `Invocation::out`.
pub type Handler = for<'a> fn(&'a (dyn Any + Send + Sync), Invocation<'a>) -> Answer<'a>;

/// What a handler returns: the outcome of a call that finished while the handler ran (every
/// synchronous method), or the future of a call that has to wait (an `async` one).
///
/// A synchronous method costs no allocation and no poll this way; the server runs both kinds
/// under the same panic guard, and applies the call timeout to the futures.
pub enum Answer<'a> {
    /// The call finished; on `Ok` its result is already in `Invocation::out`.
    Ready(Result<(), RpcError>),
    /// The call waits: the server awaits this future.
    Pending(BoxFuture<'a, Result<(), RpcError>>),
}

impl fmt::Debug for Answer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Answer::Ready(result) => f.debug_tuple("Ready").field(result).finish(),
            Answer::Pending(_) => f.write_str("Pending(..)"),
        }
    }
}

/// One exported method, as recorded at compile time.
#[derive(Clone, Copy)]
pub struct MethodDef {
    /// The service name (`"tickets"`), or `""` for methods served at the root.
    pub service: &'static str,
    /// The method name (`"getTicket"`).
    pub name: &'static str,
    /// Extra names the method answers to.
    pub aliases: &'static [&'static str],
    /// The Rust function name.
    pub rust_name: &'static str,
    /// The JSON parameters, in declaration order.
    pub params: &'static [ParamDef],
    /// Whether the method takes the raw params (and so accepts any shape).
    pub raw_params: bool,
    /// The Rust result type as written.
    pub result: &'static str,
    /// The JSON Schema of the result (of `T` for a `Result<T, E>`), for discovery;
    /// [`no_schema`](crate::params::no_schema) when unknown.
    pub result_schema: fn() -> serde_json::Value,
    /// Error codes the method declares with `#[rpc(errors(...))]`, for discovery. Discovery adds
    /// the codes the framework itself may answer (see [`crate::discover`]).
    pub errors: &'static [i32],
    /// The doc comment.
    pub doc: &'static str,
    /// The source file of the method.
    pub file: &'static str,
    /// The source line of the method.
    pub line: u32,
    /// The `TypeId` of the service type, as a function because `TypeId::of` is not const.
    pub service_type: fn() -> TypeId,
    /// The Rust name of the service type.
    pub type_name: &'static str,
    /// Who may call the method.
    pub access: Access,
    /// What binding does with named params the method does not declare.
    pub unknown_params: UnknownParams,
    /// The handler.
    pub handler: Handler,
}

impl MethodDef {
    /// `file:line` of the method, for error messages.
    pub fn location(&self) -> String {
        format!(
            "{}:{} ({}::{})",
            self.file, self.line, self.type_name, self.rust_name
        )
    }
}

impl fmt::Debug for MethodDef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MethodDef")
            .field("service", &self.service)
            .field("name", &self.name)
            .field("aliases", &self.aliases)
            .field("params", &self.params)
            .field("location", &self.location())
            .finish_non_exhaustive()
    }
}

/// One entry of the link-time registry; the macro emits one `inventory::submit!` per method.
#[derive(Debug)]
pub struct Registration(pub &'static MethodDef);

inventory::collect!(Registration);

/// Every method registered in this binary, mounted or not.
pub fn registered() -> impl Iterator<Item = &'static MethodDef> {
    inventory::iter::<Registration>.into_iter().map(|r| r.0)
}

/// A type whose impl block carries `#[rpc_service]`. Implemented by the macro.
pub trait RpcService: Send + Sync + 'static {
    /// The service name (`""` for the root).
    const NAME: &'static str;

    /// This service's methods, listed explicitly: the fallback when a linker dropped the
    /// `inventory` entries (see `ServerBuilder::service_explicit`).
    fn methods() -> &'static [MethodDef];
}

/// The matching form of a name: ASCII lowercase, without `_` and `-`.
pub fn normalize_into(name: &str, out: &mut String) {
    out.clear();
    out.extend(
        name.chars()
            .filter(|c| *c != '_' && *c != '-')
            .map(|c| c.to_ascii_lowercase()),
    );
}

/// The matching form of a name, allocated.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    normalize_into(name, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization_ignores_case_underscores_and_dashes() {
        for name in [
            "get_ticket",
            "getTicket",
            "GetTicket",
            "get-ticket",
            "GETTICKET",
        ] {
            assert_eq!(normalize(name), "getticket");
        }
    }
}
