//! Helpers shared by the integration tests: requests through the core's HTTP boundary.

#![allow(dead_code, unreachable_pub)]

use std::net::IpAddr;

use leanrpc_core::{Credentials, HeaderSource, HttpRequest, HttpResponse, Server};

/// Request headers as name/value pairs.
pub struct Headers(pub Vec<(&'static str, Vec<u8>)>);

impl HeaderSource for Headers {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }
}

/// POSTs `body` with an optional `x-api-key` from `peer`.
pub fn post(server: &Server, key: Option<&[u8]>, body: &str, peer: Option<IpAddr>) -> HttpResponse {
    let headers = Headers(key.map(|k| ("x-api-key", k.to_vec())).into_iter().collect());
    let req = HttpRequest {
        method: "POST",
        path: "/api/jsonrpc",
        query: None,
        headers: &headers,
        body: body.as_bytes(),
        peer,
    };
    futures_executor::block_on(server.handle(&req))
}

/// GETs with `query` and no headers.
pub fn get(server: &Server, query: &str) -> HttpResponse {
    let headers = Headers(Vec::new());
    let req = HttpRequest {
        method: "GET",
        path: "/api/jsonrpc",
        query: Some(query),
        headers: &headers,
        body: b"",
        peer: None,
    };
    futures_executor::block_on(server.handle(&req))
}

/// Credentials for a header value from no known address.
pub fn creds(key: &[u8]) -> Credentials<'_> {
    Credentials {
        api_key: Some(key),
        peer: None,
    }
}

/// The body as text.
pub fn body(response: &HttpResponse) -> String {
    String::from_utf8(response.body.clone()).unwrap()
}
