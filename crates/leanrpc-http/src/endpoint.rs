//! The endpoint: one HTTP request answered, step by step (route, verb and body, decoding,
//! authentication and rate, the calls, the rate headers), each step a small function.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use leanrpc_core::{Caller, Envelope, Id, Item, RateStatus, Server, Timer};

use crate::admit::{Admission, Admitted, authenticate, check_content_type};
use crate::get::query_to_json;
use crate::request::{HttpRequest, HttpResponse};
use crate::status;

/// A [`Server`] served over HTTP: the JSON-RPC endpoint at the server's
/// [path](leanrpc_core::Server::path) (POST, and GET with the call in the query), and its
/// reference page.
///
/// Cheap to clone (the server is shared). Build one per server and hand it to every
/// connection:
///
/// - stacks on the `http` types (hyper, axum, most others) call [`Endpoint::respond`] with
///   each request's head and body, and send [`HttpResponse::into_http`];
/// - other stacks describe each request as an [`HttpRequest`] and call
///   [`Endpoint::admit`], read the body, then [`Endpoint::handle_admitted`] (or
///   [`Endpoint::handle`] with the body already read).
///
/// ```
/// use leanrpc_core::Server;
/// use leanrpc_http::Endpoint;
///
/// let endpoint = Endpoint::new(Server::builder().path("/rpc").build().unwrap());
/// assert!(endpoint.matches_path("/RPC/"));
/// assert!(endpoint.matches_reference_path("/rpc/reference"));
/// assert!(!endpoint.matches_path("/rpc/other"));
/// ```
#[derive(Clone)]
pub struct Endpoint {
    server: Server,
    timer: Option<Arc<dyn Timer>>,
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("server", &self.server)
            .field("body_read_timeout", &self.timer.is_some())
            .finish()
    }
}

impl From<Server> for Endpoint {
    fn from(server: Server) -> Self {
        Self::new(server)
    }
}

impl Endpoint {
    /// Serves `server` over HTTP.
    ///
    /// [`Endpoint::respond`] enforces the body read timeout
    /// ([`Limits::body_read_timeout`](leanrpc_core::Limits::body_read_timeout)) with a
    /// [`Timer`]: tokio's when feature `tokio` is on, otherwise the one given to
    /// [`Endpoint::with_timer`]. Without either, bodies are read without a timeout; set one
    /// whenever clients are not trusted.
    pub fn new(server: Server) -> Self {
        Self {
            server,
            timer: default_timer(),
        }
    }

    /// Uses `timer` for the body read timeout (see [`Endpoint::new`]).
    pub fn with_timer(mut self, timer: impl Timer) -> Self {
        self.timer = Some(Arc::new(timer));
        self
    }

    /// The server this endpoint serves.
    pub fn server(&self) -> &Server {
        &self.server
    }

    /// The timer for the body read timeout, if any.
    pub(crate) fn timer(&self) -> Option<&dyn Timer> {
        self.timer.as_deref()
    }

    /// Whether `path` is this server's endpoint (ignoring ASCII case and one trailing slash).
    pub fn matches_path(&self, path: &str) -> bool {
        let want = self.server.path().trim_end_matches('/');
        let got = path.strip_suffix('/').unwrap_or(path);
        got.eq_ignore_ascii_case(want)
    }

    /// Answers one HTTP request whose body has been read in full.
    pub async fn handle(&self, req: &HttpRequest<'_>) -> HttpResponse {
        self.handle_admitted(req, Admission::deferred()).await
    }

    /// Answers one HTTP request whose credentials [`Endpoint::admit`] already checked: the same
    /// answers as [`Endpoint::handle`], without authenticating or checking the head a second
    /// time. `req` must be the request `admit` saw, now with its body.
    pub async fn handle_admitted(
        &self,
        req: &HttpRequest<'_>,
        admission: Admission,
    ) -> HttpResponse {
        // Admitted or refused, the head was checked already: a POST to the endpoint with an
        // acceptable content type.
        let head_checked = !matches!(admission.0, Admitted::Deferred);
        if !head_checked && let Some(response) = self.route(req) {
            return response;
        }
        let body = match self.body(req, head_checked) {
            Ok(body) => body,
            Err(response) => return response,
        };
        let envelope = match self.server.decode(&body) {
            Ok(envelope) => envelope,
            Err(error) => return HttpResponse::error(200, &error),
        };
        let (caller, rate) = match self.authorize(req, admission, &envelope).await {
            Ok(authorized) => authorized,
            Err(response) => return response,
        };
        let answer = self
            .server
            .answer(&envelope, caller.as_deref(), req.headers)
            .await;
        let mut response = HttpResponse::json(200, answer);
        status::add_rate_headers(&mut response, rate);
        response
    }

