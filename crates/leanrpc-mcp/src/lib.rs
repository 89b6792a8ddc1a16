//! Every method of a leanrpc [`Server`] as an MCP tool, over MCP's Streamable HTTP transport:
//! AI agents call the same methods, with the same keys and the same checks, with no code per
//! tool.
//!
//! ```no_run
//! # async fn run(server: leanrpc_core::Server) -> Result<(), Box<dyn std::error::Error>> {
//! let mcp = leanrpc_mcp::McpService::builder(server.clone())
//!     .server_info("tickets", "1.0.0")
//!     .build()?;
//! let app = leanrpc_axum::router(server).merge(mcp.router()); // POST /mcp
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! leanrpc_axum::serve(listener, app, leanrpc_axum::shutdown_signal()).await?;
//! # Ok(()) }
//! ```
//!
//! - **Tools**: one per mounted method; `tools/list` lists those the calling key's role and
//!   scopes allow. Names, schemas and annotations: see [`tools`](crate#tools) below.
//! - **`tools/call`** runs the method through the server's dispatcher (`Server::invoke`): the
//!   same binding and coercion, role, scope and project checks, call timeout and result limits
//!   as a JSON-RPC call, and one call charged to the key's rate limit. A result comes back as
//!   `structuredContent` and as its JSON text; a JSON-RPC error as `isError: true` with the
//!   code, message and data in the text (`{"error":{"code":-32602,...}}`).
//! - **Auth**: the server's own authenticator (`Server::authenticator`: one key cache and one
//!   rate limit per key for both endpoints), with the key from `x-api-key` or
//!   `Authorization: Bearer <key>` and every request header; no key or a bad one is HTTP 401
//!   with `WWW-Authenticate: Bearer`.
//! - **Revisions**: 2026-07-28 (no handshake: `server/discover`, `_meta` on every request, the
//!   `MCP-Protocol-Version` and `Mcp-Method` headers, `resultType`), 2025-11-25 and 2025-06-18
//!   (`initialize`, no session). See [`SUPPORTED_VERSIONS`] and the `protocol` module notes.
//! - **Answers** are always `application/json`: no revision needs a stream for tools that
//!   answer once.
//!
//! # Tools
//!
//! Named `{service}_{method}` (`tickets_getTicket`); `title` is the doc comment's first
//! sentence, `description` the whole doc comment plus the JSON-RPC method's name and the role
//! and scopes it needs. `inputSchema` is a self-contained JSON Schema 2020-12 object (each
//! param a property, the required ones required, definitions under `$defs`). `outputSchema`
//! is the result's schema when it describes an object; any other result is wrapped as
//! `{"result": <value>}` (its schema likewise), because MCP requires an object there.
//! `readOnlyHint` marks methods that need no role above `readonly` and no scope but `*:read`;
//! `destructiveHint` marks the others whose name starts with `delete` or `remove`.

mod protocol;
mod registry_view;
pub mod tools;
mod transport;

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::Router;
use axum::extract::Request;
use axum::response::Response;
use leanrpc_core::Server;
use serde_json::{Value, json};

pub use protocol::SUPPORTED_VERSIONS;
pub use tools::ToolError;

use registry_view::RegistryView;
use tools::Catalog;

/// Where the MCP endpoint is mounted by default.
pub const DEFAULT_PATH: &str = "/mcp";

/// The MCP endpoint: a tower service (and an axum [`Router`] with [`McpService::router`]).
/// Cheap to clone.
#[derive(Clone)]
pub struct McpService {
    inner: Arc<Inner>,
}

impl fmt::Debug for McpService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("McpService")
            .field("path", &self.inner.path)
            .field("tools", &self.inner.catalog.tools.len())
            .field("allowed_origins", &self.inner.allowed_origins)
            .finish_non_exhaustive()
    }
}

pub(crate) struct Inner {
    pub(crate) view: RegistryView,
    pub(crate) catalog: Catalog,
    pub(crate) path: String,
    pub(crate) allowed_origins: Vec<String>,
    pub(crate) max_body_bytes: usize,
    pub(crate) server_info: Value,
    pub(crate) server_info_json: String,
    pub(crate) instructions: Option<String>,
}

impl Inner {
    /// Whether a browser `Origin` is allowed (compared ignoring ASCII case and a trailing `/`).
    pub(crate) fn origin_allowed(&self, origin: &[u8]) -> bool {
        let origin = origin.strip_suffix(b"/").unwrap_or(origin);
        self.allowed_origins
            .iter()
            .any(|allowed| allowed.as_bytes().eq_ignore_ascii_case(origin))
    }
}

