//! The transport-neutral HTTP request and response any stack maps to and from, and the
//! mappings for stacks built on the `http` crate's types.

use std::borrow::Cow;
use std::fmt;
use std::net::IpAddr;

use bytes::Bytes;
use http::header::InvalidHeaderValue;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use leanrpc_core::HeaderSource;

/// An HTTP request as any HTTP stack can describe it.
#[derive(Clone, Copy)]
pub struct HttpRequest<'a> {
    /// The HTTP method (`"POST"`, `"GET"`, ...).
    pub method: &'a str,
    /// The request path, without the query.
    pub path: &'a str,
    /// The raw query string, without `?`.
    pub query: Option<&'a str>,
    /// The request headers.
    pub headers: &'a dyn HeaderSource,
    /// The complete body.
    pub body: &'a [u8],
    /// The client's address, when known.
    pub peer: Option<IpAddr>,
}

impl fmt::Debug for HttpRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Headers are left out on purpose: they carry the API key.
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("body_len", &self.body.len())
            .field("peer", &self.peer)
            .finish_non_exhaustive()
    }
}

/// An HTTP response: status, headers and body, for any HTTP stack to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Headers to send (names in lowercase).
    pub headers: Vec<(&'static str, Cow<'static, str>)>,
    /// The body; empty when there is nothing to answer.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The value of header `name`, if set.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }

    /// This answer as an `http` response with body type `B` (`http_body_util::Full<Bytes>`,
    /// `axum::body::Body`, ...). A header value that is not valid in HTTP is left out.
    ///
    /// ```
    /// use http_body_util::Full;
    /// use leanrpc_http::HttpResponse;
    ///
    /// let response = HttpResponse::payload_too_large(1024).into_http::<Full<bytes::Bytes>>();
    /// assert_eq!(response.status(), 413);
    /// assert_eq!(response.headers()["content-type"], "application/json");
    /// ```
    pub fn into_http<B: From<Bytes>>(self) -> http::Response<B> {
        let mut out = http::Response::new(B::from(Bytes::from(self.body)));
        if self.status != 200 {
            *out.status_mut() =
                StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        }
        if self.headers.is_empty() {
            return out;
        }
        let headers = out.headers_mut();
        headers.reserve(self.headers.len());
        for (name, value) in self.headers {
            let value = match value {
                // The endpoint's fixed values (content types and the like) are `'static`: no
                // copy, and no validation beyond `from_static`'s.
                Cow::Borrowed(text) => header_value_static(text),
                Cow::Owned(text) => HeaderValue::try_from(text),
            };
            if let Ok(value) = value {
                headers.append(header_name(name), value);
            }
        }
        out
    }
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

/// The header name for one of the endpoint's lowercase `'static` names; the common ones are
/// constants, so no parsing.
fn header_name(name: &'static str) -> HeaderName {
    use http::header;
    match name {
        "content-type" => header::CONTENT_TYPE,
        "allow" => header::ALLOW,
        "retry-after" => header::RETRY_AFTER,
        crate::REQUEST_ID_HEADER => {
            const NAME: HeaderName = HeaderName::from_static(crate::REQUEST_ID_HEADER);
            NAME
        }
        _ => HeaderName::from_static(name),
    }
}

/// An `http` header map as the core reads headers: every value of a repeated header is
/// counted, so two `x-api-key` headers are seen as two.
///
/// ```
/// use leanrpc_core::HeaderSource;
/// use leanrpc_http::HttpHeaders;
///
/// let mut map = http::HeaderMap::new();
/// map.append("x-api-key", "a".parse().unwrap());
/// map.append("x-api-key", "b".parse().unwrap());
/// let headers = HttpHeaders(&map);
/// assert_eq!(headers.header("x-api-key"), Some(&b"a"[..]));
/// assert_eq!(headers.header_count("x-api-key"), 2);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct HttpHeaders<'a>(pub &'a HeaderMap);

impl HeaderSource for HttpHeaders<'_> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        use http::header;
        // The names the endpoint asks for on every request, as constants: no parsing, no
        // hashing of a name given as text.
        let value = match name {
            "content-type" => self.0.get(header::CONTENT_TYPE),
            "accept" => self.0.get(header::ACCEPT),
            "host" => self.0.get(header::HOST),
            _ => self.0.get(name),
        };
        value.map(HeaderValue::as_bytes)
    }

    fn header_count(&self, name: &str) -> usize {
        self.0.get_all(name).iter().count()
    }
}
