//! The HTTP side of MCP's Streamable HTTP transport, on axum: which requests reach the protocol
//! and what the rest are answered.
//!
//! In order, each check answering before the next runs:
//!
//! 1. **Origin** (403): a request with an `Origin` header (what browsers send) whose value is
//!    not in [`crate::McpBuilder::allowed_origins`] (empty by default) is refused, as the
//!    specification requires of servers a browser can reach (DNS rebinding).
//! 2. **Verb** (405, `Allow: POST`): only POST. GET would open a server-to-client stream and
//!    DELETE would end a session; this server sends nothing unasked and keeps no sessions.
//! 3. **Key** (401 with `WWW-Authenticate: Bearer`): the API key from `x-api-key` or
//!    `Authorization: Bearer <key>`, checked by the server's own authenticator (which sees
//!    every header too) before the body is read. One key per request:
//!    two `x-api-key` headers, or both headers with different keys, are refused. Too many
//!    failed attempts from one address: 429 with `Retry-After`.
//! 4. **Accept** (406): the client must accept `application/json` (every answer is JSON; no
//!    revision requires a stream for a request that only calls a tool).
//! 5. **Content-Type** (415): `application/json`.
//! 6. **Body** (413): at most the server's `max_body_bytes`, read as it arrives.
//!
//! Every refusal has a JSON-RPC error body (`id: null`), like every other answer.

use std::net::{IpAddr, SocketAddr};

use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::response::Response;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::json;

use crate::Inner;
use crate::protocol::{self, Reply, code};
use crate::registry_view::{Refusal, RequestInfo};

/// Answers one HTTP request to the MCP endpoint.
pub(crate) async fn handle(inner: &Inner, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    if let Some(origin) = parts.headers.get(header::ORIGIN)
        && !inner.origin_allowed(origin.as_bytes())
    {
        tracing::debug!(
            ?origin,
            "MCP: refused a request from a browser origin not allowed"
        );
        return respond(Reply::error(
            403,
            code::INVALID_REQUEST,
            "Forbidden",
            Some(json!(
                "requests from this browser origin are not allowed: add it to the MCP \
                 service's allowed origins to let a page on it call"
            )),
        ));
    }
    if parts.method != http::Method::POST {
        let mut response = respond(Reply::error(
            405,
            code::INVALID_REQUEST,
            "Method Not Allowed",
            Some(json!(
                "use POST: this server answers each request in its response and keeps no \
                 sessions, so it opens no GET stream and has no session to DELETE"
            )),
        ));
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    let caller = match api_key(&parts.headers) {
        Err(why) => return unauthorized(why, true),
        Ok(key) => {
            let request = RequestInfo {
                headers: &parts.headers,
                peer: peer(&parts.extensions),
            };
            match inner.view.authenticate(key, request).await {
                Ok(caller) => caller,
                Err(Refusal::Unauthorized) => {
                    return unauthorized(
                        if key.is_none() {
                            "send an API key as `x-api-key: <key>` or `Authorization: Bearer <key>`"
                        } else {
                            "the key is unknown, malformed, revoked or expired"
                        },
                        key.is_some(),
                    );
                }
                Err(Refusal::RateLimited { retry_after }) => {
                    let mut response = respond(Reply::error(
                        429,
                        crate::registry_view::RATE_LIMITED,
                        "Too many requests",
                        Some(json!(format!(
                            "too many failed attempts from this address; retry after {retry_after} s"
                        ))),
                    ));
                    insert(&mut response, "retry-after", &retry_after.to_string());
                    return response;
                }
            }
        }
    };
    if !accepts_json(&parts.headers) {
        return respond(Reply::error(
            406,
            code::INVALID_REQUEST,
            "Not Acceptable",
            Some(json!(
                "every answer is application/json: accept it (MCP clients send \
                 `Accept: application/json, text/event-stream`)"
            )),
        ));
    }
    if !is_json(parts.headers.get(header::CONTENT_TYPE)) {
        return respond(Reply::error(
            415,
            code::INVALID_REQUEST,
            "Unsupported Media Type",
            Some(json!("Content-Type must be application/json")),
        ));
    }
    let limit = inner.max_body_bytes;
    let too_large = || {
        respond(Reply::error(
            413,
            code::INVALID_REQUEST,
            "Payload Too Large",
            Some(json!(format!("body larger than {limit} bytes"))),
        ))
    };
    if parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n > limit as u64)
    {
        return too_large();
    }
    let body = match http_body_util::Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) if error.is::<http_body_util::LengthLimitError>() => return too_large(),
        Err(_) => {
            return respond(Reply::error(
                400,
                code::PARSE_ERROR,
                "Parse error",
                Some(json!("the request body could not be read")),
            ));
        }
    };
    respond(protocol::handle(inner, &body, &parts.headers, caller.as_deref()).await)
}

/// The key a request carries: `x-api-key`, or the token of `Authorization: Bearer`. `Err`
/// says why a request with several keys is refused.
fn api_key(headers: &HeaderMap) -> Result<Option<&[u8]>, &'static str> {
    let mut x_api_key = headers.get_all("x-api-key").iter();
    let first = x_api_key.next();
    if x_api_key.next().is_some() {
        return Err("send one x-api-key header; this request has several");
    }
    let mut authorization = headers.get_all(header::AUTHORIZATION).iter();
    let bearer = authorization
        .next()
        .and_then(|v| bearer_token(v.as_bytes()));
    if authorization.next().is_some() {
        return Err("send one Authorization header; this request has several");
    }
    match (first.map(HeaderValue::as_bytes), bearer) {
        (Some(a), Some(b)) if a != b => {
            Err("the x-api-key and Authorization headers carry different keys: send one")
        }
        (Some(key), _) | (None, Some(key)) => Ok(Some(key)),
        (None, None) => Ok(None),
    }
}

