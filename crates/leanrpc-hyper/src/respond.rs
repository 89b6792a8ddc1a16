//! One request through the core: the head checked first (path, content type, credentials),
//! then the body read only as far as the answer needs.

use std::net::IpAddr;

use http::header::InvalidHeaderValue;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use hyper::body::{Body, Bytes};
use leanrpc_core::{HeaderSource, HttpRequest, HttpResponse, Server};

use tracing::Instrument as _;
use tracing::field::Empty;

use crate::body::{BodyError, declared_length, read_body};
use crate::request_id::{REQUEST_ID_HEADER, request_id_of};

/// The most body read from a POST whose credentials were refused (64 KiB), only to echo its
/// id in the 401: a larger body is answered unread, with `"id": null`, so clients without a
/// valid key cannot make the server buffer bodies of up to `max_body_bytes`.
pub const REFUSED_BODY_BYTES: usize = 64 * 1024;

/// Answers one request, given as its head and body, with `server`; `peer` is the client's
/// address for the authenticator.
///
/// A POST's credentials are checked before its body is read ([`Server::admit`]). Refused, the
/// body is read only when it is at most [`REFUSED_BODY_BYTES`] (so the answer is exactly that of
/// [`Server::handle`], the id echoed); a larger one gets the 401 (or 429) with `"id": null`
/// at once, and hyper closes the connection instead of reading the rest. Accepted, the body is
/// read up to `max_body_bytes` within `body_read_timeout` (413, 400 and 408 otherwise).
///
/// Every request gets an id ([`crate::request_id`]): its `x-request-id` when that is sound,
/// otherwise a new one. Handlers see it as the request's `x-request-id` header, the answer
/// carries it back, and the request runs in a span (`http.request`, target `leanrpc::http`)
/// that records it with the method, path, client address and status; the calls' spans open
/// inside it.
pub async fn respond<B>(
    server: &Server,
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
        let route = if server.matches_path(path) || server.matches_reference_path(path) {
            format!("{} {}", parts.method, server.path())
        } else {
            parts.method.to_string()
        };
        span.record("otel.name", route.as_str());
        if let Some(peer) = peer {
            span.record("client.address", tracing::field::display(peer));
        }
    }
    let mut response = answer(server, parts, body, peer, &request_id)
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

/// `text` cut to at most 128 bytes at a character boundary, for a span attribute.
fn cut(text: &str) -> &str {
    let mut end = text.len().min(128);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// [`respond`] without the span and the request id on the answer.
async fn answer<B>(
    server: &Server,
    parts: &http::request::Parts,
    body: B,
    peer: Option<IpAddr>,
    request_id: &str,
) -> HttpResponse
where
    B: Body<Data = Bytes> + Unpin,
{
    let headers = Headers {
        map: &parts.headers,
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
        return server.handle(&request).await;
    }
    let limits = server.limits();
    if !server.authenticates() {
        // No key to check first: read the body, then answer.
        let bytes = match read_body(
            body,
            &parts.headers,
            limits.max_body_bytes,
            limits.body_read_timeout,
        )
        .await
        {
            Ok(bytes) => bytes,
            Err(error) => return error.into(),
        };
        request.body = &bytes;
        return server.handle(&request).await;
    }
    if declared_length(&parts.headers).is_some_and(|len| len > limits.max_body_bytes as u64) {
        return HttpResponse::payload_too_large(limits.max_body_bytes);
    }
    let admission = match server.admit(&request).await {
        Ok(admission) => admission,
        Err(answer) => return answer,
    };
    let limit = if admission.is_refused() {
        REFUSED_BODY_BYTES.min(limits.max_body_bytes)
    } else {
        limits.max_body_bytes
    };
    let bytes = match read_body(body, &parts.headers, limit, limits.body_read_timeout).await {
        Ok(bytes) => bytes,
        Err(error) => {
            return match (error, admission.refusal()) {
                (BodyError::TooLarge { .. }, Some(refusal)) => refusal,
                _ => error.into(),
            };
        }
    };
    request.body = &bytes;
    server.handle_admitted(&request, admission).await
}

/// The core's answer as an HTTP response with body type `B`.
pub fn into_http<B: From<Bytes>>(response: HttpResponse) -> hyper::Response<B> {
    let mut out = hyper::Response::new(B::from(Bytes::from(response.body)));
    if response.status != 200 {
        *out.status_mut() =
            StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    if response.headers.is_empty() {
        return out;
    }
    let headers = out.headers_mut();
    headers.reserve(response.headers.len());
    for (name, value) in response.headers {
        let value = match value {
            // The core's fixed values (content types and the like) are `'static`: no copy, and
            // no validation beyond `from_static`'s.
            std::borrow::Cow::Borrowed(text) => header_value_static(text),
            std::borrow::Cow::Owned(text) => HeaderValue::try_from(text),
        };
        if let Ok(value) = value {
            headers.append(header_name(name), value);
        }
    }
    out
}

/// A `'static` header value without copying it, when it is a valid one.
fn header_value_static(text: &'static str) -> Result<HeaderValue, InvalidHeaderValue> {
    /// The content type of every JSON-RPC answer, checked once at compile time.
    const APPLICATION_JSON: HeaderValue = HeaderValue::from_static("application/json");
    if text == "application/json" {
        return Ok(APPLICATION_JSON);
    }
    // `from_static` panics on anything but visible ASCII and tabs; anything else goes the
    // checked, copying way.
    if text
        .bytes()
        .all(|b| b == b'\t' || (0x20..0x7f).contains(&b))
    {
        Ok(HeaderValue::from_static(text))
    } else {
        HeaderValue::from_str(text)
    }
}

/// The header name for one of the core's lowercase `'static` names; the common ones are
/// constants, so no parsing.
fn header_name(name: &'static str) -> HeaderName {
    use http::header;
    match name {
        "content-type" => header::CONTENT_TYPE,
        "allow" => header::ALLOW,
        "retry-after" => header::RETRY_AFTER,
        REQUEST_ID_HEADER => {
            const NAME: HeaderName = HeaderName::from_static(REQUEST_ID_HEADER);
            NAME
        }
        _ => HeaderName::from_static(name),
    }
}

/// Header access for the core: the request's headers, with `x-request-id` as the request id
/// in force (the client's, or the one made for it).
struct Headers<'a> {
    map: &'a HeaderMap,
    request_id: &'a str,
}

impl HeaderSource for Headers<'_> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        use http::header;
        // The names the core asks for on every request, as constants: no parsing, no hashing
        // of a name given as text.
        let value = match name {
            "content-type" => self.map.get(header::CONTENT_TYPE),
            "accept" => self.map.get(header::ACCEPT),
            "host" => self.map.get(header::HOST),
            REQUEST_ID_HEADER => return Some(self.request_id.as_bytes()),
            _ => self.map.get(name),
        };
        value.map(HeaderValue::as_bytes)
    }

    fn header_count(&self, name: &str) -> usize {
        if name == REQUEST_ID_HEADER {
            return 1;
        }
        self.map.get_all(name).iter().count()
    }
}