/// Why an [`McpService`] could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildError {
    /// Two methods map to one tool name, or a name is too long.
    Tool(ToolError),
    /// The path does not start with `/`.
    Path(String),
    /// An allowed origin is not `scheme://host[:port]`.
    Origin(String),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Tool(error) => error.fmt(f),
            BuildError::Path(path) => write!(f, "the MCP path `{path}` must start with `/`"),
            BuildError::Origin(origin) => write!(
                f,
                "allowed origin `{origin}` must be `scheme://host[:port]`, as browsers send it \
                 (for example `https://app.example.com`)"
            ),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Tool(error) => Some(error),
            _ => None,
        }
    }
}

/// Builds an [`McpService`].
pub struct McpBuilder {
    server: Server,
    path: String,
    allowed_origins: Vec<String>,
    name: String,
    version: String,
    title: Option<String>,
    instructions: Option<String>,
}

impl fmt::Debug for McpBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("McpBuilder")
            .field("path", &self.path)
            .field("allowed_origins", &self.allowed_origins)
            .field("name", &self.name)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl McpService {
    /// Starts building the MCP endpoint of `server`.
    pub fn builder(server: Server) -> McpBuilder {
        McpBuilder {
            server,
            path: DEFAULT_PATH.to_owned(),
            allowed_origins: Vec::new(),
            name: "leanrpc".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            title: None,
            instructions: None,
        }
    }

    /// A router that answers the endpoint's path; merge it into the application's.
    pub fn router(&self) -> Router {
        Router::new().route_service(&self.inner.path, self.clone())
    }

    /// The endpoint's path.
    pub fn path(&self) -> &str {
        &self.inner.path
    }

    /// Every tool's name, in mounting order (whoever calls).
    pub fn tool_names(&self) -> impl Iterator<Item = &str> {
        self.inner.catalog.tools.iter().map(|t| t.name.as_str())
    }

    /// Every tool as `tools/list` describes it to a caller allowed to call them all.
    pub fn tools(&self) -> impl Iterator<Item = &rmcp::model::Tool> {
        self.inner.catalog.tools.iter().map(|t| &t.tool)
    }

    /// Answers one HTTP request.
    pub async fn handle(&self, request: Request) -> Response {
        transport::handle(&self.inner, request).await
    }
}

impl tower_service::Service<Request> for McpService {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let service = self.clone();
        Box::pin(async move { Ok(service.handle(request).await) })
    }
}

impl McpBuilder {
    /// The path to serve (default [`DEFAULT_PATH`], `/mcp`).
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    /// Browser origins allowed to call (`https://app.example.com`); default none. A request
    /// with an `Origin` header not listed is refused with 403; requests without one (every
    /// non-browser client) are not affected.
    pub fn allowed_origins(mut self, origins: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.allowed_origins = origins.into_iter().map(Into::into).collect();
        self
    }

    /// The server's name and version, as `initialize` and every 2026-07-28 result report them
    /// (default `leanrpc` and this crate's version).
    pub fn server_info(mut self, name: impl Into<String>, version: impl Into<String>) -> Self {
        self.name = name.into();
        self.version = version.into();
        self
    }

    /// A human-readable title for the server.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Guidance for the model about the server as a whole (MCP's `instructions`).
    pub fn instructions(mut self, instructions: impl Into<String>) -> Self {
        self.instructions = Some(instructions.into());
        self
    }

    /// Builds the service: describes every method as a tool, failing on a tool name clash.
    pub fn build(self) -> Result<McpService, BuildError> {
        if !self.path.starts_with('/') {
            return Err(BuildError::Path(self.path));
        }
        for origin in &self.allowed_origins {
            let valid = origin.split_once("://").is_some_and(|(scheme, rest)| {
                !scheme.is_empty() && !rest.is_empty() && !rest.trim_end_matches('/').contains('/')
            }) && !origin.chars().any(|c| c.is_whitespace() || c.is_control());
            if !valid {
                return Err(BuildError::Origin(origin.clone()));
            }
        }
        let view = RegistryView::new(self.server);
        let catalog = Catalog::build(&view).map_err(BuildError::Tool)?;
        let max_body_bytes = view.max_body_bytes();
        let mut server_info = json!({ "name": self.name, "version": self.version });
        if let Some(title) = &self.title {
            server_info["title"] = json!(title);
        }
        Ok(McpService {
            inner: Arc::new(Inner {
                view,
                catalog,
                path: self.path,
                allowed_origins: self
                    .allowed_origins
                    .into_iter()
                    .map(|o| o.trim_end_matches('/').to_owned())
                    .collect(),
                max_body_bytes,
                server_info_json: server_info.to_string(),
                server_info,
                instructions: self.instructions,
            }),
        })
    }
}
