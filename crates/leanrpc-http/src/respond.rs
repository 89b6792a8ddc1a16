//! One request from a stack on the `http` types: the head checked first (path, content type,
//! credentials), then the body read only as far as the answer needs.

use std::net::IpAddr;

use bytes::Bytes;
use http::Method;
use http_body::Body;
use tracing::Instrument as _;
use tracing::field::Empty;

use crate::body::{BodyError, declared_length, read_body};
use crate::endpoint::Endpoint;
use crate::request::{HttpHeaders, HttpRequest, HttpResponse};
use crate::request_id::{REQUEST_ID_HEADER, WithRequestId, request_id_of};

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
    /// Every request gets an id ([`crate::request_id`]): its `x-request-id` when that is sound,
    /// otherwise a new one. Handlers see it as the request's `x-request-id` header, the answer
    /// carries it back, and the request runs in a span (`http.request`, target `leanrpc::http`)
    /// that records it with the method, path, client address and status; the calls' spans open
    /// inside it.
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
        let request_id = request_id_of(&parts.headers);
        let span = tracing::info_span!(
            target: "leanrpc::http",
            "http.request",
            otel.name = Empty,
            otel.kind = "server",
            otel.status_code = Empty,
            "http.request.method" = parts.method.as_str(),
            "url.path" = cut(parts.uri.path()),
            "client.address" = Empty,
            "http.response.status_code" = Empty,
            request_id = request_id.as_str(),
        );
        if !span.is_disabled() {
            let path = parts.uri.path();
            // A bounded span name: the endpoint's own path, never one a client made up.
            let route = if self.matches_path(path) || self.matches_reference_path(path) {
                format!("{} {}", parts.method, self.server().path())
            } else {
                parts.method.to_string()
            };
            span.record("otel.name", route.as_str());
            if let Some(peer) = peer {
                span.record("client.address", tracing::field::display(peer));
            }
        }
        let mut response = self
            .answer(parts, body, peer, &request_id)
            .instrument(span.clone())
            .await;
        if !span.is_disabled() {
            span.record("http.response.status_code", response.status);
            if response.status >= 500 {
                span.record("otel.status_code", "ERROR");
            }
            span.in_scope(
                || tracing::debug!(target: "leanrpc::http", status = response.status, "answered"),
            );
        }
        response
            .headers
            .push((REQUEST_ID_HEADER, std::borrow::Cow::Owned(request_id)));
        response
    }

    /// [`Endpoint::respond`] without the span and the request id on the answer.
    async fn answer<B>(
        &self,
        parts: &http::request::Parts,
        body: B,
        peer: Option<IpAddr>,
        request_id: &str,
    ) -> HttpResponse
    where
        B: Body<Data = Bytes> + Unpin,
    {
        let headers = WithRequestId {
            headers: HttpHeaders(&parts.headers),
            request_id,
        };
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

/// `text` cut to at most 128 bytes at a character boundary, for a span attribute.
fn cut(text: &str) -> &str {
    let mut end = text.len().min(128);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}
