//! Everything this crate knows of the core, in one place: which methods are mounted and what
//! they declare, who may call which, authenticating a key, charging the per-key rate, and
//! invoking a method with JSON arguments as a caller.
//!
//! The rest of the crate (protocol, transport, tools) sees only the types below, never
//! `Server`, `MethodDef` or `Access` directly, so that the switch to the core's public
//! per-call dispatcher (issue 14: `Server::invoke`, `Server::callable`, `Server::charge`,
//! `Server::api()`) is a change to this file alone.
//!
//! Today it is built from what the core offers publicly: `Server::methods()` (each
//! `MethodDef` with its params' schemas, result schema, doc comment and access rules),
//! `Server::openrpc_document` (only to learn the server's default role, which is not public),
//! `Access` for visibility, the `Authenticator` the application hands over (the server's own
//! is not reachable), and `Server::call_as` on a JSON-RPC body built here for invoking.

use std::sync::Arc;

use std::net::IpAddr;

use leanrpc_core::{AuthError, Authenticator, Credentials, ErrorCode, Role, Server};
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

pub(crate) use leanrpc_core::{Caller, RateStatus, Throttled};

/// The JSON-RPC code of a call refused by the per-key rate limit (Leantime's -32003).
pub(crate) const RATE_LIMITED: i64 = ErrorCode::RATE_LIMITED.code() as i64;

/// Why a request's key was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// No key, a malformed, unknown, revoked or expired key, or a key store that failed:
    /// the same answer for all (HTTP 401).
    Unauthorized,
    /// Too many failed attempts from this address (HTTP 429).
    RateLimited {
        /// Seconds until the client may retry.
        retry_after: u64,
    },
}

/// One mounted method, as the MCP front end needs it.
#[derive(Debug, Clone)]
pub(crate) struct MethodView {
    /// The canonical full name (`leantime.rpc.tickets.getTicket`).
    pub(crate) full_name: String,
    /// The service name (`tickets`), empty for methods served at the root.
    pub(crate) service: &'static str,
    /// The method name (`getTicket`).
    pub(crate) name: &'static str,
    /// Extra names the method answers to (`deleteTicket`).
    pub(crate) aliases: &'static [&'static str],
    /// The doc comment, trimmed.
    pub(crate) doc: &'static str,
    /// The JSON params, in declaration order.
    pub(crate) params: Vec<ParamView>,
    /// Whether the method takes its params raw (any shape).
    pub(crate) raw_params: bool,
    /// Whether named params the method does not declare are an error (`false`: ignored).
    pub(crate) rejects_unknown_params: bool,
    /// The JSON Schema of the result, `None` when the method's result type has none.
    pub(crate) result_schema: Option<Value>,
    /// The lowest role that may call it (with the server's default applied); `None` when the
    /// server does not authenticate.
    pub(crate) min_role: Option<Role>,
    /// The scopes a caller must hold, all of them.
    pub(crate) scopes: &'static [&'static str],
    /// `file:line (Type::method)`, for build errors.
    pub(crate) location: String,
}

/// One JSON param of a method.
#[derive(Debug, Clone)]
pub(crate) struct ParamView {
    /// The name clients use (lowerCamelCase: `projectId`).
    pub(crate) name: &'static str,
    /// Whether a call must give it.
    pub(crate) required: bool,
    /// Its JSON Schema as the macro generated it (with its own `$defs`).
    pub(crate) schema: Value,
}

/// A JSON-RPC error a call answered with.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CallError {
    /// The JSON-RPC error code (`-32602`, `-32001`, ...).
    pub(crate) code: i64,
    /// Its message.
    pub(crate) message: String,
    /// Its `data`, when there is one.
    pub(crate) data: Option<Value>,
}

/// The core, as the MCP front end sees it.
pub(crate) struct RegistryView {
    server: Server,
    auth: Option<Arc<dyn Authenticator>>,
    methods: Vec<MethodView>,
}

impl std::fmt::Debug for RegistryView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryView")
            .field("methods", &self.methods.len())
            .field("auth", &self.auth.is_some())
            .finish()
    }
}

/// Why the view cannot be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ViewError {
    /// The server authenticates callers but no authenticator was handed over.
    NoAuthenticator,
}

impl RegistryView {
    /// The view of `server`. `auth` must be the authenticator the server was built with
    /// (the same instance, so that both endpoints share its cache and rate counters).
    // TODO(issue 14): take the authenticator and default role from the server itself.
    pub(crate) fn new(
        server: Server,
        auth: Option<Arc<dyn Authenticator>>,
    ) -> Result<Self, ViewError> {
        let authenticates = server.authenticates();
        if authenticates && auth.is_none() {
            return Err(ViewError::NoAuthenticator);
        }
        let default_role = default_role(&server);
        let methods = server
            .methods()
            .map(|m| {
                let def = m.def;
                let result_schema = Some((def.result_schema)()).filter(|s| !is_empty_schema(s));
                MethodView {
                    full_name: m.full_name.to_owned(),
                    service: def.service,
                    name: def.name,
                    aliases: def.aliases,
                    doc: def.doc.trim(),
                    params: def
                        .params
                        .iter()
                        .map(|p| ParamView {
                            name: p.camel,
                            required: p.required,
                            schema: (p.schema)(),
                        })
                        .collect(),
                    raw_params: def.raw_params,
                    rejects_unknown_params: def.unknown_params
                        == leanrpc_core::UnknownParams::Reject,
                    result_schema,
                    min_role: authenticates.then(|| def.access.min_role.unwrap_or(default_role)),
                    scopes: def.access.scopes,
                    location: def.location(),
                }
            })
            .collect();
        Ok(Self {
            server,
            auth: auth.filter(|_| authenticates),
            methods,
        })
    }

