//! Discovery: a public, read-only model of the API, and its renderings.
//!
//! The model ([`Api`], its [`Method`]s and their [`Param`]s) is built once, when the server is
//! built, from the mounted methods' compile-time records: names (with the namespace), doc
//! comments, params with their JSON Schemas, result schemas, error codes, roles and scopes.
//! [`Server::api`](crate::Server::api) hands it out. From it come:
//!
//! - the OpenRPC document that `rpc.discover` answers ([`Api::openrpc`]), each method's JSON
//!   serialized at build time, so that a call only picks the methods the caller may call and
//!   joins their text;
//! - the reference page, rendered once at build time by a [`PageRenderer`] given to
//!   `ServerBuilder::reference_page` (`leanrpc-reference` holds the HTML one);
//! - whatever a front end needs: [`Api::methods_visible_to`] and [`Method::params_schema`] (a
//!   self-contained JSON Schema of a method's params, for an MCP tool or a generated client).
//!
//! The modules: `model` (the types), `hoist` (schemas moved into the shared components),
//! `standalone` (components copied back under `$defs`), `openrpc` (the document) and
//! `examples` (example values for renderings).
//!
//! # What a method entry holds
//!
//! ```json
//! {
//!   "name": "leantime.rpc.tickets.getTicket",
//!   "summary": "Returns one ticket.",
//!   "description": "Returns one ticket.",
//!   "tags": [{"name": "tickets"}],
//!   "paramStructure": "either",
//!   "params": [{"name": "id", "required": true, "schema": {"type": "integer", "format": "int64"}}],
//!   "result": {"name": "result", "schema": {"$ref": "#/components/schemas/Ticket"}},
//!   "errors": [{"code": -32602, "message": "Invalid params"}, {"code": -32001, "message": "Unauthorized"}],
//!   "x-min-role": "readonly"
//! }
//! ```
//!
//! # Error codes
//!
//! A method's `errors` are derived, plus what it declares with `#[rpc(errors(...))]`:
//! -32602 (Invalid params) when it takes params, -32001 (Unauthorized) when the server
//! authenticates callers. The codes any call may meet (-32700, -32600, -32601, -32603, -32000)
//! are not repeated on every method: the OpenRPC specification says clients should assume them.
//!
//! # Schemas
//!
//! Each param and result schema is generated on its own (by `schemars`, through the facade's
//! default `schemars` feature), so each carries its own definitions. Discovery moves them into
//! `components.schemas` and points the references there; a named root type (a struct or an
//! enum) moves there too, so `Ticket` is described once however many methods use it. Two
//! different types with the same name get distinct names (`Ticket`, `Ticket2`).

mod examples;
mod hoist;
mod model;
mod openrpc;
mod standalone;

pub(crate) use model::Settings;
pub use model::{Api, Method, Param};
pub use openrpc::OPENRPC_VERSION;

/// The method name of the OpenRPC service discovery method.
pub const DISCOVER_METHOD: &str = "rpc.discover";

/// Renders the reference page from the model: the plug-in point of
/// `ServerBuilder::reference_page`.
///
/// The server renders the page once, when it is built, and serves that text for every request
/// (`GET` on the endpoint path with `Accept: text/html`, and `GET {path}/reference`), with a
/// Content-Security-Policy that lets no script, style sheet or image load from anywhere: the
/// page must be one self-contained HTML document with its CSS inline. The only scripts that
/// run are inline ones whose hashes [`script_hashes`](Self::script_hashes) names, and they may
/// send requests only to the page's own origin (`connect-src 'self'`). Nothing in the page may
/// come from a request. `leanrpc_reference::Page` is the HTML page leanrpc ships; any function
/// `Fn(&Api, Option<&str>) -> String` is a renderer too.
pub trait PageRenderer: Send + Sync + 'static {
    /// The page for `api`. `public_url` is the server's address as the operator configured it
    /// (`ServerBuilder::public_url`, checked to be an `http(s)://` URL), for example requests;
    /// `None` when unset, and then the page must not guess it.
    fn render(&self, api: &Api, public_url: Option<&str>) -> String;

    /// The inline scripts of the page the server lets run, as Content-Security-Policy hash
    /// sources (`'sha256-…'`, the base64 SHA-256 of each `<script>` element's text). The
    /// default, none, lets no script run.
    fn script_hashes(&self) -> Vec<String> {
        Vec::new()
    }
}

/// A rendered reference page and the Content-Security-Policy it is served with.
#[derive(Debug)]
pub(crate) struct RenderedPage {
    pub(crate) html: String,
    pub(crate) csp: String,
}

impl RenderedPage {
    /// Renders the page with `renderer`, and the policy for its scripts.
    pub(crate) fn new(renderer: &dyn PageRenderer, api: &Api, public_url: Option<&str>) -> Self {
        let mut csp = String::from("default-src 'none'; style-src 'unsafe-inline'; ");
        let hashes = renderer.script_hashes();
        if !hashes.is_empty() {
            csp.push_str("script-src");
            for hash in &hashes {
                csp.push(' ');
                csp.push_str(hash);
            }
            csp.push_str("; connect-src 'self'; ");
        }
        csp.push_str("base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
        Self {
            html: renderer.render(api, public_url),
            csp,
        }
    }
}

impl<F> PageRenderer for F
where
    F: Fn(&Api, Option<&str>) -> String + Send + Sync + 'static,
{
    fn render(&self, api: &Api, public_url: Option<&str>) -> String {
        self(api, public_url)
    }
}

#[cfg(test)]
mod fixtures;
