//! Per-call instrumentation: one span per call, and a [`CallObserver`] hook for metrics.
//!
//! Every call the server runs (a batch's items each on their own, notifications too, and calls
//! through [`Server::invoke`] from front ends such as MCP) goes through one place in the
//! dispatcher (`server/invoke.rs`). It:
//!
//! - opens a `tracing` span named `rpc.call` (target `leanrpc::call`, level INFO) following
//!   OpenTelemetry's JSON-RPC server conventions: `otel.name` and `rpc.method` are the
//!   method's canonical name, `rpc.system.name` is `jsonrpc`, `jsonrpc.request.id` the id
//!   (absent for notifications and `null`), `rpc.response.status_code` and `error.type` the
//!   error code as a string when the call failed, and `leanrpc.api_key.id` the caller's key id
//!   (never its secret). The span is created in whatever span is current, so under an HTTP
//!   request's span the calls of a batch are its children, siblings of each other;
//! - calls the server's [`CallObserver`], if one was set with
//!   `ServerBuilder::observer`, when the call starts and when it ends (also when it is
//!   cancelled: its future dropped because the client went away).
//!
//! With no observer and no subscriber interested in the span, a call costs one check more.
//!
//! Names a client sends are not trusted as labels: a name that resolves to no mounted method is
//! reported as [`OTHER_METHOD`] (`_OTHER`, as OpenTelemetry prescribes), with the name as sent
//! in `rpc.method_original` (cut to [`MAX_ATTRIBUTE_LEN`] bytes). Metrics built from
//! [`CallInfo::method_label`] therefore have at most one label per mounted method, plus
//! `rpc.discover` and `_OTHER`, whatever clients send.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};

use tracing::field::Empty;

use crate::auth::Caller;
use crate::envelope::Id;
use crate::error::{ErrorCode, RpcError};
use crate::server::Server;

/// The method label of calls to names that match no mounted method (OpenTelemetry's `_OTHER`).
pub const OTHER_METHOD: &str = "_OTHER";

/// The longest text taken from a request into a span attribute (the method name as sent, the
/// request id): longer text is cut at a character boundary.
pub const MAX_ATTRIBUTE_LEN: usize = 128;

/// Sees every call the server runs: the plug-in point for metrics
/// (`ServerBuilder::observer`; `leanrpc-telemetry` holds a Prometheus one).
///
/// For each call, [`on_call_start`](Self::on_call_start) is called once before anything of the
/// call runs (authorization included) and [`on_call_end`](Self::on_call_end) exactly once after
/// it, also when the call is cancelled. Both run on the request's task, so they must be quick
/// and must not block.
pub trait CallObserver: Send + Sync + 'static {
    /// A call starts.
    fn on_call_start(&self, call: &CallInfo<'_>);

    /// A call ended (or was cancelled: see [`CallOutcome::completed`]).
    fn on_call_end(&self, call: &CallInfo<'_>, outcome: &CallOutcome);

    /// A batch of `len` items arrives (before any of its calls starts). The default does
    /// nothing.
    fn on_batch(&self, len: usize) {
        let _ = len;
    }
}

/// What an observer learns of a call.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct CallInfo<'a> {
    /// The canonical name of the mounted method called (or `rpc.discover`); `None` when the
    /// name matches no method.
    pub method: Option<&'a str>,
    /// The method name as the client sent it: untrusted, of any length.
    pub requested: &'a str,
    /// The request id; `None` for a notification.
    pub id: Option<Id<'a>>,
    /// The authenticated caller, on a server that authenticates.
    pub caller: Option<&'a Caller>,
}

impl<'a> CallInfo<'a> {
    /// The method as a label of bounded cardinality: the canonical name, or [`OTHER_METHOD`].
    pub fn method_label(&self) -> &'a str {
        self.method.unwrap_or(OTHER_METHOD)
    }
}

/// How a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallOutcome {
    /// The error code answered; `None` when the call succeeded (or was cancelled).
    pub error: Option<ErrorCode>,
    /// From the start of the call to its end.
    pub elapsed: Duration,
    /// `false` when the call was cancelled before it finished (its future dropped).
    pub completed: bool,
}

/// One call being observed: its span and, when set, the observer.
pub(crate) struct Observed<'a> {
    span: tracing::Span,
    observer: Option<&'a dyn CallObserver>,
    info: CallInfo<'a>,
}

