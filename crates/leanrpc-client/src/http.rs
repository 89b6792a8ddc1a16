//! [`HttpTransport`]: requests over HTTP with reqwest, POST by default, GET on request.

use std::fmt;
use std::time::Duration;

use base64::Engine as _;
use leanrpc_core::BoxFuture;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};

use crate::error::ClientError;
use crate::transport::{Outgoing, Transport};

/// The header that carries the API key.
const API_KEY_HEADER: &str = "x-api-key";

/// How long a request may take, connecting included, unless [`HttpBuilder::timeout`] says
/// otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The largest answer read unless [`HttpBuilder::max_response_bytes`] says otherwise.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// How a request is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HttpMethod {
    /// POST with the JSON request as the body (the default).
    #[default]
    Post,
    /// GET with `method`, `id` and `params` (base64 JSON) in the query, as Leantime accepts. A
    /// batch cannot be put in a query: batches are POSTed all the same.
    Get,
}

/// Sends requests to a JSON-RPC endpoint over HTTP, with an API key (`x-api-key`), a timeout,
/// and reqwest's connection pool: keep-alive connections are reused by every request of the
/// transport and of the [`Client`](crate::Client)s sharing it.
///
/// Needs a tokio runtime. Plain `http://` out of the box; for `https://`, enable a TLS feature
/// of reqwest in your own manifest (`reqwest = { version = "0.12", features = ["rustls-tls"] }`)
/// or pass your own client to [`HttpBuilder::reqwest_client`].
#[derive(Clone)]
pub struct HttpTransport {
    client: reqwest::Client,
    url: reqwest::Url,
    api_key: Option<HeaderValue>,
    method: HttpMethod,
    max_response_bytes: usize,
}

impl fmt::Debug for HttpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The key is a secret: only whether there is one.
        f.debug_struct("HttpTransport")
            .field("url", &self.url.as_str())
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("method", &self.method)
            .finish_non_exhaustive()
    }
}

/// Options of an [`HttpTransport`]; see [`HttpTransport::builder`].
#[derive(Clone)]
pub struct HttpBuilder {
    url: String,
    api_key: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    pool_idle_timeout: Option<Duration>,
    method: HttpMethod,
    max_response_bytes: usize,
    client: Option<reqwest::Client>,
}

impl fmt::Debug for HttpBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpBuilder")
            .field("url", &self.url)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("timeout", &self.timeout)
            .field("method", &self.method)
            .finish_non_exhaustive()
    }
}

impl HttpTransport {
    /// POSTs to `url` (the endpoint, e.g. `http://127.0.0.1:8080/api/jsonrpc`) with no key and a
    /// 30 s timeout.
    pub fn new(url: &str) -> Result<Self, ClientError> {
        HttpTransport::builder(url).build()
    }

    /// Options for a transport to `url`.
    pub fn builder(url: impl Into<String>) -> HttpBuilder {
        HttpBuilder {
            url: url.into(),
            api_key: None,
            timeout: Some(DEFAULT_TIMEOUT),
            connect_timeout: None,
            pool_idle_timeout: None,
            method: HttpMethod::Post,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            client: None,
        }
    }

    /// The endpoint's URL.
    pub fn url(&self) -> &str {
        self.url.as_str()
    }

    fn request(&self, outgoing: &Outgoing) -> reqwest::RequestBuilder {
        let get = match (self.method, outgoing.method()) {
            (HttpMethod::Get, Some(method)) => Some(method),
            _ => None,
        };
        let builder = match get {
            Some(method) => {
                let mut query: Vec<(&str, String)> =
                    vec![("jsonrpc", "2.0".to_owned()), ("method", method.to_owned())];
                if let Some(params) = outgoing.params() {
                    let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(params);
                    query.push(("params", encoded));
                }
                if let Some(id) = outgoing.id() {
                    query.push(("id", id.to_string()));
                }
                self.client.get(self.url.clone()).query(&query)
            }
            None => self
                .client
                .post(self.url.clone())
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(outgoing.body().to_owned()),
        };
        let builder = builder.header(ACCEPT, HeaderValue::from_static("application/json"));
        match &self.api_key {
            Some(key) => builder.header(API_KEY_HEADER, key.clone()),
            None => builder,
        }
    }
}

