//! The server: mounted services, name resolution, and dispatch of envelopes to handlers.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use futures_util::future::Either;
use futures_util::{FutureExt, StreamExt};

use crate::BoxFuture;
use crate::auth::{Authenticator, Caller, Role};
use crate::context::{CallContext, HeaderSource, NoHeaders};
use crate::discover::{self, Api, PageRenderer};
use crate::envelope::{self, Call, Envelope, Item};
use crate::error::RpcError;
use crate::limits::Limits;
use crate::observe::{CallObserver, Observed};
use crate::params::Params;
use crate::registry::{self, Answer, Invocation, MethodDef, RpcService};
use crate::response::{self, ResponseBudget};

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
    pub(crate) path: String,
    pub(crate) limits: Limits,
    pub(crate) auth: Option<Arc<dyn Authenticator>>,
    default_role: Role,
    call_timeout: Option<CallTimeout>,
    /// The discovery model (always built: front ends read it even where `rpc.discover` is off).
    api: Api,
    discovery: bool,
    /// The rendered reference page and its policy, when a renderer was given.
    page: Option<discover::RenderedPage>,
    /// Leantime 3.8's result shape: scalars answered as one-element arrays.
    scalar_results_in_arrays: bool,
    /// Sees every call ([`crate::observe`]).
    observer: Option<Arc<dyn CallObserver>>,
}

/// A built JSON-RPC server: cheap to clone, shared by every connection.
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

/// A mounted method, as [`Server::methods`] lists it.
#[derive(Debug, Clone, Copy)]
pub struct MountedMethod<'a> {
    /// The canonical full name (`leantime.rpc.tickets.getTicket`).
    pub full_name: &'a str,
    /// The method's definition.
    pub def: &'static MethodDef,
}

/// Why a server could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildError {
    /// Two mounted methods answer to the same name under the matching rules.
    Collision {
        /// The name both answer to, in matching form.
        name: String,
        /// Where the first one is defined.
        first: String,
        /// Where the second one is defined.
        second: String,
    },
    /// A service was mounted but the link-time registry holds none of its methods.
    NotRegistered {
        /// The service type.
        type_name: &'static str,
    },
    /// A service was mounted twice.
    DuplicateService {
        /// The service type.
        type_name: &'static str,
    },
    /// The public URL given to [`ServerBuilder::public_url`] is not an `http(s)://` URL.
    PublicUrl {
        /// The value given.
        url: String,
    },
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Collision {
                name,
                first,
                second,
            } => write!(
                f,
                "two methods answer to `{name}` (names match ignoring case, `_` and `-`): {first} and {second}; \
                 rename one with #[rpc(name = \"...\")]"
            ),
            BuildError::NotRegistered { type_name } => write!(
                f,
                "service `{type_name}` is mounted but none of its methods reached the link-time registry \
                 (the linker dropped them); mount it with `.service_explicit(...)` instead"
            ),
            BuildError::DuplicateService { type_name } => {
                write!(f, "service `{type_name}` is mounted twice")
            }
            BuildError::PublicUrl { url } => write!(
                f,
                "public URL `{url}` must start with `http://` or `https://` and hold no spaces \
                 or control characters (for example `https://api.example.com`)"
            ),
        }
    }
}

impl std::error::Error for BuildError {}

/// A service instance waiting to be bound, with the methods found for its type.
struct Mount {
    type_id: TypeId,
    type_name: &'static str,
    instance: Arc<dyn Any + Send + Sync>,
    defs: Vec<&'static MethodDef>,
}

/// Builds a [`Server`]: namespace, path, limits, auth, and the mounted services.
pub struct ServerBuilder {
    namespace: Option<String>,
    path: String,
    limits: Limits,
    auth: Option<Arc<dyn Authenticator>>,
    default_role: Role,
    call_timeout: Option<CallTimeout>,
    services: Vec<Mount>,
    discovery: bool,
    reference_page: Option<Box<dyn PageRenderer>>,
    title: Option<String>,
    version: String,
    scalar_results_in_arrays: bool,
    public_url: Option<String>,
    observer: Option<Arc<dyn CallObserver>>,
}