impl<'a> Observed<'a> {
    /// Prepares the observation of the call of `requested` (the name as the client sent it)
    /// with `id` on `server`; `observer` is the server's. `None` when nothing observes the
    /// call (no subscriber wants its span, no observer): the call is then awaited as it is.
    pub(crate) fn new(
        server: &'a Server,
        requested: &'a str,
        id: Option<Id<'a>>,
        caller: Option<&'a Caller>,
        observer: Option<&'a dyn CallObserver>,
    ) -> Option<Self> {
        let span = tracing::info_span!(
            target: "leanrpc::call",
            "rpc.call",
            otel.name = Empty,
            otel.kind = "server",
            otel.status_code = Empty,
            "rpc.system.name" = "jsonrpc",
            "rpc.method" = Empty,
            "rpc.method_original" = Empty,
            "jsonrpc.protocol.version" = "2.0",
            "jsonrpc.request.id" = Empty,
            "rpc.response.status_code" = Empty,
            "error.type" = Empty,
            "leanrpc.api_key.id" = Empty,
        );
        if span.is_disabled() && observer.is_none() {
            return None;
        }
        let method = if requested == crate::discover::DISCOVER_METHOD {
            Some(crate::discover::DISCOVER_METHOD)
        } else {
            server.resolve(requested).map(|m| m.full_name)
        };
        let info = CallInfo {
            method,
            requested,
            id,
            caller,
        };
        if !span.is_disabled() {
            let label = info.method_label();
            span.record("otel.name", label);
            span.record("rpc.method", label);
            if method != Some(requested) {
                span.record("rpc.method_original", cut(requested));
            }
            if let Some(id) = id.filter(|id| !id.is_null()) {
                span.record("jsonrpc.request.id", id_text(id).as_str());
            }
            if let Some(caller) = caller {
                span.record("leanrpc.api_key.id", caller.key_id());
            }
        }
        Some(Self {
            span,
            observer,
            info,
        })
    }

    /// `call`, observed: told to the observer as started now, polled inside the span, and
    /// told as ended when it finishes or is dropped unfinished.
    pub(crate) fn wrap<F>(self, call: F) -> ObservedCall<'a, F> {
        if let Some(observer) = self.observer {
            observer.on_call_start(&self.info);
        }
        let end = End {
            observed: self,
            started: Instant::now(),
            error: None,
            completed: false,
        };
        ObservedCall {
            call,
            end: Some(end),
        }
    }
}

pin_project_lite::pin_project! {
    /// A call's future with its observation ([`Observed::wrap`]): one layer, so the call's
    /// future is not moved through further futures of its own.
    pub(crate) struct ObservedCall<'a, F> {
        #[pin]
        call: F,
        // Taken (and so ended) when the call finishes.
        end: Option<End<'a>>,
    }
}

impl<F: Future<Output = Result<(), RpcError>>> Future for ObservedCall<'_, F> {
    type Output = Result<(), RpcError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let Some(end) = this.end.as_mut() else {
            return this.call.poll(cx);
        };
        let result = {
            let _entered = end.observed.span.enter();
            ready!(this.call.poll(cx))
        };
        end.completed = true;
        end.error = result.as_ref().err().map(RpcError::code);
        // Ended now, not when the finished future is dropped.
        *this.end = None;
        Poll::Ready(result)
    }
}

/// Ends an observed call when dropped: after it finished, or when it was cancelled.
struct End<'a> {
    observed: Observed<'a>,
    started: Instant,
    error: Option<ErrorCode>,
    completed: bool,
}

impl Drop for End<'_> {
    fn drop(&mut self) {
        let observed = &self.observed;
        if let Some(code) = self.error {
            let code = code.code().to_string();
            observed
                .span
                .record("rpc.response.status_code", code.as_str());
            observed.span.record("error.type", code.as_str());
            observed.span.record("otel.status_code", "ERROR");
        } else if !self.completed {
            observed.span.record("error.type", "cancelled");
        }
        if let Some(observer) = observed.observer {
            observer.on_call_end(
                &observed.info,
                &CallOutcome {
                    error: self.error,
                    elapsed: self.started.elapsed(),
                    completed: self.completed,
                },
            );
        }
    }
}

/// `text` cut to at most [`MAX_ATTRIBUTE_LEN`] bytes, at a character boundary.
fn cut(text: &str) -> &str {
    if text.len() <= MAX_ATTRIBUTE_LEN {
        return text;
    }
    let mut end = MAX_ATTRIBUTE_LEN;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// An id as OpenTelemetry records it: a string's contents, a number's text; cut to
/// [`MAX_ATTRIBUTE_LEN`] bytes.
fn id_text(id: Id<'_>) -> String {
    let json = id.as_json();
    let text = if json.starts_with('"') {
        serde_json::from_str::<String>(json).unwrap_or_else(|_| json.to_owned())
    } else {
        json.to_owned()
    };
    cut(&text).to_owned()
}

impl fmt::Debug for dyn CallObserver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CallObserver")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_at_a_character_boundary() {
        let text = "é".repeat(100);
        let cut = cut(&text);
        assert!(cut.len() <= MAX_ATTRIBUTE_LEN && cut.len() >= MAX_ATTRIBUTE_LEN - 1);
        assert!(text.starts_with(cut));
        assert_eq!(super::cut("short"), "short");
    }

    #[test]
    fn ids_are_recorded_as_text() {
        for (body, want) in [
            (r#"{"jsonrpc":"2.0","method":"m","id":"req\"7"}"#, "req\"7"),
            (r#"{"jsonrpc":"2.0","method":"m","id":42}"#, "42"),
        ] {
            let envelope = crate::envelope::parse(body.as_bytes(), 64, 10).unwrap();
            let crate::envelope::Envelope::Single(crate::envelope::Item::Call(call)) = envelope
            else {
                panic!("{body}");
            };
            assert_eq!(id_text(call.id.unwrap()), want);
        }
    }
}