impl HttpBuilder {
    /// Sends `key` in the `x-api-key` header of every request.
    #[must_use]
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// How long a request may take from start to answer (30 s by default); `None` waits
    /// forever.
    #[must_use]
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long connecting may take (bounded by the whole timeout in any case).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long an idle pooled connection is kept for reuse (reqwest's default: 90 s).
    #[must_use]
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.pool_idle_timeout = Some(timeout);
        self
    }

    /// POST (the default) or GET.
    #[must_use]
    pub fn method(mut self, method: HttpMethod) -> Self {
        self.method = method;
        self
    }

    /// The largest answer read (64 MiB by default); a larger one is a protocol error.
    #[must_use]
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Sends through `client` (for TLS settings, proxies, a shared pool) instead of one built
    /// here; the timeouts set here then apply per request, the pool settings not at all.
    #[must_use]
    pub fn reqwest_client(mut self, client: reqwest::Client) -> Self {
        self.client = Some(client);
        self
    }

    /// The transport. Fails on a URL that does not parse or is not `http`/`https`, or a key
    /// that cannot be a header value.
    pub fn build(self) -> Result<HttpTransport, ClientError> {
        let url = reqwest::Url::parse(&self.url).map_err(|e| {
            ClientError::Transport(std::sync::Arc::new(BadOption(format!(
                "invalid URL {:?}: {e}",
                self.url
            ))))
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(ClientError::Transport(std::sync::Arc::new(BadOption(
                format!("expected an http:// or https:// URL, got {:?}", self.url),
            ))));
        }
        let api_key = match self.api_key {
            Some(key) => {
                let mut value = HeaderValue::from_str(&key).map_err(|_| {
                    ClientError::Transport(std::sync::Arc::new(BadOption(
                        "the API key holds characters a header cannot carry".to_owned(),
                    )))
                })?;
                value.set_sensitive(true);
                Some(value)
            }
            None => None,
        };
        let client = match self.client {
            Some(client) => client,
            None => {
                let mut builder = reqwest::Client::builder();
                if let Some(timeout) = self.timeout {
                    builder = builder.timeout(timeout);
                }
                if let Some(timeout) = self.connect_timeout {
                    builder = builder.connect_timeout(timeout);
                }
                if let Some(timeout) = self.pool_idle_timeout {
                    builder = builder.pool_idle_timeout(timeout);
                }
                builder.build().map_err(ClientError::transport)?
            }
        };
        Ok(HttpTransport {
            client,
            url,
            api_key,
            method: self.method,
            max_response_bytes: self.max_response_bytes,
        })
    }
}

/// A URL or key the builder refused.
#[derive(Debug)]
struct BadOption(String);

impl fmt::Display for BadOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadOption {}

fn from_reqwest(error: reqwest::Error) -> ClientError {
    if error.is_timeout() {
        ClientError::Timeout
    } else {
        ClientError::transport(error)
    }
}

impl Transport for HttpTransport {
    fn send<'a>(
        &'a self,
        request: &'a Outgoing,
    ) -> BoxFuture<'a, Result<Option<Vec<u8>>, ClientError>> {
        Box::pin(async move {
            let mut response = self.request(request).send().await.map_err(from_reqwest)?;
            let status = response.status();
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(from_reqwest)? {
                if body.len() + chunk.len() > self.max_response_bytes {
                    return Err(ClientError::Protocol(format!(
                        "the answer is larger than {} bytes",
                        self.max_response_bytes
                    )));
                }
                body.extend_from_slice(&chunk);
            }
            if status.is_success() {
                return Ok((!body.is_empty()).then_some(body));
            }
            Err(ClientError::Http {
                status: status.as_u16(),
                error: crate::answer::error_of(&body),
                body: String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned(),
            })
        })
    }
}