impl fmt::Debug for ServerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerBuilder")
            .field("namespace", &self.namespace)
            .field("path", &self.path)
            .field("limits", &self.limits)
            .field(
                "services",
                &self
                    .services
                    .iter()
                    .map(|s| s.type_name)
                    .collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl Default for ServerBuilder {
    fn default() -> Self {
        Self {
            namespace: None,
            path: "/api/jsonrpc".to_owned(),
            limits: Limits::default(),
            auth: None,
            default_role: Role::Admin,
            call_timeout: None,
            services: Vec::new(),
            discovery: true,
            reference_page: None,
            title: None,
            version: "0.0.0".to_owned(),
            scalar_results_in_arrays: false,
            public_url: None,
            observer: None,
        }
    }
}

impl ServerBuilder {
    /// Prefixes every method name with `namespace` (Leantime uses `leantime.rpc`).
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into()).filter(|n| !n.is_empty());
        self
    }

    /// The endpoint path (default `/api/jsonrpc`), matched ignoring case and a trailing slash.
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    /// Replaces the resource limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Requires every HTTP request to authenticate with `auth`. Without this, the endpoint is open.
    pub fn authenticator(mut self, auth: impl Authenticator) -> Self {
        self.auth = Some(Arc::new(auth));
        self
    }

    /// The minimum role for methods that declare none (default `admin`: a method nobody
    /// annotated is reachable only by administrators, never by accident).
    pub fn default_role(mut self, role: Role) -> Self {
        self.default_role = role;
        self
    }

    /// Answers a call that runs longer than `limit` with -32000 and cancels it (its future is
    /// dropped). `timer` supplies the sleep; `leanrpc_hyper::Tokio` (re-exported as
    /// `leanrpc_axum::Tokio`) is tokio's. Off by default.
    pub fn call_timeout(mut self, limit: Duration, timer: impl Timer) -> Self {
        self.call_timeout = Some(CallTimeout {
            timer: Arc::new(timer),
            limit,
        });
        self
    }

    /// Answers `rpc.discover`, the OpenRPC service discovery method, with a document of the
    /// methods the caller may call (default on). Callers need a valid key like for any other
    /// method; a key sees only the methods its role and scopes allow. See [`crate::discover`].
    pub fn discovery(mut self, on: bool) -> Self {
        self.discovery = on;
        self
    }

    /// Serves a browsable API reference rendered by `renderer` (off unless called): an HTML
    /// page for `GET` on the endpoint path with `Accept: text/html`, and for
    /// `GET {path}/reference`. `leanrpc_reference::Page` (re-exported as
    /// `leanrpc::reference::Page` by the facade's default `reference-page` feature) is the page
    /// leanrpc ships. The page is rendered once, by [`build`](Self::build), from the
    /// [discovery model](crate::discover::Api).
    ///
    /// The page is public, even on a server that requires API keys: it shows the shape of the
    /// API (every mounted method, its params, types, roles and scopes, and example requests),
    /// never data, as published OpenAPI documentation does. A browser cannot send the
    /// `x-api-key` header, so a page behind the key could not be opened. Leave it off where
    /// even the API's shape must stay private.
    pub fn reference_page(mut self, renderer: impl PageRenderer) -> Self {
        self.reference_page = Some(Box::new(renderer));
        self
    }

    /// The server's public address as clients reach it (`https://api.example.com`, without the
    /// endpoint path), shown in the reference page's example `URL=` line. Unset (the default),
    /// the page shows a placeholder: it never copies the request's `Host` header, which whoever
    /// sends the request controls. [`build`](Self::build) refuses a value that is not an
    /// `http://` or `https://` URL.
    pub fn public_url(mut self, url: impl Into<String>) -> Self {
        self.public_url = Some(url.into());
        self
    }

    /// The API's title and version, for the discovery document and the reference page
    /// (defaults: the namespace, or `"JSON-RPC API"`, and `"0.0.0"`).
    pub fn api_info(mut self, title: impl Into<String>, version: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self.version = version.into();
        self
    }

    /// Answers scalar results as one-element arrays (`[42]`, `[true]`, and `[]` for `null`), as
    /// Leantime 3.8 and earlier did, for old clients that read `result[0]`. Off by default:
    /// Leantime 3.9 and the JSON-RPC specification answer plain values (`42`). Objects and
    /// arrays are answered as they are either way.
    ///
    /// A server setting rather than a service attribute, because it is about which clients a
    /// deployment serves, not about what a method returns.
    pub fn scalar_results_in_arrays(mut self, on: bool) -> Self {
        self.scalar_results_in_arrays = on;
        self
    }

    /// Tells `observer` of every call the server runs, when it starts and when it ends (see
    /// [`crate::observe`]); `leanrpc_telemetry::CallMetrics` records Prometheus metrics this way.
    /// Off by default.
    pub fn observer(mut self, observer: impl CallObserver) -> Self {
        self.observer = Some(Arc::new(observer));
        self
    }

    /// Mounts a service instance: every method the link-time registry holds for `T` becomes
    /// callable. [`build`](Self::build) fails if the registry holds none.
    pub fn service<T: RpcService>(self, instance: T) -> Self {
        let id = TypeId::of::<T>();
        let defs = registry::registered()
            .filter(|d| (d.service_type)() == id)
            .collect();
        self.mount(instance, defs)
    }

    /// Mounts a service instance from its explicit method list, bypassing the link-time
    /// registry: the fallback for linkers that drop unreferenced registrations.
    pub fn service_explicit<T: RpcService>(self, instance: T) -> Self {
        let defs = T::methods().iter().collect();
        self.mount(instance, defs)
    }

    fn mount<T: RpcService>(mut self, instance: T, defs: Vec<&'static MethodDef>) -> Self {
        self.services.push(Mount {
            type_id: TypeId::of::<T>(),
            type_name: std::any::type_name::<T>(),
            instance: Arc::new(instance),
            defs,
        });
        self
    }

    /// Builds the server, checking that names do not collide.
    pub fn build(self) -> Result<Server, BuildError> {
        if let Some(url) = &self.public_url {
            let scheme = url.starts_with("http://") || url.starts_with("https://");
            if !scheme || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(BuildError::PublicUrl { url: url.clone() });
            }
        }
        let prefix = self
            .namespace
            .as_deref()
            .map(|n| format!("{n}."))
            .unwrap_or_default();
        let mut methods = Vec::new();
        let mut exact = MethodTable::default();
        let mut normalized = MethodTable::default();
        let mut seen_types = Vec::new();
        for Mount {
            type_id,
            type_name,
            instance,
            mut defs,
        } in self.services
        {
            if seen_types.contains(&type_id) {
                return Err(BuildError::DuplicateService { type_name });
            }
            seen_types.push(type_id);
            if defs.is_empty() {
                return Err(BuildError::NotRegistered { type_name });
            }
            defs.sort_by_key(|d| (d.file, d.line));
            for def in defs {
                let index = methods.len();
                let service = if def.service.is_empty() {
                    String::new()
                } else {
                    format!("{}.", def.service)
                };
                for name in std::iter::once(def.name).chain(def.aliases.iter().copied()) {
                    let key = match def.service {
                        "" => registry::normalize(name),
                        s => format!("{}.{}", registry::normalize(s), registry::normalize(name)),
                    };
                    if let Some(&other) = normalized.get(key.as_str()) {
                        let first: &Bound = &methods[other];
                        return Err(BuildError::Collision {
                            name: key,
                            first: first.def.location(),
                            second: def.location(),
                        });
                    }
                    normalized.insert(key.into(), index);
                    exact.insert(format!("{prefix}{service}{name}").into_boxed_str(), index);
                }
                let full_name = format!("{prefix}{service}{}", def.name);
                tracing::debug!(method = %full_name, at = %def.location(), "mounted JSON-RPC method");
                methods.push(Bound {
                    def,
                    instance: Arc::clone(&instance),
                    full_name,
                });
            }
        }
        let title = self
            .title
            .clone()
            .or_else(|| self.namespace.clone())
            .unwrap_or_else(|| "JSON-RPC API".to_owned());
        let settings = discover::Settings {
            title: &title,
            version: &self.version,
            path: &self.path,
            auth: self.auth.is_some(),
            default_role: self.default_role,
        };
        let api = Api::build(
            &settings,
            methods
                .iter()
                .map(|b: &Bound| (b.full_name.as_str(), b.def)),
        );
        let page = self.reference_page.map(|renderer| {
            discover::RenderedPage::new(&*renderer, &api, self.public_url.as_deref())
        });
        Ok(Server {
            inner: Arc::new(Inner {
                methods,
                exact,
                normalized,
                namespace_norm: self.namespace.as_deref().map(registry::normalize),
                path: self.path,
                limits: Limits {
                    max_depth: self.limits.max_depth.min(Limits::MAX_DEPTH_CEILING),
                    ..self.limits
                },
                auth: self.auth,
                default_role: self.default_role,
                call_timeout: self.call_timeout,
                api,
                discovery: self.discovery,
                page,
                scalar_results_in_arrays: self.scalar_results_in_arrays,
                observer: self.observer,
            }),
        })
    }
}

