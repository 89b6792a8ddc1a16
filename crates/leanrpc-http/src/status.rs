//! The HTTP answers that are not a JSON-RPC answer to the calls: each status code the endpoint
//! gives, with the JSON-RPC error object it carries, and the rate-limit headers.

use std::borrow::Cow;

use leanrpc_core::response::error_body;
use leanrpc_core::{AuthError, ErrorCode, Id, RateStatus, RpcError};

use crate::request::HttpResponse;

impl HttpResponse {
    /// A JSON answer; an empty body (notifications only) goes without a content type.
    pub(crate) fn json(status: u16, body: Vec<u8>) -> Self {
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

    /// One error object with a `null` id.
    pub(crate) fn error(status: u16, error: &RpcError) -> Self {
        Self::json(status, error_body(error, None))
    }

    /// The 413 answer for a body over `limit` bytes, for adapters that refuse a body before
    /// buffering it (the same answer [`Endpoint::handle`](crate::Endpoint::handle) gives).
    pub fn payload_too_large(limit: usize) -> Self {
        Self::error(
            413,
            &RpcError::invalid_request().data(format!("body larger than {limit} bytes")),
        )
    }

    /// The 400 answer for a body that could not be read (the client went away or sent a
    /// malformed stream).
    pub fn unreadable_body() -> Self {
        Self::error(
            400,
            &RpcError::parse_error().data("the request body could not be read"),
        )
    }

    /// The 408 answer for a body that did not arrive within `limits.body_read_timeout`.
    pub fn body_timeout() -> Self {
        Self::error(
            408,
            &RpcError::invalid_request().data("the request body did not arrive in time"),
        )
    }
}

/// The JSON 404 for a path that is not the endpoint.
pub(crate) fn not_found() -> HttpResponse {
    HttpResponse::error(
        404,
        &RpcError::method_not_found().data("no JSON-RPC endpoint at this path"),
    )
}

/// The 405 for a verb other than POST and GET, with the `allow` header.
pub(crate) fn method_not_allowed() -> HttpResponse {
    let mut response =
        HttpResponse::error(405, &RpcError::invalid_request().data("use POST or GET"));
    response.headers.push(("allow", Cow::Borrowed("GET, POST")));
    response
}

/// The 414 for a GET query over `limit` bytes.
pub(crate) fn uri_too_long(limit: usize) -> HttpResponse {
    HttpResponse::error(
        414,
        &RpcError::invalid_request().data(format!("query longer than {limit} bytes")),
    )
}

/// The 415 for a POST whose content type is not JSON (or not UTF-8).
pub(crate) fn unsupported_media_type() -> HttpResponse {
    HttpResponse::error(
        415,
        &RpcError::invalid_request().data("Content-Type must be application/json (UTF-8)"),
    )
}

/// The answer to refused credentials: 429 after too many failed attempts, otherwise 401.
pub(crate) fn refused(error: &AuthError, id: Option<Id<'_>>) -> HttpResponse {
    match error {
        AuthError::RateLimited { retry_after } => too_many(id, *retry_after, None),
        AuthError::SeveralKeys => HttpResponse::json(
            401,
            error_body(
                &RpcError::unauthorized()
                    .data("send one x-api-key header; this request has several"),
                id,
            ),
        ),
        _ => HttpResponse::json(401, error_body(&RpcError::unauthorized(), id)),
    }
}

/// The 429 answer; `limit` is the key's call limit when a per-key limit refused the request.
pub(crate) fn too_many(id: Option<Id<'_>>, retry_after: u64, limit: Option<u64>) -> HttpResponse {
    let mut response =
        HttpResponse::json(429, error_body(&RpcError::new(ErrorCode::RATE_LIMITED), id));
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

/// Adds the key's standing after a charged request, when a limit applies.
pub(crate) fn add_rate_headers(response: &mut HttpResponse, rate: RateStatus) {
    if let RateStatus::Limited { limit, remaining } = rate {
        response
            .headers
            .push(("x-ratelimit-limit", Cow::Owned(limit.to_string())));
        response
            .headers
            .push(("x-ratelimit-remaining", Cow::Owned(remaining.to_string())));
    }
}
