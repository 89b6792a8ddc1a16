//! One call, the way every front end reaches a method: resolve the name, check the caller's
//! access, run the handler under a panic guard and the call timeout, and hold its result to
//! the per-result size limit. The JSON-RPC envelope runs each of its calls through the same
//! steps ([`Server::run`]). Both are observed here ([`Server::observe`]): one span and one
//! observer report per call, whichever way it came.

use std::panic::AssertUnwindSafe;

use futures_util::FutureExt;
use futures_util::future::Either;
use serde_json::Value;
use serde_json::value::RawValue;

use super::Server;
use crate::auth::Caller;
use crate::context::CallContext;
use crate::envelope::Id;
use crate::error::RpcError;
use crate::observe::Observed;
use crate::params::Params;
use crate::registry::{Answer, Invocation};
use crate::response;

impl Server {
    /// Calls `method` with `params` in the context `ctx`, and returns its result or its error:
    /// the per-call API every front end (HTTP, MCP, in-process clients) reaches methods
    /// through, with no JSON-RPC envelope to build or parse.
    ///
    /// The call gets exactly what a call inside an envelope gets:
    ///
    /// - the name is resolved as [`Server::resolve`] does (case, `_` and `-` ignored;
    ///   Leantime's five-part names): -32601 when it resolves to no mounted method;
    /// - the caller in `ctx` is checked against the method's role and scopes
    ///   ([`Server::check_access`]): -32001 when refused, or when the server authenticates and
    ///   `ctx` has no caller;
    /// - the handler binds and coerces `params` (-32602 when they do not fit), and runs under
    ///   a panic guard (a panic is -32603, logged) and the call timeout (-32000);
    /// - a result over [`Limits::max_response_bytes`](crate::Limits::max_response_bytes) is
    ///   -32000. There is no per-request budget: that belongs to a batch.
    ///
    /// The handler sees `ctx` with its method set to `method`; `ctx`'s id and headers reach it
    /// as they are.
    ///
    /// Two things belong to the JSON-RPC envelope and not to a call, so `invoke` does neither:
    ///
    /// - `rpc.discover` is not a mounted method: it is answered inside envelopes
    ///   ([`Server::answer`]) only, and here it is -32601 like any other unknown name. A front
    ///   end reads [`Server::openrpc_document`] instead.
    /// - [`ServerBuilder::scalar_results_in_arrays`](crate::ServerBuilder::scalar_results_in_arrays)
    ///   is a wire quirk of Leantime 3.8's response objects: `invoke` returns the plain result
    ///   (`42`, not `[42]`) whatever it says.
    ///
    /// ```
    /// use leanrpc::{CallContext, NoHeaders, Params, Server, rpc_service};
    /// use serde_json::value::to_raw_value;
    ///
    /// struct Math;
    ///
    /// #[rpc_service("math")]
    /// impl Math {
    ///     /// Adds two numbers.
    ///     fn add(&self, a: i64, b: i64) -> i64 {
    ///         a + b
    ///     }
    /// }
    ///
    /// # futures_executor::block_on(async {
    /// let server = Server::builder().service(Math).build().unwrap();
    /// let ctx = CallContext::new(None, &NoHeaders);
    /// let params = to_raw_value(&serde_json::json!({ "a": 2, "b": "3" })).unwrap();
    /// let result = server.invoke("math.add", Params::from_raw(&params)?, &ctx).await?;
    /// assert_eq!(result.get(), "5");
    ///
    /// let error = server.invoke("math.add", Params::NONE, &ctx).await.unwrap_err();
    /// assert_eq!(error.code().code(), -32602);
    /// # Ok::<(), leanrpc::RpcError>(())
    /// # }).unwrap();
    /// ```
    pub async fn invoke(
        &self,
        method: &str,
        params: Params<'_>,
        ctx: &CallContext<'_>,
    ) -> Result<Box<RawValue>, RpcError> {
        let out = self.invoke_bytes(method, params, ctx).await?;
        let text = String::from_utf8(out).map_err(|_| not_json(method))?;
        RawValue::from_string(text).map_err(|_| not_json(method))
    }

