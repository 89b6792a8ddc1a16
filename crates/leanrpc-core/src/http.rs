//! The HTTP boundary, without an HTTP crate: a transport-neutral request and response, POST and
//! GET decoding, path and method rules, authentication, and the status mapping.

use std::borrow::Cow;
use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde_json::value::RawValue;

use crate::auth::{AuthError, Authenticator, Caller, Credentials, RateStatus};
use crate::context::HeaderSource;
use crate::envelope::{Envelope, Id, Item};
use crate::error::RpcError;
use crate::response;
use crate::server::Server;

/// The header that carries the API key.
pub const API_KEY_HEADER: &str = "x-api-key";

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
    fn json(status: u16, body: Vec<u8>) -> Self {
        let headers = if body.is_empty() {
            Vec::new()
        } else {
            vec![("content-type", Cow::Borrowed("application/json"))]
        };
        Self {
            status,
            headers,
            body,
        }
    }

    fn error(status: u16, error: RpcError) -> Self {
        Self::json(status, response::error_body(&error, None))
    }

    /// The 413 answer for a body over `limit` bytes, for adapters that refuse a body before
    /// buffering it (the same answer [`Server::handle`] gives).
    pub fn payload_too_large(limit: usize) -> Self {
        Self::error(
            413,
            RpcError::invalid_request().data(format!("body larger than {limit} bytes")),
        )
    }

    /// The 400 answer for a body that could not be read (the client went away or sent a
    /// malformed stream).
    pub fn unreadable_body() -> Self {
        Self::error(
            400,
            RpcError::parse_error().data("the request body could not be read"),
        )
    }

    /// The 408 answer for a body that did not arrive within `limits.body_read_timeout`.
    pub fn body_timeout() -> Self {
        Self::error(
            408,
            RpcError::invalid_request().data("the request body did not arrive in time"),
        )
    }

    /// The value of header `name`, if set.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }
}

impl Server {
    /// Whether requests are authenticated (an [`crate::Authenticator`] is set), so that an
    /// adapter can tell whether the client's address matters.
    pub fn authenticates(&self) -> bool {
        self.authenticator().is_some()
    }

    /// Whether `path` is this server's endpoint (ignoring ASCII case and one trailing slash).
    pub fn matches_path(&self, path: &str) -> bool {
        let want = self.path().trim_end_matches('/');
        let got = path.strip_suffix('/').unwrap_or(path);
        got.eq_ignore_ascii_case(want)
    }

    /// Whether `path` is the reference page's own path, `{endpoint}/reference` (ignoring ASCII
    /// case and one trailing slash).
    pub fn matches_reference_path(&self, path: &str) -> bool {
        let want = self.path().trim_end_matches('/');
        let got = path.strip_suffix('/').unwrap_or(path);
        got.len() == want.len() + REFERENCE_SUFFIX.len()
            && got.is_char_boundary(want.len())
            && got[..want.len()].eq_ignore_ascii_case(want)
            && got[want.len()..].eq_ignore_ascii_case(REFERENCE_SUFFIX)
    }

    /// The reference page, when `req` asks for it: `GET {path}/reference`, or `GET {path}` from
    /// a browser (`Accept` names `text/html`) without a `method` in the query.
    fn reference_response(&self, req: &HttpRequest<'_>) -> Option<HttpResponse> {
        if req.method != "GET" {
            return None;
        }
        let page = self.page()?;
        let wanted = self.matches_reference_path(req.path)
            || (self.matches_path(req.path)
                && accepts_html(req.headers.header("accept"))
                && !query_names_method(req.query.unwrap_or("")));
        if !wanted {
            return None;
        }
        // The same bytes for every request: nothing of the request (its `Host` least of all)
        // goes into the page.
        let body = page.as_bytes().to_vec();
        let headers = vec![
            ("content-type", Cow::Borrowed("text/html; charset=utf-8")),
            // Nothing but the inline style: no scripts, no frames, no requests.
            (
                "content-security-policy",
                Cow::Borrowed(
                    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; \
                     form-action 'none'; frame-ancestors 'none'",
                ),
            ),
            ("x-content-type-options", Cow::Borrowed("nosniff")),
            ("referrer-policy", Cow::Borrowed("no-referrer")),
            ("vary", Cow::Borrowed("accept")),
        ];
        Some(HttpResponse {
            status: 200,
            headers,
            body,
        })
    }

    /// Answers one HTTP request whose body has been read in full.
    pub async fn handle(&self, req: &HttpRequest<'_>) -> HttpResponse {
        self.handle_admitted(req, Admission(Admitted::Deferred))
            .await
    }

