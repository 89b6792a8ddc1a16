//! [`Client`], and the typed requests it makes: [`Call`] and [`Notification`].

use std::fmt;
use std::future::IntoFuture;
use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use leanrpc_core::BoxFuture;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::answer;
use crate::batch::Batch;
use crate::error::ClientError;
use crate::transport::{Outgoing, Transport};

/// A connection to one server: a transport and the namespace every method name starts with.
///
/// Cheap to clone (one `Arc`): clones share the transport, and so its connection pool. The
/// clients `#[rpc_service(client)]` generates wrap one.
///
/// ```
/// use leanrpc::client::{Client, InProcess};
/// use leanrpc::{Server, rpc_service};
///
/// struct Calc;
///
/// #[rpc_service("calc", client)]
/// impl Calc {
///     /// Adds two numbers.
///     fn add(&self, a: i64, b: i64) -> i64 {
///         a + b
///     }
/// }
///
/// # futures_executor::block_on(async {
/// let server = Server::builder().namespace("app").service(Calc).build().unwrap();
/// let client = Client::new(InProcess::new(server), "app");
/// let calc = CalcClient::new(client.clone());
/// assert_eq!(calc.add(2, 3).await.unwrap(), 5);
/// // The same call, untyped: the method name without the namespace, any `Serialize` params.
/// let sum: i64 = client.call("calc.add", [2, 3]).await.unwrap();
/// assert_eq!(sum, 5);
/// # });
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    namespace: String,
    transport: Box<dyn Transport>,
    next_id: AtomicU64,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("namespace", &self.inner.namespace)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client sending over `transport`; method names get `namespace` and a dot in front
    /// (`"leantime.rpc"` turns `tickets.getTicket` into `leantime.rpc.tickets.getTicket`; `""`
    /// adds nothing).
    pub fn new(transport: impl Transport, namespace: impl Into<String>) -> Self {
        Client {
            inner: Arc::new(Inner {
                namespace: namespace.into(),
                transport: Box::new(transport),
                next_id: AtomicU64::new(1),
            }),
        }
    }

    /// A client POSTing to `url` with [`HttpTransport`](crate::HttpTransport)'s defaults; use
    /// [`HttpTransport::builder`](crate::HttpTransport::builder) for an API key, timeouts or GET.
    #[cfg(feature = "http")]
    pub fn http(url: &str, namespace: impl Into<String>) -> Result<Self, ClientError> {
        Ok(Client::new(crate::HttpTransport::new(url)?, namespace))
    }

    /// The namespace given to [`Client::new`].
    pub fn namespace(&self) -> &str {
        &self.inner.namespace
    }

    /// The name sent for `method`: the namespace, a dot and `method` (just `method` without a
    /// namespace).
    pub fn full_name(&self, method: &str) -> String {
        join(&[&self.inner.namespace, method])
    }

    /// A call of `method` (its name after the namespace, e.g. `"tickets.getTicket"`) with
    /// `params`: a `Serialize` value that is a JSON object (named params) or array (positional
    /// ones), or `()` for none. Await it for the result decoded as `T`, or add it to a
    /// [`Batch`].
    pub fn call<T>(&self, method: &str, params: impl Serialize) -> Call<T> {
        let method = self.full_name(method);
        let params = encode(&method, &params);
        Call::new(self.clone(), method, params)
    }

    /// A notification of `method` with `params` (as for [`Client::call`]): the server runs it
    /// and answers nothing, errors included.
    pub fn notify(&self, method: &str, params: impl Serialize) -> Notification {
        let method = self.full_name(method);
        let params = encode(&method, &params);
        Notification {
            client: self.clone(),
            method,
            params,
        }
    }

    /// An empty batch: add calls and notifications, then send them in one request.
    pub fn batch(&self) -> Batch {
        Batch::new(self.clone())
    }

    /// Sends one request as it is and returns the answer's body (`None` for no answer).
    pub async fn send(&self, request: &Outgoing) -> Result<Option<Vec<u8>>, ClientError> {
        let answer = self.inner.transport.send(request).await?;
        match (answer, request.expects_answer()) {
            (None, true) => Err(ClientError::Protocol(
                "the server answered nothing to a call".to_owned(),
            )),
            (answer, _) => Ok(answer),
        }
    }

    pub(crate) fn next_id(&self) -> u64 {
        self.inner.next_id.fetch_add(1, Ordering::Relaxed)
    }
}