    /// [`Server::invoke`] for front ends that hold JSON values, such as MCP: `params` is an
    /// array, an object or `null` (no params), and the result comes back as a value.
    ///
    /// Params of any other kind (a number, a string, a boolean) are -32602.
    ///
    /// ```
    /// use leanrpc::{CallContext, NoHeaders, Server, rpc_service};
    /// use serde_json::json;
    ///
    /// struct Greeter;
    ///
    /// #[rpc_service]
    /// impl Greeter {
    ///     /// Greets someone.
    ///     fn hello(&self, name: String) -> String {
    ///         format!("Hello, {name}!")
    ///     }
    /// }
    ///
    /// # futures_executor::block_on(async {
    /// let server = Server::builder().service(Greeter).build().unwrap();
    /// let ctx = CallContext::new(None, &NoHeaders);
    /// let result = server.invoke_value("hello", json!(["Ada"]), &ctx).await?;
    /// assert_eq!(result, json!("Hello, Ada!"));
    /// # Ok::<(), leanrpc::RpcError>(())
    /// # }).unwrap();
    /// ```
    pub async fn invoke_value(
        &self,
        method: &str,
        params: Value,
        ctx: &CallContext<'_>,
    ) -> Result<Value, RpcError> {
        let raw = match &params {
            Value::Null => None,
            Value::Array(_) | Value::Object(_) => {
                Some(serde_json::value::to_raw_value(&params).map_err(|_| RpcError::internal())?)
            }
            _ => {
                return Err(RpcError::invalid_params(
                    "params must be an array, an object or null",
                ));
            }
        };
        let params = raw.as_deref().map_or(Params::NONE, Params::new);
        let out = self.invoke_bytes(method, params, ctx).await?;
        serde_json::from_slice(&out).map_err(|_| not_json(method))
    }

    /// One call's result as JSON text: `null` for a handler that wrote nothing, refused when
    /// over the per-result limit.
    async fn invoke_bytes(
        &self,
        method: &str,
        params: Params<'_>,
        ctx: &CallContext<'_>,
    ) -> Result<Vec<u8>, RpcError> {
        let mut out = Vec::with_capacity(128);
        match self.observe(method, ctx.id, ctx.caller) {
            None => self.run_capped(method, params, ctx, &mut out).await?,
            Some(observed) => {
                observed
                    .wrap(self.run_capped(method, params, ctx, &mut out))
                    .await?
            }
        }
        Ok(out)
    }

    /// [`Server::run`], then `null` for a handler that wrote nothing, and the per-result limit.
    async fn run_capped(
        &self,
        method: &str,
        params: Params<'_>,
        ctx: &CallContext<'_>,
        out: &mut Vec<u8>,
    ) -> Result<(), RpcError> {
        self.run(method, params, ctx, out).await?;
        if out.is_empty() {
            out.extend_from_slice(b"null");
        }
        let limit = self.inner.limits.max_response_bytes;
        if out.len() > limit {
            return Err(response::over_result_cap(limit));
        }
        Ok(())
    }

    /// The observation of the call of `method` (as the client sent it) with `id` by `caller`:
    /// its span and the server's observer. The one place every call goes through, from an
    /// envelope or from [`Server::invoke`] ([`crate::observe`]). `None` when neither a
    /// subscriber nor an observer wants it: the caller then awaits the call as it is.
    pub(super) fn observe<'a>(
        &'a self,
        method: &'a str,
        id: Option<Id<'a>>,
        caller: Option<&'a Caller>,
    ) -> Option<Observed<'a>> {
        Observed::new(self, method, id, caller, self.inner.observer.as_deref())
    }

    /// Resolves `method`, checks access, and runs its handler under the panic guard and the
    /// call timeout, appending the result's JSON to `out`.
    pub(super) async fn run(
        &self,
        method: &str,
        params: Params<'_>,
        ctx: &CallContext<'_>,
        out: &mut Vec<u8>,
    ) -> Result<(), RpcError> {
        let index = self
            .resolve_index(method)
            .ok_or_else(RpcError::method_not_found)?;
        let bound = &self.inner.methods[index];
        self.permit(bound.def, ctx.caller)?;
        let ctx = CallContext { method, ..*ctx };
        let invocation = Invocation {
            params,
            ctx: &ctx,
            out,
        };
        let started = std::panic::catch_unwind(AssertUnwindSafe(|| {
            (bound.def.handler)(&*bound.instance, invocation)
        }));
        let future = match started {
            Ok(Answer::Ready(result)) => return result,
            Ok(Answer::Pending(future)) => future,
            Err(_) => return Err(panicked(&bound.full_name)),
        };
        let guarded = AssertUnwindSafe(future).catch_unwind();
        let finished = match &self.inner.call_timeout {
            None => guarded.await,
            Some(timeout) => {
                let expired = timeout.timer.sleep(timeout.limit);
                match futures_util::future::select(std::pin::pin!(guarded), expired).await {
                    Either::Left((finished, _)) => finished,
                    Either::Right(((), _)) => {
                        // Dropping the handler's future cancels it and frees what it held.
                        tracing::warn!(method = %bound.full_name, "call timed out; answered -32000");
                        return Err(RpcError::server_error().data(format!(
                            "the call did not finish within {} ms",
                            timeout.limit.as_millis()
                        )));
                    }
                }
            }
        };
        finished.unwrap_or_else(|_| Err(panicked(&bound.full_name)))
    }
}

fn panicked(method: &str) -> RpcError {
    tracing::error!(%method, "handler panicked; answered -32603");
    RpcError::internal()
}

/// A handler wrote something that is not JSON (only a hand-written one can).
#[cold]
fn not_json(method: &str) -> RpcError {
    tracing::error!(%method, "handler wrote a result that is not JSON; answered -32603");
    RpcError::internal()
}