    /// Looks at a POST's head before its body is read: the path, the content type and the
    /// credentials. An adapter calls it with an empty `body`, then reads the body only as far
    /// as the answer needs (see [`Admission::is_refused`]) and passes both to
    /// [`Server::handle_admitted`]. `Err` is the complete answer (404, 415), given without
    /// reading the body.
    ///
    /// Anything but a POST to the endpoint is left to [`Server::handle_admitted`], which then
    /// gives the answers of [`Server::handle`].
    pub async fn admit(&self, req: &HttpRequest<'_>) -> Result<Admission, HttpResponse> {
        if req.method != "POST" {
            return Ok(Admission(Admitted::Deferred));
        }
        if !self.matches_path(req.path) {
            return Err(not_found());
        }
        self.check_content_type(req)?;
        let Some(auth) = self.authenticator() else {
            return Ok(Admission(Admitted::Deferred));
        };
        Ok(Admission(match authenticate(auth, req).await {
            Ok(caller) => Admitted::Caller(caller),
            Err(error) => {
                tracing::debug!(?error, peer = ?req.peer, "authentication failed");
                Admitted::Refused(error)
            }
        }))
    }

    /// Answers one HTTP request whose credentials [`Server::admit`] already checked: the same
    /// answers as [`Server::handle`], without authenticating or checking the head a second
    /// time. `req` must be the request `admit` saw, now with its body.
    pub async fn handle_admitted(
        &self,
        req: &HttpRequest<'_>,
        admission: Admission,
    ) -> HttpResponse {
        // Admitted or refused, the head was checked already: a POST to the endpoint with an
        // acceptable content type.
        let head_checked = !matches!(admission.0, Admitted::Deferred);
        if !head_checked {
            if let Some(page) = self.reference_response(req) {
                return page;
            }
            if !self.matches_path(req.path) {
                return not_found();
            }
        }
        let get_body;
        let body: &[u8] = match req.method {
            "POST" if head_checked => {
                let limit = self.limits().max_body_bytes;
                if req.body.len() > limit {
                    return HttpResponse::payload_too_large(limit);
                }
                req.body
            }
            "POST" => {
                if let Err(response) = self.check_post(req) {
                    return response;
                }
                req.body
            }
            "GET" => {
                let query = req.query.unwrap_or("");
                if query.len() > self.limits().max_query_bytes {
                    let limit = self.limits().max_query_bytes;
                    return HttpResponse::error(
                        414,
                        RpcError::invalid_request()
                            .data(format!("query longer than {limit} bytes")),
                    );
                }
                match query_to_json(query) {
                    Ok(json) => {
                        get_body = json;
                        get_body.as_bytes()
                    }
                    Err(error) => return HttpResponse::error(200, error),
                }
            }
            _ => {
                let mut response =
                    HttpResponse::error(405, RpcError::invalid_request().data("use POST or GET"));
                response.headers.push(("allow", Cow::Borrowed("GET, POST")));
                return response;
            }
        };
        let envelope = match self.decode(body) {
            Ok(envelope) => envelope,
            Err(answer) => return HttpResponse::json(200, answer),
        };
        let Some(auth) = self.authenticator() else {
            return HttpResponse::json(200, self.answer(&envelope, None, req.headers).await);
        };
        let verdict = match admission.0 {
            Admitted::Caller(caller) => Ok(caller),
            Admitted::Refused(error) => Err(error),
            Admitted::Deferred => authenticate(auth, req).await.inspect_err(|error| {
                tracing::debug!(?error, peer = ?req.peer, "authentication failed");
            }),
        };
        let caller = match verdict {
            Ok(caller) => caller,
            Err(error) => return refused(&error, single_id(&envelope)),
        };
        let calls = match &envelope {
            Envelope::Single(_) => 1,
            Envelope::Batch(items) => items.len(),
        };
        let rate = match auth.charge(&caller, calls) {
            Ok(rate) => rate,
            Err(throttled) => {
                let id = match &envelope {
                    Envelope::Single(Item::Call(call)) => call.id,
                    _ => None,
                };
                return too_many(id, throttled.retry_after, Some(throttled.limit));
            }
        };
        let mut response = HttpResponse::json(
            200,
            self.answer(&envelope, Some(&caller), req.headers).await,
        );
        if let RateStatus::Limited { limit, remaining } = rate {
            response
                .headers
                .push(("x-ratelimit-limit", Cow::Owned(limit.to_string())));
            response
                .headers
                .push(("x-ratelimit-remaining", Cow::Owned(remaining.to_string())));
        }
        response
    }