/// The non-empty parts joined with dots.
pub(crate) fn join(parts: &[&str]) -> String {
    let mut out = String::new();
    for part in parts.iter().filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(part);
    }
    out
}

/// Params as JSON text; `None` for `()` (and anything else that serializes to `null`).
pub(crate) fn encode(method: &str, params: &impl Serialize) -> Result<Option<String>, ClientError> {
    match serde_json::to_string(params) {
        Ok(text) if text == "null" => Ok(None),
        Ok(text) => Ok(Some(text)),
        Err(error) => Err(ClientError::Encode {
            method: method.to_owned(),
            reason: error.to_string(),
        }),
    }
}

/// One call, not sent yet: await it to send it alone, or add it to a [`Batch`]. `T` is the
/// type the result decodes into.
#[must_use = "a call does nothing until it is awaited or added to a batch"]
pub struct Call<T> {
    pub(crate) client: Client,
    pub(crate) method: String,
    pub(crate) params: Result<Option<String>, ClientError>,
    result: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for Call<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("method", &self.method)
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

impl<T> Call<T> {
    pub(crate) fn new(
        client: Client,
        method: String,
        params: Result<Option<String>, ClientError>,
    ) -> Self {
        Call {
            client,
            method,
            params,
            result: PhantomData,
        }
    }

    /// The method name sent, namespace included.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The params sent, as JSON text (`None`: no params).
    pub fn params(&self) -> Result<Option<&str>, &ClientError> {
        self.params.as_ref().map(Option::as_deref)
    }

    /// The same request as a notification: the server runs it and answers nothing.
    pub fn into_notification(self) -> Notification {
        Notification {
            client: self.client,
            method: self.method,
            params: self.params,
        }
    }
}

impl<T: DeserializeOwned + 'static> Call<T> {
    /// Sends the call and decodes its result.
    pub async fn send(self) -> Result<T, ClientError> {
        let params = self.params?;
        let id = self.client.next_id();
        let request = Outgoing::single(self.method, params, Some(id));
        let body = self.client.send(&request).await?.unwrap_or_default();
        let raw = answer::single(&body, id)?.map_err(ClientError::Rpc)?;
        answer::decode(request.method().unwrap_or_default(), &raw)
    }
}

impl<T: DeserializeOwned + 'static> IntoFuture for Call<T> {
    type Output = Result<T, ClientError>;
    type IntoFuture = BoxFuture<'static, Result<T, ClientError>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// One notification, not sent yet: await it to send it alone, or add it to a [`Batch`]. The
/// server answers nothing, so success means only that the request was delivered.
#[must_use = "a notification does nothing until it is awaited or added to a batch"]
pub struct Notification {
    pub(crate) client: Client,
    pub(crate) method: String,
    pub(crate) params: Result<Option<String>, ClientError>,
}

impl fmt::Debug for Notification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notification")
            .field("method", &self.method)
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

impl Notification {
    /// The method name sent, namespace included.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// Sends the notification. An answer from the server (which must not answer
    /// notifications) is a [`ClientError::Protocol`].
    pub async fn send(self) -> Result<(), ClientError> {
        let request = Outgoing::single(self.method, self.params?, None);
        match self.client.send(&request).await? {
            None => Ok(()),
            Some(body) => Err(ClientError::Protocol(format!(
                "the server answered a notification: {}",
                String::from_utf8_lossy(&body[..body.len().min(200)])
            ))),
        }
    }
}

impl IntoFuture for Notification {
    type Output = Result<(), ClientError>;
    type IntoFuture = BoxFuture<'static, Result<(), ClientError>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
