//! Building a [`Server`]: the builder, its settings, and the checks that refuse a server that
//! could not answer correctly (colliding names, services the registry lost, a bad public URL).

use std::any::TypeId;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::{Bound, CallTimeout, Inner, MethodTable, Server, Timer};
use crate::auth::{Authenticator, Role};
use crate::discover::{self, Api, PageRenderer};
use crate::limits::Limits;
use crate::observe::CallObserver;
use crate::registry::{self, MethodDef, RpcService};

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
    instance: Arc<dyn std::any::Any + Send + Sync>,
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
    /// Tells `observer` of every call the server runs, when it starts and when it ends: calls
    /// inside JSON-RPC envelopes and [`Server::invoke`] calls alike (see [`crate::observe`]);
    /// `leanrpc_telemetry::CallMetrics` records Prometheus metrics this way. Off by default.
    pub fn observer(mut self, observer: impl CallObserver) -> Self {
        self.observer = Some(Arc::new(observer));
        self
    }

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

    /// Requires a caller for every call, authenticated with `auth`: the HTTP endpoint checks
    /// each request's `x-api-key` with it, other front ends call it through
    /// [`Server::authenticator`], and [`Server::invoke`] without a caller is -32001. Without
    /// this, every method is open to everyone.
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
    /// dropped). `timer` supplies the sleep; `leanrpc_http::Tokio` (feature `tokio`, re-exported
    /// as `leanrpc_hyper::Tokio` and `leanrpc_axum::Tokio`) is tokio's. Off by default.
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
    /// deployment serves, not about what a method returns. It shapes the JSON-RPC response
    /// object only: [`Server::invoke`] returns plain results whatever it says.
    pub fn scalar_results_in_arrays(mut self, on: bool) -> Self {
        self.scalar_results_in_arrays = on;
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
        let mut limits = self.limits;
        limits.max_depth = limits.max_depth.min(Limits::MAX_DEPTH_CEILING);
        Ok(Server {
            inner: Arc::new(Inner {
                methods,
                exact,
                normalized,
                namespace_norm: self.namespace.as_deref().map(registry::normalize),
                path: self.path,
                limits,
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