    /// The largest request body the server accepts, which the MCP endpoint applies too.
    pub(crate) fn max_body_bytes(&self) -> usize {
        self.server.limits().max_body_bytes
    }

    /// Every mounted method, in mounting order.
    pub(crate) fn methods(&self) -> &[MethodView] {
        &self.methods
    }

    /// Whether `caller` may call method `index` (its role and scopes; projects are checked by
    /// the call itself). Every method, on a server that does not authenticate.
    // TODO(issue 14): `Server::callable(caller)`.
    pub(crate) fn may_call(&self, index: usize, caller: Option<&Caller>) -> bool {
        let method = &self.methods[index];
        let Some(min_role) = method.min_role else {
            return true;
        };
        caller.is_some_and(|c| c.role >= min_role && method.scopes.iter().all(|s| c.has_scope(s)))
    }

    /// Authenticates a request's key (`None`: no key) with the server's authenticator;
    /// `Ok(None)` on a server that does not authenticate.
    pub(crate) async fn authenticate(
        &self,
        api_key: Option<&[u8]>,
        peer: Option<IpAddr>,
    ) -> Result<Option<Arc<Caller>>, Refusal> {
        let Some(auth) = &self.auth else {
            return Ok(None);
        };
        match auth.authenticate(Credentials { api_key, peer }).await {
            Ok(caller) => Ok(Some(caller)),
            Err(AuthError::RateLimited { retry_after }) => {
                Err(Refusal::RateLimited { retry_after })
            }
            Err(error) => {
                tracing::debug!(?error, ?peer, "MCP: authentication failed");
                Err(Refusal::Unauthorized)
            }
        }
    }

    /// Counts `calls` calls against the caller's rate limit.
    // TODO(issue 14): `Server::charge(caller, calls)`.
    pub(crate) fn charge(&self, caller: &Caller, calls: usize) -> Result<RateStatus, Throttled> {
        match &self.auth {
            None => Ok(RateStatus::Unlimited),
            Some(auth) => auth.charge(caller, calls),
        }
    }

    /// Calls method `index` with `args` (the text of a JSON object: the params by name) as
    /// `caller`,
    /// through the dispatcher: the same name resolution, binding and coercion, role, scope and
    /// project checks, call timeout and result limits as a JSON-RPC call. Returns the
    /// result's JSON or the JSON-RPC error the call answered.
    // TODO(issue 14): switch to Server::invoke (no JSON-RPC text built and parsed here).
    pub(crate) async fn invoke(
        &self,
        index: usize,
        args: &str,
        caller: Option<&Caller>,
    ) -> Result<Box<RawValue>, CallError> {
        let method = &self.methods[index];
        let mut body = Vec::with_capacity(64 + method.full_name.len() + args.len());
        body.extend_from_slice(br#"{"jsonrpc":"2.0","id":0,"method":"#);
        // A method name is the server's own; serializing a str into a Vec cannot fail.
        serde_json::to_writer(&mut body, &method.full_name).map_err(internal)?;
        body.extend_from_slice(br#","params":"#);
        body.extend_from_slice(args.as_bytes());
        body.push(b'}');
        let answer = self
            .server
            .call_as(&body, caller)
            .await
            .ok_or_else(|| internal("the call was not answered"))?;
        let answer: Answer = serde_json::from_slice(&answer).map_err(internal)?;
        match (answer.result, answer.error) {
            (Some(result), None) => Ok(result),
            (None, Some(error)) => Err(CallError {
                code: error.code,
                message: error.message,
                data: error.data,
            }),
            _ => Err(internal("the answer has neither a result nor an error")),
        }
    }
}

/// A JSON-RPC answer, as `Server::call_as` writes it.
#[derive(Deserialize)]
struct Answer {
    #[serde(default)]
    result: Option<Box<RawValue>>,
    #[serde(default)]
    error: Option<AnswerError>,
}

#[derive(Deserialize)]
struct AnswerError {
    code: i64,
    message: String,
    #[serde(default)]
    data: Option<Value>,
}

fn internal(why: impl std::fmt::Display) -> CallError {
    tracing::error!(%why, "MCP: invoking a method failed");
    CallError {
        code: -32603,
        message: "Internal error".to_owned(),
        data: None,
    }
}

/// `{}` (or `true`): the schema of a type discovery knows nothing about.
fn is_empty_schema(schema: &Value) -> bool {
    match schema {
        Value::Object(map) => map.keys().all(|k| k == "$schema"),
        Value::Bool(true) => true,
        _ => false,
    }
}

/// The role that stands in for a method's unset minimum. The core keeps it private; its
/// OpenRPC document states each method's effective role (`x-min-role`), so it is read from
/// there. Without discovery, the builder's default (`admin`) is assumed.
fn default_role(server: &Server) -> Role {
    let Some(unset) = server.methods().find(|m| m.def.access.min_role.is_none()) else {
        return Role::Admin;
    };
    // A caller every rule admits sees every method.
    let everyone = Caller {
        key_id: String::new(),
        name: String::new(),
        role: Role::Owner,
        projects: Vec::new(),
        scopes: Vec::new(),
    };
    let Some(document) = server.openrpc_document(Some(&everyone)) else {
        return Role::Admin;
    };
    let document: Value = match serde_json::from_str(&document) {
        Ok(document) => document,
        Err(_) => return Role::Admin,
    };
    document["methods"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|m| m["name"] == unset.full_name)
        .and_then(|m| m["x-min-role"].as_str())
        .and_then(|r| r.parse().ok())
        .unwrap_or(Role::Admin)
}
