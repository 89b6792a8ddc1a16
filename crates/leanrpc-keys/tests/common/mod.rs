//! Helpers shared by the integration tests: requests through the HTTP endpoint.

#![allow(dead_code, unreachable_pub)]

use std::net::IpAddr;

use leanrpc_core::{Credentials, Server};
use leanrpc_http::HttpResponse;
use leanrpc_test_support::Request;

/// POSTs `body` with an optional `x-api-key` from `peer`.
pub fn post(server: &Server, key: Option<&[u8]>, body: &str, peer: Option<IpAddr>) -> HttpResponse {
    Request::post(body).api_key(key).peer(peer).send(server)
}

/// GETs with `query` and no headers.
pub fn get(server: &Server, query: &str) -> HttpResponse {
    Request::get(query).send(server)
}

/// Credentials for a header value from no known address.
pub fn creds(key: &[u8]) -> Credentials<'_> {
    Credentials::new(Some(key), None)
}

/// The body as text.
pub fn body(response: &HttpResponse) -> String {
    String::from_utf8(response.body.clone()).unwrap()
}