/// The token of `Bearer <token>` (the scheme in any case).
fn bearer_token(value: &[u8]) -> Option<&[u8]> {
    let (scheme, rest) = value.split_at_checked(6)?;
    if !scheme.eq_ignore_ascii_case(b"bearer") || rest.first().is_none_or(|b| *b != b' ') {
        return None;
    }
    let token = rest.trim_ascii();
    (!token.is_empty()).then_some(token)
}

/// The 401 answer, with the challenge RFC 6750 describes.
fn unauthorized(why: &str, invalid_token: bool) -> Response {
    let mut response = respond(Reply::error(
        401,
        code::UNAUTHORIZED,
        "Unauthorized",
        Some(json!(why)),
    ));
    let challenge = if invalid_token {
        r#"Bearer realm="mcp", error="invalid_token""#
    } else {
        r#"Bearer realm="mcp""#
    };
    insert(&mut response, "www-authenticate", challenge);
    response
}

/// Whether the client accepts a JSON answer (no `Accept` means anything).
fn accepts_json(headers: &HeaderMap) -> bool {
    let mut values = headers.get_all(header::ACCEPT).iter().peekable();
    if values.peek().is_none() {
        return true;
    }
    values
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|entry| {
            let mut parts = entry.split(';');
            let media = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| {
                p.split_once('=').is_some_and(|(k, v)| {
                    k.trim().eq_ignore_ascii_case("q")
                        && v.trim().parse::<f64>().is_ok_and(|q| q == 0.0)
                })
            });
            !refused
                && ["application/json", "application/*", "*/*"]
                    .iter()
                    .any(|m| media.eq_ignore_ascii_case(m))
        })
}

/// Whether a Content-Type is JSON (`application/json`, any parameters, UTF-8 if a charset).
fn is_json(value: Option<&HeaderValue>) -> bool {
    let Some(value) = value.and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let mut parts = value.split(';');
    parts
        .next()
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
        && parts.all(|p| match p.split_once('=') {
            Some((k, v)) if k.trim().eq_ignore_ascii_case("charset") => {
                let v = v.trim().trim_matches('"');
                v.eq_ignore_ascii_case("utf-8") || v.eq_ignore_ascii_case("utf8")
            }
            _ => true,
        })
}

/// The client's address: the trusted-proxy one `leanrpc_axum::serve_with` records, else the
/// socket's.
fn peer(extensions: &http::Extensions) -> Option<IpAddr> {
    extensions
        .get::<leanrpc_hyper::ClientAddr>()
        .map(|c| c.0)
        .or_else(|| {
            extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip())
        })
}

fn insert(response: &mut Response, name: &'static str, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().insert(name, value);
    }
}

/// The HTTP response for a protocol reply.
fn respond(reply: Reply) -> Response {
    let mut response = match reply.body {
        Some(body) => {
            let mut response = Response::new(Body::from(body));
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
        None => Response::new(Body::empty()),
    };
    *response.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in reply.headers {
        insert(&mut response, name, &value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.append(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn keys_come_from_either_header_and_only_one_key_is_taken() {
        assert_eq!(api_key(&headers(&[])), Ok(None));
        assert_eq!(
            api_key(&headers(&[("x-api-key", "k1")])),
            Ok(Some(&b"k1"[..]))
        );
        assert_eq!(
            api_key(&headers(&[("authorization", "Bearer k2")])),
            Ok(Some(&b"k2"[..]))
        );
        assert_eq!(
            api_key(&headers(&[("authorization", "bearer  k2 ")])),
            Ok(Some(&b"k2"[..]))
        );
        assert_eq!(
            api_key(&headers(&[("authorization", "Basic xyz")])),
            Ok(None)
        );
        assert_eq!(
            api_key(&headers(&[
                ("x-api-key", "k"),
                ("authorization", "Bearer k")
            ])),
            Ok(Some(&b"k"[..]))
        );
        assert!(
            api_key(&headers(&[
                ("x-api-key", "a"),
                ("authorization", "Bearer b")
            ]))
            .is_err()
        );
        assert!(api_key(&headers(&[("x-api-key", "a"), ("x-api-key", "a")])).is_err());
    }

    #[test]
    fn accept_and_content_type() {
        assert!(accepts_json(&headers(&[])));
        assert!(accepts_json(&headers(&[(
            "accept",
            "application/json, text/event-stream"
        )])));
        assert!(accepts_json(&headers(&[("accept", "*/*")])));
        assert!(!accepts_json(&headers(&[("accept", "text/event-stream")])));
        assert!(!accepts_json(&headers(&[(
            "accept",
            "application/json;q=0"
        )])));
        assert!(is_json(Some(&HeaderValue::from_static("application/json"))));
        assert!(is_json(Some(&HeaderValue::from_static(
            "Application/JSON; charset=utf-8"
        ))));
        assert!(!is_json(Some(&HeaderValue::from_static("text/plain"))));
        assert!(!is_json(Some(&HeaderValue::from_static(
            "application/json; charset=latin1"
        ))));
        assert!(!is_json(None));
    }
}
