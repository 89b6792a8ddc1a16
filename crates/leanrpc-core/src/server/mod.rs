//! The dispatcher: mounted services, name resolution, access checks, and the calls themselves,
//! reached one at a time ([`Server::invoke`]) or as JSON-RPC envelopes ([`Server::answer`]).
//!
//! It knows nothing of HTTP: `leanrpc-http` maps HTTP requests onto it, and any other front end
//! (MCP, in-process clients) calls it the same way.
//!
//! One file per job, each with its own `impl Server`:
//!
//! - `build.rs`: [`ServerBuilder`] and [`BuildError`];
//! - `resolve.rs`: a name as a client sent it to the method it calls;
//! - `access.rs`: who may call what ([`Server::check_access`], [`Server::callable`]) and the
//!   per-key rate ([`Server::charge`]);
//! - `invoke.rs`: one call ([`Server::invoke`]): access check, then the handler under a panic
//!   guard and the call timeout, then the per-result size limit;
//! - `batch.rs`: envelopes ([`Server::decode`], [`Server::answer`]): batches, notifications,
//!   `rpc.discover`, the response budget, and the response objects.

use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::BoxFuture;
use crate::auth::{Authenticator, Caller, Role};
use crate::discover::{Api, RenderedPage};
use crate::limits::Limits;
use crate::observe::CallObserver;
use crate::registry::MethodDef;

mod access;
mod batch;
mod build;
mod invoke;
mod resolve;

pub use build::{BuildError, ServerBuilder};

/// Method names to indexes into `Inner::methods`. The keys are the server's own names, fixed at
/// build time, so a client only picks what is looked up, never the table's layout: a fast
/// hasher is safe here, and SipHash was 5 % of a call.
type MethodTable = HashMap<Box<str>, usize, foldhash::fast::RandomState>;

/// A method bound to the service instance that serves it.
struct Bound {
    def: &'static MethodDef,
    instance: Arc<dyn Any + Send + Sync>,
    full_name: String,
}

struct Inner {
    methods: Vec<Bound>,
    exact: MethodTable,
    normalized: MethodTable,
    namespace_norm: Option<String>,
    path: String,
    limits: Limits,
    auth: Option<Arc<dyn Authenticator>>,
    default_role: Role,
    call_timeout: Option<CallTimeout>,
    /// The discovery model (always built: front ends read it even where `rpc.discover` is off).
    api: Api,
    discovery: bool,
    /// The rendered reference page and its policy, when a renderer was given.
    page: Option<RenderedPage>,
    /// Leantime 3.8's result shape: scalars answered as one-element arrays.
    scalar_results_in_arrays: bool,
    /// Sees every call ([`crate::observe`]).
    observer: Option<Arc<dyn CallObserver>>,
}

/// A built JSON-RPC server: cheap to clone, shared by every connection and every front end.
#[derive(Clone)]
pub struct Server {
    inner: Arc<Inner>,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("path", &self.inner.path)
            .field("methods", &self.method_names().collect::<Vec<_>>())
            .field("limits", &self.inner.limits)
            .field("auth", &self.inner.auth.is_some())
            .finish()
    }
}

/// A mounted method, as [`Server::methods`], [`Server::resolve`] and [`Server::callable`]
/// give it.
#[derive(Debug, Clone, Copy)]
pub struct MountedMethod<'a> {
    /// The canonical full name (`leantime.rpc.tickets.getTicket`).
    pub full_name: &'a str,
    /// The method's definition.
    pub def: &'static MethodDef,
}

/// A sleep source for per-call timeouts, so the core stays free of any async runtime
/// (`leanrpc-http` provides one for tokio behind its `tokio` feature).
pub trait Timer: Send + Sync + 'static {
    /// A future that completes after `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
}

struct CallTimeout {
    timer: Arc<dyn Timer>,
    limit: Duration,
}

impl Server {
    /// Starts building a server.
    pub fn builder() -> ServerBuilder {
        ServerBuilder::default()
    }

    /// Every mounted method, in mounting order.
    pub fn methods(&self) -> impl Iterator<Item = MountedMethod<'_>> {
        (0..self.inner.methods.len()).map(|i| self.mounted(i))
    }

    /// The canonical full name of every mounted method.
    pub fn method_names(&self) -> impl Iterator<Item = &str> {
        self.inner.methods.iter().map(|b| b.full_name.as_str())
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.inner.limits
    }

    /// The endpoint path an HTTP front end serves (default `/api/jsonrpc`).
    pub fn path(&self) -> &str {
        &self.inner.path
    }

    /// The OpenRPC document `rpc.discover` answers `caller` with (on a server that
    /// authenticates, `None` as caller sees no methods); `None` when discovery is off.
    pub fn openrpc_document(&self, caller: Option<&Caller>) -> Option<String> {
        self.inner.discovery.then(|| self.inner.api.openrpc(caller))
    }

    /// The discovery model: every mounted method with its params, schemas, errors, role and
    /// scopes, built with the server whatever `discovery` and `reference_page` say (they only
    /// decide what is served over HTTP). Front ends (MCP, client generators) read it.
    pub fn api(&self) -> &Api {
        &self.inner.api
    }

    /// The rendered reference page, the same for every request; `None` without a page
    /// renderer ([`ServerBuilder::reference_page`]).
    pub fn reference_html(&self) -> Option<&str> {
        self.inner.page.as_ref().map(|page| page.html.as_str())
    }

    /// The Content-Security-Policy the reference page is served with: no script, style sheet
    /// or image from anywhere, the inline style, and only the inline scripts whose hashes the
    /// renderer names ([`PageRenderer::script_hashes`](crate::discover::PageRenderer::script_hashes)),
    /// which may call this origin only. `None` without a page renderer.
    pub fn reference_csp(&self) -> Option<&str> {
        self.inner.page.as_ref().map(|page| page.csp.as_str())
    }

    /// The method at `index` of the method list.
    fn mounted(&self, index: usize) -> MountedMethod<'_> {
        let b = &self.inner.methods[index];
        MountedMethod {
            full_name: &b.full_name,
            def: b.def,
        }
    }
}