impl Server {
    /// Starts building a server.
    pub fn builder() -> ServerBuilder {
        ServerBuilder::default()
    }

    /// Every mounted method, in mounting order.
    pub fn methods(&self) -> impl Iterator<Item = MountedMethod<'_>> {
        self.inner.methods.iter().map(|b| MountedMethod {
            full_name: &b.full_name,
            def: b.def,
        })
    }

    /// The canonical full name of every mounted method.
    pub fn method_names(&self) -> impl Iterator<Item = &str> {
        self.inner.methods.iter().map(|b| b.full_name.as_str())
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.inner.limits
    }

    /// The endpoint path.
    pub fn path(&self) -> &str {
        &self.inner.path
    }

    pub(crate) fn authenticator(&self) -> Option<&dyn Authenticator> {
        self.inner.auth.as_deref()
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

    /// The reference page as rendered at build time; `None` without a page renderer.
    pub(crate) fn page(&self) -> Option<&discover::RenderedPage> {
        self.inner.page.as_ref()
    }

    /// The rendered reference page, the same for every request; `None` without a page
    /// renderer ([`ServerBuilder::reference_page`]).
    pub fn reference_html(&self) -> Option<&str> {
        self.page().map(|page| page.html.as_str())
    }

    /// Resolves a method name as a client sent it to the method it calls.
    ///
    /// An exact canonical name is one hash lookup with no allocation. Otherwise the name is
    /// matched ignoring ASCII case, `_` and `-`, and Leantime's five-part form
    /// (`ns.Module.Service.method`, module equal to service) is accepted.
    pub fn resolve(&self, name: &str) -> Option<MountedMethod<'_>> {
        self.resolve_index(name).map(|i| {
            let b = &self.inner.methods[i];
            MountedMethod {
                full_name: &b.full_name,
                def: b.def,
            }
        })
    }

    fn resolve_index(&self, name: &str) -> Option<usize> {
        if let Some(&i) = self.inner.exact.get(name) {
            return Some(i);
        }
        let norm = registry::normalize(name);
        let rest = match &self.inner.namespace_norm {
            Some(ns) => norm.strip_prefix(ns.as_str())?.strip_prefix('.')?,
            None => norm.as_str(),
        };
        let mut parts = rest.rsplitn(3, '.');
        let method = parts.next()?;
        let key = match (parts.next(), parts.next()) {
            (None, _) => return self.inner.normalized.get(method).copied(),
            (Some(_service), None) => rest,
            (Some(service), Some(module)) if module == service => &rest[module.len() + 1..],
            _ => return None,
        };
        self.inner.normalized.get(key).copied()
    }

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
            Err(error) => error,
        };
        (!out.is_empty()).then_some(out)
    }

    /// Parses a body under this server's limits; a body that cannot be decoded yields its
    /// complete error answer.
    pub(crate) fn decode<'b>(&self, body: &'b [u8]) -> Result<Envelope<'b>, Vec<u8>> {
        let limits = &self.inner.limits;
        envelope::parse(body, limits.max_depth, limits.max_batch_len)
            .map_err(|e| response::error_body(&RpcError::from(e), None))
    }

    /// Answers a decoded envelope. An empty buffer means there is nothing to answer.
    pub(crate) async fn answer(
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

    /// Runs one call (an answered call or a notification) in its span, told to the observer:
    /// the one place every call goes through ([`crate::observe`]).
    async fn execute(
        &self,
        call: &Call<'_>,
        caller: Option<&Caller>,
        headers: &dyn HeaderSource,
        out: &mut Vec<u8>,
    ) -> Result<(), RpcError> {
        Observed::new(self, call, caller, self.inner.observer.as_deref())
            .run(self.run_call(call, caller, headers, out))
            .await
    }

    async fn run_call(
        &self,
        call: &Call<'_>,
        caller: Option<&Caller>,
        headers: &dyn HeaderSource,
        out: &mut Vec<u8>,
    ) -> Result<(), RpcError> {
        if self.inner.discovery && call.method == discover::DISCOVER_METHOD {
            return self.discover(call, caller, out);
        }
        let index = self
            .resolve_index(&call.method)
            .ok_or_else(RpcError::method_not_found)?;
        let bound = &self.inner.methods[index];
        if self.inner.auth.is_some() {
            let caller = caller.ok_or_else(RpcError::unauthorized)?;
            bound.def.access.check(caller, self.inner.default_role)?;
        }
        let ctx = CallContext {
            caller,
            headers,
            id: call.id,
            method: &call.method,
        };
        let invocation = Invocation {
            params: call.params,
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

impl Server {
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

fn panicked(method: &str) -> RpcError {
    tracing::error!(%method, "handler panicked; answered -32603");
    RpcError::internal()
}

/// A sleep source for per-call timeouts, so the core stays free of any async runtime
/// (`leanrpc-axum` provides one for tokio).
pub trait Timer: Send + Sync + 'static {
    /// A future that completes after `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
}

struct CallTimeout {
    timer: Arc<dyn Timer>,
    limit: Duration,
}

/// Spare capacity a response buffer may keep after a result was refused (1 MiB).
const SPARE_AFTER_REFUSAL: usize = 1024 * 1024;

/// Whether `item` gets an answer (everything but a notification does).
fn is_answered(item: &Item<'_>) -> bool {
    !matches!(item, Item::Call(call) if call.is_notification())
}
