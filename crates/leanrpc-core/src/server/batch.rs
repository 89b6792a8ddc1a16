//! JSON-RPC envelopes: a body decoded under the limits, and a single request or a batch
//! answered into one response buffer, in request order, within the response budget.
//! Notifications, `rpc.discover` and Leantime 3.8's scalar results are envelope matters; each
//! call itself runs through [`Server::run`], as [`Server::invoke`] does.

use std::future::Future;
use std::task::{Context, Poll, Waker};

use futures_util::StreamExt;

use super::Server;
use crate::auth::Caller;
use crate::context::{CallContext, HeaderSource, NoHeaders};
use crate::discover;
use crate::envelope::{self, Call, Envelope, Item};
use crate::error::RpcError;
use crate::params::Params;
use crate::response::{self, ResponseBudget};

impl Server {
    /// Answers a request body in process, with no HTTP and no authentication: `None` when
    /// there is nothing to answer (notifications only).
    pub async fn call(&self, body: impl AsRef<[u8]>) -> Option<Vec<u8>> {
        self.call_as(body, None).await
    }

    /// Answers a request body in process as `caller`.
    pub async fn call_as(
        &self,
        body: impl AsRef<[u8]>,
        caller: Option<&Caller>,
    ) -> Option<Vec<u8>> {
        let out = match self.decode(body.as_ref()) {
            Ok(envelope) => self.answer(&envelope, caller, &NoHeaders).await,
            Err(error) => response::error_body(&error, None),
        };
        (!out.is_empty()).then_some(out)
    }