    fn check_post(&self, req: &HttpRequest<'_>) -> Result<(), HttpResponse> {
        let limit = self.limits().max_body_bytes;
        if req.body.len() > limit {
            return Err(HttpResponse::payload_too_large(limit));
        }
        self.check_content_type(req)
    }

    fn check_content_type(&self, req: &HttpRequest<'_>) -> Result<(), HttpResponse> {
        match req.headers.header("content-type") {
            None => Ok(()),
            Some(value) if acceptable_content_type(value) => Ok(()),
            Some(_) => Err(HttpResponse::error(
                415,
                RpcError::invalid_request().data("Content-Type must be application/json (UTF-8)"),
            )),
        }
    }
}

/// The sub-path of the endpoint that serves the reference page.
const REFERENCE_SUFFIX: &str = "/reference";

/// Whether an `Accept` header names `text/html` (what browsers send for a page).
fn accepts_html(accept: Option<&[u8]>) -> bool {
    accept
        .and_then(|a| std::str::from_utf8(a).ok())
        .is_some_and(|a| {
            a.split(',').any(|media| {
                media
                    .split(';')
                    .next()
                    .is_some_and(|m| m.trim().eq_ignore_ascii_case("text/html"))
            })
        })
}

/// Whether a GET query carries a `method`, i.e. is a call rather than a page view.
fn query_names_method(query: &str) -> bool {
    query.split('&').any(|pair| {
        let key = pair.split_once('=').map_or(pair, |(k, _)| k);
        percent_decode(key, true).is_ok_and(|k| k == "method")
    })
}

/// What [`Server::admit`] decided from a POST's head, for [`Server::handle_admitted`].
#[derive(Debug)]
pub struct Admission(Admitted);

#[derive(Debug)]
enum Admitted {
    /// Nothing checked yet: [`Server::handle_admitted`] does it all, as [`Server::handle`].
    Deferred,
    /// The credentials were accepted.
    Caller(Arc<Caller>),
    /// The credentials were refused.
    Refused(AuthError),
}

impl Admission {
    /// Whether the credentials were refused. The answer (401, or 429 after too many failed
    /// attempts) then needs the body only to echo the request's id: an adapter should read at
    /// most a small body for it, and answer a larger one with [`Admission::refusal`] unread.
    pub fn is_refused(&self) -> bool {
        matches!(self.0, Admitted::Refused(_))
    }

    /// The answer to refused credentials when the body was not read: the 401 (or 429) that
    /// [`Server::handle`] gives, with `"id": null`, since the id is in the unread body.
    /// `None` when the credentials were not refused.
    pub fn refusal(&self) -> Option<HttpResponse> {
        match &self.0 {
            Admitted::Refused(error) => Some(refused(error, None)),
            _ => None,
        }
    }
}

/// The JSON 404 for a path that is not the endpoint.
fn not_found() -> HttpResponse {
    HttpResponse::error(
        404,
        RpcError::method_not_found().data("no JSON-RPC endpoint at this path"),
    )
}

/// Authenticates a request's credentials. Two keys are not one: which would count depends on
/// the stack (first, last, joined), and a proxy in front may check one while the server reads
/// the other, so a request with several `x-api-key` headers is refused before any lookup.
async fn authenticate(
    auth: &dyn Authenticator,
    req: &HttpRequest<'_>,
) -> Result<Arc<Caller>, AuthError> {
    if req.headers.header_count(API_KEY_HEADER) > 1 {
        return Err(AuthError::SeveralKeys);
    }
    let credentials =
        Credentials::new(req.headers.header(API_KEY_HEADER), req.peer).with_headers(req.headers);
    auth.authenticate(credentials).await
}

/// The id a refusal echoes: a single request's, when it has one.
fn single_id<'a>(envelope: &Envelope<'a>) -> Option<Id<'a>> {
    match envelope {
        Envelope::Single(Item::Call(call)) => call.id,
        Envelope::Single(Item::Invalid { id, .. }) => *id,
        Envelope::Batch(_) => None,
    }
}

