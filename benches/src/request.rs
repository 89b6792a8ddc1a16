//! The requests the in-process benches hand to `Endpoint::handle`: POSTs to `/api/jsonrpc` from
//! loopback, as the HTTP adapters would build them.

use std::net::{IpAddr, Ipv4Addr};

use leanrpc::HeaderSource;
use leanrpc::http::HttpRequest;

/// The peer address of every bench request: loopback, as a local load generator's.
pub const PEER: Option<IpAddr> = Some(IpAddr::V4(Ipv4Addr::LOCALHOST));

/// The headers of a JSON POST that sends `key` as `x-api-key`.
pub fn headers(key: &str) -> Vec<(&str, &[u8])> {
    vec![
        ("content-type", b"application/json".as_slice()),
        ("x-api-key", key.as_bytes()),
    ]
}

/// A POST of `body` with `headers` to the endpoint, from [`PEER`].
pub fn post<'a>(body: &'a [u8], headers: &'a dyn HeaderSource) -> HttpRequest<'a> {
    HttpRequest {
        method: "POST",
        path: "/api/jsonrpc",
        query: None,
        headers,
        body,
        peer: PEER,
    }
}