    /// The answers the path alone decides: the reference page, and 404 off the endpoint.
    fn route(&self, req: &HttpRequest<'_>) -> Option<HttpResponse> {
        if let Some(page) = self.reference_response(req) {
            return Some(page);
        }
        (!self.matches_path(req.path)).then(status::not_found)
    }

    /// The JSON-RPC body a request carries, by verb: a POST's body, or a GET's query as the
    /// equivalent JSON; 405 for any other verb.
    fn body<'r>(
        &self,
        req: &HttpRequest<'r>,
        head_checked: bool,
    ) -> Result<Cow<'r, [u8]>, HttpResponse> {
        match req.method {
            "POST" => self.post_body(req, head_checked).map(Cow::Borrowed),
            "GET" => self.get_body(req).map(|json| Cow::Owned(json.into_bytes())),
            _ => Err(status::method_not_allowed()),
        }
    }

    /// A POST's body, within the size limit (413) and, unless admission checked it, with a
    /// JSON content type (415).
    fn post_body<'r>(
        &self,
        req: &HttpRequest<'r>,
        head_checked: bool,
    ) -> Result<&'r [u8], HttpResponse> {
        let limit = self.server.limits().max_body_bytes;
        if req.body.len() > limit {
            return Err(HttpResponse::payload_too_large(limit));
        }
        if !head_checked {
            check_content_type(req)?;
        }
        Ok(req.body)
    }

    /// A GET's query as the JSON of the equivalent POST, within the query limit (414); a query
    /// that does not decode is answered with its -32700.
    fn get_body(&self, req: &HttpRequest<'_>) -> Result<String, HttpResponse> {
        let query = req.query.unwrap_or("");
        let limit = self.server.limits().max_query_bytes;
        if query.len() > limit {
            return Err(status::uri_too_long(limit));
        }
        query_to_json(query).map_err(|error| HttpResponse::error(200, &error))
    }

    /// Who calls, and the key's rate standing once the request's calls are charged: the
    /// credentials checked once per request (at admission, when it ran), every call of a batch
    /// counted. Refused credentials are 401 (or 429), a spent rate 429. No caller and no limit
    /// on a server without an authenticator.
    async fn authorize(
        &self,
        req: &HttpRequest<'_>,
        admission: Admission,
        envelope: &Envelope<'_>,
    ) -> Result<(Option<Arc<Caller>>, RateStatus), HttpResponse> {
        let Some(auth) = self.server.authenticator() else {
            return Ok((None, RateStatus::Unlimited));
        };
        let verdict = match admission.0 {
            Admitted::Caller(caller) => Ok(caller),
            Admitted::Refused(error) => Err(error),
            Admitted::Deferred => authenticate(auth, req).await,
        };
        let caller = verdict.map_err(|error| status::refused(&error, single_id(envelope)))?;
        let rate = self
            .server
            .charge_async(&caller, calls(envelope))
            .await
            .map_err(|throttled| {
                status::too_many(
                    call_id(envelope),
                    throttled.retry_after,
                    Some(throttled.limit),
                )
            })?;
        Ok((Some(caller), rate))
    }
}

/// Tokio's clock (feature `tokio`).
#[cfg(feature = "tokio")]
fn default_timer() -> Option<Arc<dyn Timer>> {
    Some(Arc::new(crate::Tokio))
}

/// No clock without feature `tokio`: [`Endpoint::with_timer`] sets one.
#[cfg(not(feature = "tokio"))]
fn default_timer() -> Option<Arc<dyn Timer>> {
    None
}

/// How many calls an envelope holds, each charged to the key's rate.
fn calls(envelope: &Envelope<'_>) -> usize {
    match envelope {
        Envelope::Single(_) => 1,
        Envelope::Batch(items) => items.len(),
    }
}

/// The id a refusal echoes: a single request's, when it has one.
fn single_id<'a>(envelope: &Envelope<'a>) -> Option<Id<'a>> {
    match envelope {
        Envelope::Single(Item::Call(call)) => call.id,
        Envelope::Single(Item::Invalid { id, .. }) => *id,
        Envelope::Batch(_) => None,
    }
}

/// The id a spent rate echoes: a single valid call's.
fn call_id<'a>(envelope: &Envelope<'a>) -> Option<Id<'a>> {
    match envelope {
        Envelope::Single(Item::Call(call)) => call.id,
        _ => None,
    }
}