/// The answer to refused credentials: 429 after too many failed attempts, otherwise 401.
fn refused(error: &AuthError, id: Option<Id<'_>>) -> HttpResponse {
    match error {
        AuthError::RateLimited { retry_after } => too_many(id, *retry_after, None),
        AuthError::SeveralKeys => HttpResponse::json(
            401,
            response::error_body(
                &RpcError::unauthorized()
                    .data("send one x-api-key header; this request has several"),
                id,
            ),
        ),
        _ => HttpResponse::json(401, response::error_body(&RpcError::unauthorized(), id)),
    }
}

/// The 429 answer; `limit` is the key's call limit when a per-key limit refused the request.
fn too_many(id: Option<Id<'_>>, retry_after: u64, limit: Option<u64>) -> HttpResponse {
    let mut response = HttpResponse::json(
        429,
        response::error_body(&RpcError::new(crate::ErrorCode::RATE_LIMITED), id),
    );
    response
        .headers
        .push(("retry-after", Cow::Owned(retry_after.to_string())));
    response
        .headers
        .push(("x-ratelimit-remaining", Cow::Borrowed("0")));
    if let Some(limit) = limit {
        response
            .headers
            .push(("x-ratelimit-limit", Cow::Owned(limit.to_string())));
    }
    response
}

/// JSON in any of its registered spellings, and the types clients send by default
/// (`curl -d` sends form-urlencoded, some send text/plain). A charset other than UTF-8 is refused.
fn acceptable_content_type(value: &[u8]) -> bool {
    // What nearly every client sends, without the general parse below.
    if value.eq_ignore_ascii_case(b"application/json") {
        return true;
    }
    let Ok(value) = std::str::from_utf8(value) else {
        return false;
    };
    let mut parts = value.split(';');
    let media = parts.next().unwrap_or("").trim();
    let known = [
        "application/json",
        "application/json-rpc",
        "application/jsonrequest",
        "text/plain",
        "application/x-www-form-urlencoded",
    ];
    if !known.iter().any(|k| media.eq_ignore_ascii_case(k)) {
        return false;
    }
    parts.all(|param| match param.split_once('=') {
        Some((name, value)) if name.trim().eq_ignore_ascii_case("charset") => {
            let value = value.trim().trim_matches('"');
            value.eq_ignore_ascii_case("utf-8") || value.eq_ignore_ascii_case("utf8")
        }
        _ => true,
    })
}

const BASE64_CONFIG: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const BASE64_STANDARD: GeneralPurpose =
    GeneralPurpose::new(&base64::alphabet::STANDARD, BASE64_CONFIG);
const BASE64_URL_SAFE: GeneralPurpose =
    GeneralPurpose::new(&base64::alphabet::URL_SAFE, BASE64_CONFIG);

/// Turns a GET query (`method`, `jsonrpc`, `id`, `params` as base64 JSON) into the JSON body of
/// the equivalent POST, so both paths share one parser and one set of rules.
///
/// Every occurrence of the four keys is kept, so a repeated key is the same -32600 it would be
/// in a POST body. Other keys (including an `x-api-key` that must not be in URLs) are ignored.
pub fn query_to_json(query: &str) -> Result<String, RpcError> {
    let mut json = String::with_capacity(query.len() + 32);
    json.push('{');
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(key, true)?;
        let member = match key.as_ref() {
            "method" | "jsonrpc" | "id" | "params" => key,
            _ => continue,
        };
        if json.len() > 1 {
            json.push(',');
        }
        json.push('"');
        json.push_str(&member);
        json.push_str("\":");
        match member.as_ref() {
            "params" => json.push_str(&decode_params(value)?),
            "id" => {
                let id = percent_decode(value, true)?;
                if is_json_number(&id) {
                    json.push_str(&id);
                } else {
                    push_json_string(&mut json, &id);
                }
            }
            _ => push_json_string(&mut json, &percent_decode(value, true)?),
        }
    }
    json.push('}');
    Ok(json)
}

fn parse_error(reason: &str) -> RpcError {
    RpcError::parse_error().data(reason)
}

/// Percent-decodes a query component, refusing malformed escapes and invalid UTF-8.
/// With `plus_is_space`, `+` means a space (form encoding); base64 params keep a literal `+`.
fn percent_decode(text: &str, plus_is_space: bool) -> Result<Cow<'_, str>, RpcError> {
    let bytes = text.as_bytes();
    if !bytes
        .iter()
        .any(|b| *b == b'%' || (plus_is_space && *b == b'+'))
    {
        return Ok(Cow::Borrowed(text));
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let byte = match bytes.get(i + 1..i + 3) {
                    Some(&[high, low]) => hex_digit(high).zip(hex_digit(low)),
                    _ => None,
                }
                .map(|(high, low)| high << 4 | low)
                .ok_or_else(|| parse_error("invalid percent-encoding in the query"))?;
                out.push(byte);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out)
        .map(Cow::Owned)
        .map_err(|_| parse_error("the query is not valid UTF-8"))
}

