//! One request from a stack on the `http` types: the head checked first (path, content type,
//! credentials), then the body read only as far as the answer needs.

use std::net::IpAddr;

use bytes::Bytes;
use http::Method;
use http_body::Body;

use crate::body::{BodyError, declared_length, read_body};
use crate::endpoint::Endpoint;
use crate::request::{HttpHeaders, HttpRequest, HttpResponse};

/// The most body read from a POST whose credentials were refused (64 KiB), only to echo its
/// id in the 401: a larger body is answered unread, with `"id": null`, so clients without a
/// valid key cannot make the server buffer bodies of up to `max_body_bytes`.
pub const REFUSED_BODY_BYTES: usize = 64 * 1024;

impl Endpoint {
    /// Answers one request, given as its head and body; `peer` is the client's address for
    /// the authenticator.
    ///
    /// A POST's credentials are checked before its body is read ([`Endpoint::admit`]).
    /// Refused, the body is read only when it is at most [`REFUSED_BODY_BYTES`] (so the answer
    /// is exactly that of [`Endpoint::handle`], the id echoed); a larger one gets the 401 (or
    /// 429) with `"id": null` at once, and the stack can close the connection instead of
    /// reading the rest. Accepted, the body is read up to `max_body_bytes` within
    /// `body_read_timeout` (413, 400 and 408 otherwise).
    ///
    /// ```
    /// use http_body_util::Full;
    /// use leanrpc_core::Server;
    /// use leanrpc_http::Endpoint;
    ///
    /// # futures_executor::block_on(async {
    /// let endpoint = Endpoint::new(Server::builder().build().unwrap());
    /// let request = http::Request::post("/api/jsonrpc")
    ///     .header("content-type", "application/json")
    ///     .body(Full::new(bytes::Bytes::from_static(br#"{"jsonrpc":"2.0","method":"x","id":1}"#)))
    ///     .unwrap();
    /// let (parts, body) = request.into_parts();
    /// let response = endpoint.respond(&parts, body, None).await;
    /// let response: http::Response<Full<bytes::Bytes>> = response.into_http();
    /// assert_eq!(response.status(), 200);
    /// # });
    /// ```
    pub async fn respond<B>(
        &self,
        parts: &http::request::Parts,
        body: B,
        peer: Option<IpAddr>,
    ) -> HttpResponse
    where
        B: Body<Data = Bytes> + Unpin,
    {
        let headers = HttpHeaders(&parts.headers);
        let mut request = HttpRequest {
            method: parts.method.as_str(),
            path: parts.uri.path(),
            query: parts.uri.query(),
            headers: &headers,
            body: &[],
            peer,
        };
        if parts.method != Method::POST {
            return self.handle(&request).await;
        }
        let limits = self.server().limits();
        let timeout = limits.body_read_timeout;
        if !self.server().authenticates() {
            // No key to check first: read the body, then answer.
            let limit = limits.max_body_bytes;
            let bytes = match read_body(body, &parts.headers, limit, timeout, self.timer()).await {
                Ok(bytes) => bytes,
                Err(error) => return error.into(),
            };
            request.body = &bytes;
            return self.handle(&request).await;
        }
        if declared_length(&parts.headers).is_some_and(|len| len > limits.max_body_bytes as u64) {
            return HttpResponse::payload_too_large(limits.max_body_bytes);
        }
        let admission = match self.admit(&request).await {
            Ok(admission) => admission,
            Err(answer) => return answer,
        };
        let limit = if admission.is_refused() {
            REFUSED_BODY_BYTES.min(limits.max_body_bytes)
        } else {
            limits.max_body_bytes
        };
        let bytes = match read_body(body, &parts.headers, limit, timeout, self.timer()).await {
            Ok(bytes) => bytes,
            Err(error) => {
                return match (error, admission.refusal()) {
                    (BodyError::TooLarge { .. }, Some(refusal)) => refusal,
                    _ => error.into(),
                };
            }
        };
        request.body = &bytes;
        self.handle_admitted(&request, admission).await
    }
}