    /// Decodes a request body under this server's limits
    /// ([`max_depth`](crate::Limits::max_depth), [`max_batch_len`](crate::Limits::max_batch_len)),
    /// borrowing from `body`.
    ///
    /// `Err` is the error the whole body is answered with (-32700 or -32600), with a `null`
    /// id: write it with [`response::error_body`]. A body that
    /// decodes may still hold invalid requests; [`Server::answer`] answers each with -32600.
    ///
    /// ```
    /// use leanrpc::{Envelope, Server};
    ///
    /// let server = Server::builder().build()?;
    /// let batch = server.decode(br#"[{"jsonrpc":"2.0","method":"a","id":1}, 7]"#).unwrap();
    /// assert!(matches!(batch, Envelope::Batch(items) if items.len() == 2));
    /// assert_eq!(server.decode(b"{").unwrap_err().code().code(), -32700);
    /// # Ok::<(), leanrpc::BuildError>(())
    /// ```
    pub fn decode<'b>(&self, body: &'b [u8]) -> Result<Envelope<'b>, RpcError> {
        let limits = &self.inner.limits;
        envelope::parse(body, limits.max_depth, limits.max_batch_len).map_err(RpcError::from)
    }

    /// Answers a decoded envelope as `caller`, with `headers` for handlers that read request
    /// headers: the complete response body, or an empty buffer when there is nothing to
    /// answer (notifications only).
    ///
    /// Each call runs as [`Server::invoke`] runs it. On top, the envelope answers
    /// `rpc.discover` (when discovery is on), runs notifications without answering them,
    /// answers invalid requests with -32600, runs the calls of a batch concurrently (at most
    /// [`batch_concurrency`](crate::Limits::batch_concurrency) waiting at once) with answers in
    /// request order, charges their results to the request's
    /// [`max_total_response_bytes`](crate::Limits::max_total_response_bytes), and applies
    /// [`scalar_results_in_arrays`](crate::ServerBuilder::scalar_results_in_arrays).
    ///
    /// Authentication and the per-key rate are the front end's: it authenticates the request
    /// once and [charges](Server::charge) all its calls before answering.
    ///
    /// ```
    /// use leanrpc::{NoHeaders, Server};
    ///
    /// # futures_executor::block_on(async {
    /// let server = Server::builder().build()?;
    /// let envelope = server.decode(br#"{"jsonrpc":"2.0","method":"nope","id":"a"}"#).unwrap();
    /// let answer = server.answer(&envelope, None, &NoHeaders).await;
    /// assert_eq!(
    ///     String::from_utf8(answer).unwrap(),
    ///     r#"{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":"a"}"#
    /// );
    /// # Ok::<(), leanrpc::BuildError>(())
    /// # }).unwrap();
    /// ```
    pub async fn answer(
        &self,
        envelope: &Envelope<'_>,
        caller: Option<&Caller>,
        headers: &dyn HeaderSource,
    ) -> Vec<u8> {
        let budget = ResponseBudget::new(self.inner.limits.max_total_response_bytes);
        match envelope {
            Envelope::Single(item) => {
                let mut out = Vec::with_capacity(128);
                self.answer_item(item, caller, headers, &budget, &mut out)
                    .await;
                out
            }
            Envelope::Batch(items) => {
                if let Some(observer) = &self.inner.observer {
                    observer.on_batch(items.len());
                }
                self.answer_batch(items, caller, headers, &budget).await
            }
        }
    }

    /// Answers a batch, writing each answer in request order straight into the buffer that
    /// becomes the response body: no answer is kept apart and copied again to join them.
    ///
    /// Each call receives the buffer written so far, appends its answer and hands it back.
    /// A call that has to wait keeps the buffer it holds (it is the segment of the response
    /// that ends with its answer), and the calls after it start a new segment; the segments
    /// are joined once every call is done, so only answers that follow a waiting call are
    /// copied once more.
    async fn answer_batch(
        &self,
        items: &[Item<'_>],
        caller: Option<&Caller>,
        headers: &dyn HeaderSource,
        budget: &ResponseBudget,
    ) -> Vec<u8> {
        let limit = self.inner.limits.batch_concurrency.max(1);
        let mut current = Vec::with_capacity(items.len().saturating_mul(64).saturating_add(2));
        current.push(b'[');
        let mut segments: Vec<Vec<u8>> = Vec::new();
        let mut answered = false;
        let mut waiting = Vec::new();
        for item in items {
            // Whether a call is answered is known before it runs, so the separator goes in
            // before its answer, in place.
            if is_answered(item) {
                if answered {
                    current.push(b',');
                }
                answered = true;
            }
            let out = std::mem::take(&mut current);
            let mut call = Box::pin(self.answer_into(item, caller, headers, budget, out));
            // Each call runs inline until it first waits, so a batch of calls that never wait
            // costs no scheduling at all. Calls that wait join a queue that runs at most
            // `limit` at a time; once `limit` calls are waiting, the rest are queued without
            // being started.
            if waiting.len() < limit {
                let mut cx = Context::from_waker(Waker::noop());
                if let Poll::Ready(out) = call.as_mut().poll(&mut cx) {
                    current = out;
                    continue;
                }
            }
            waiting.push((segments.len(), call));
            segments.push(Vec::new());
        }
        segments.push(current);
        if !waiting.is_empty() {
            // Built before the first await, so no closure type is held across it
            // (which would make Send-ness depend on lifetimes the compiler cannot prove).
            let tasks: Vec<_> = waiting
                .into_iter()
                .map(|(segment, call)| async move { (segment, call.await) })
                .collect();
            let mut done = futures_util::stream::iter(tasks).buffer_unordered(limit);
            while let Some((segment, out)) = done.next().await {
                segments[segment] = out;
            }
        }
        if !answered {
            return Vec::new();
        }
        let mut segments = segments.into_iter();
        let mut out = segments.next().unwrap_or_default();
        let rest = segments.as_slice().iter().map(Vec::len).sum::<usize>();
        out.reserve_exact(rest + 1);
        for segment in segments {
            out.extend_from_slice(&segment);
        }
        out.push(b']');
        out
    }

    /// Appends the answer to `item` to `out` and hands `out` back.
    async fn answer_into(
        &self,
        item: &Item<'_>,
        caller: Option<&Caller>,
        headers: &dyn HeaderSource,
        budget: &ResponseBudget,
        mut out: Vec<u8>,
    ) -> Vec<u8> {
        self.answer_item(item, caller, headers, budget, &mut out)
            .await;
        out
    }

    async fn answer_item(
        &self,
        item: &Item<'_>,
        caller: Option<&Caller>,
        headers: &dyn HeaderSource,
        budget: &ResponseBudget,
        out: &mut Vec<u8>,
    ) {
        match item {
            Item::Invalid { id, why } => {
                tracing::debug!(reason = why.reason(), "invalid request");
                response::write_error(out, &RpcError::invalid_request(), *id);
            }
            Item::Call(call) => self.answer_call(call, caller, headers, budget, out).await,
        }
    }

    async fn answer_call(
        &self,
        call: &Call<'_>,
        caller: Option<&Caller>,
        headers: &dyn HeaderSource,
        budget: &ResponseBudget,
        out: &mut Vec<u8>,
    ) {
        let Some(id) = call.id else {
            // A notification runs where the method exists, and is never answered.
            let _ = self.execute(call, caller, headers, &mut Vec::new()).await;
            return;
        };
        let start = out.len();
        out.extend_from_slice(response::RESULT_PREFIX);
        let mut outcome = self.execute(call, caller, headers, out).await;
        if outcome.is_ok() && out.len() == start + response::RESULT_PREFIX.len() {
            // A hand-written handler that wrote nothing still answers valid JSON.
            out.extend_from_slice(b"null");
        }
        if outcome.is_ok() && self.inner.scalar_results_in_arrays {
            response::scalar_in_array(out, start + response::RESULT_PREFIX.len());
        }
        if outcome.is_ok() {
            let result_len = out.len() - start - response::RESULT_PREFIX.len();
            outcome = budget.charge(result_len, self.inner.limits.max_response_bytes);
        }
        match outcome {
            Ok(()) => response::close_result(out, id),
            Err(error) => {
                out.truncate(start);
                // A refused result can leave megabytes of capacity behind; a call that waited
                // keeps its buffer until the whole batch is done, so give them back now.
                if out.capacity() - out.len() > SPARE_AFTER_REFUSAL {
                    out.shrink_to(out.len() + 1024);
                }
                response::write_error(out, &error, Some(id));
            }
        }
    }

    /// Runs one call of an envelope, observed ([`Server::observe`]).
    async fn execute(
        &self,
        call: &Call<'_>,
        caller: Option<&Caller>,
        headers: &dyn HeaderSource,
        out: &mut Vec<u8>,
    ) -> Result<(), RpcError> {
        // Unobserved, the call's future is made in the await itself, not moved into a
        // wrapper: a few hundred bytes less to copy per call.
        match self.observe(&call.method, call.id, caller) {
            None => self.dispatch(call, caller, headers, out).await,
            Some(observed) => {
                observed
                    .wrap(self.dispatch(call, caller, headers, out))
                    .await
            }
        }
    }

    /// Runs one call of an envelope: `rpc.discover` here, every other name through
    /// [`Server::run`].
    async fn dispatch(
        &self,
        call: &Call<'_>,
        caller: Option<&Caller>,
        headers: &dyn HeaderSource,
        out: &mut Vec<u8>,
    ) -> Result<(), RpcError> {
        if self.inner.discovery && call.method == discover::DISCOVER_METHOD {
            return self.discover(call, caller, out);
        }
        let ctx = CallContext::new(caller, headers).with_id(call.id);
        self.run(&call.method, call.params, &ctx, out).await
    }

    /// Answers `rpc.discover`: like any method, it needs a caller when the server
    /// authenticates; it takes no params.
    fn discover(
        &self,
        call: &Call<'_>,
        caller: Option<&Caller>,
        out: &mut Vec<u8>,
    ) -> Result<(), RpcError> {
        if self.inner.auth.is_some() && caller.is_none() {
            return Err(RpcError::unauthorized());
        }
        if !no_params(call.params) {
            return Err(RpcError::invalid_params(format!(
                "{} takes no params",
                discover::DISCOVER_METHOD
            )));
        }
        let document = self
            .openrpc_document(caller)
            .ok_or_else(RpcError::method_not_found)?;
        out.extend_from_slice(document.as_bytes());
        Ok(())
    }
}

/// Whether params are absent, `[]` or `{}`.
fn no_params(params: Params<'_>) -> bool {
    match params.raw() {
        None => true,
        Some(raw) => {
            let inner = raw.get().trim();
            inner.len() >= 2 && inner[1..inner.len() - 1].trim().is_empty()
        }
    }
}

/// Spare capacity a response buffer may keep after a result was refused (1 MiB).
const SPARE_AFTER_REFUSAL: usize = 1024 * 1024;

/// Whether `item` gets an answer (everything but a notification does).
fn is_answered(item: &Item<'_>) -> bool {
    !matches!(item, Item::Call(call) if call.is_notification())
}