/// The value of one hexadecimal digit.
fn hex_digit(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Decodes `params`: url-encoding, then base64 (standard or url-safe, padded or not), then UTF-8
/// JSON holding exactly one value.
fn decode_params(value: &str) -> Result<String, RpcError> {
    let text = percent_decode(value, false)?;
    let text = text.trim_end_matches('=');
    let engine = if text.contains(['-', '_']) {
        &BASE64_URL_SAFE
    } else {
        &BASE64_STANDARD
    };
    let bytes = engine
        .decode(text)
        .map_err(|_| parse_error("params is not valid base64"))?;
    let json = String::from_utf8(bytes).map_err(|_| parse_error("params is not valid UTF-8"))?;
    serde_json::from_str::<&RawValue>(&json)
        .map_err(|_| parse_error("params is not valid JSON"))?;
    Ok(json)
}

fn is_json_number(text: &str) -> bool {
    matches!(text.as_bytes().first(), Some(b'-' | b'0'..=b'9'))
        && serde_json::from_str::<&RawValue>(text).is_ok()
}

fn push_json_string(json: &mut String, text: &str) {
    // Method names and most ids need no escaping: copied between quotes as they are.
    if !text.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        json.push('"');
        json.push_str(text);
        json.push('"');
    } else if let Ok(quoted) = serde_json::to_string(text) {
        // Writing a str into a String cannot fail.
        json.push_str(&quoted);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_becomes_equivalent_json() {
        let q =
            "method=leantime.rpc.tickets.getTicket&jsonrpc=2.0&id=1&params=eyJpZCI6IjkifQ%3D%3D";
        assert_eq!(
            query_to_json(q).unwrap(),
            r#"{"method":"leantime.rpc.tickets.getTicket","jsonrpc":"2.0","id":1,"params":{"id":"9"}}"#
        );
        assert_eq!(
            query_to_json("id=abc&x-api-key=secret").unwrap(),
            r#"{"id":"abc"}"#
        );
        assert_eq!(
            query_to_json("id=-1.5&method=a+b").unwrap(),
            r#"{"id":-1.5,"method":"a b"}"#
        );
        assert_eq!(query_to_json("id=%22q%22").unwrap(), r#"{"id":"\"q\""}"#);
        assert_eq!(
            query_to_json("method=a%0ab%2Bc%e2%9c%93").unwrap(),
            r#"{"method":"a\nb+c✓"}"#
        );
    }

    #[test]
    fn params_accept_both_alphabets_and_any_padding() {
        // [">>>?"] has '+' / '/' in standard base64 and '-' / '_' in url-safe.
        let json = r#"[">>>?"]"#;
        let std = base64::engine::general_purpose::STANDARD.encode(json);
        let url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
        assert!(std.contains('+') || std.contains('/'), "{std}");
        let encoded_std = std
            .replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D");
        for value in [
            std.clone(),
            encoded_std,
            url,
            std.trim_end_matches('=').to_owned(),
        ] {
            assert_eq!(decode_params(&value).unwrap(), json, "{value}");
        }
    }

    #[test]
    fn malformed_query_parts_are_parse_errors() {
        for (query, reason) in [
            ("params=%zz", "invalid percent-encoding in the query"),
            ("params=%4", "invalid percent-encoding in the query"),
            ("method=%ff", "the query is not valid UTF-8"),
            ("params=!!!!", "params is not valid base64"),
            ("params=%2F%2F%2F%2F", "params is not valid UTF-8"),
            ("params=e30gew", "params is not valid JSON"),
        ] {
            let err = query_to_json(query).unwrap_err();
            assert_eq!(err.code(), crate::ErrorCode::PARSE_ERROR, "{query}");
            assert_eq!(err.data_value().unwrap(), reason, "{query}");
        }
    }

    #[test]
    fn content_types() {
        for ok in [
            "application/json",
            "application/json; charset=utf-8",
            "Application/JSON;charset=\"UTF-8\"",
            "text/plain",
        ] {
            assert!(acceptable_content_type(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "application/xml",
            "application/json; charset=latin1",
            "multipart/form-data",
        ] {
            assert!(!acceptable_content_type(bad.as_bytes()), "{bad}");
        }
        assert!(!acceptable_content_type(b"\xff"));
    }
}
