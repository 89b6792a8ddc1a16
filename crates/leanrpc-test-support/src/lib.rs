//! Helpers shared by leanrpc's test suites, written once: a [`caller`] with a given role, and a
//! [`Request`] sent through the HTTP endpoint ([`Endpoint::handle`]) without a socket.
//!
//! Integration tests of every crate (the core's too: a dev-dependency cycle cargo allows) and the
//! fuzz targets use it. The core's own unit tests cannot: inside them `crate::Caller` is a
//! different type from the `leanrpc_core::Caller` this crate builds, so the core keeps one
//! `#[cfg(test)]` constructor of its own.

use std::net::IpAddr;

use leanrpc_core::{Caller, Grant, Role, Server};
use leanrpc_http::{Endpoint, HttpRequest, HttpResponse};

/// A caller with `role`, every project and every scope, as an authenticator would return for a
/// key with that grant. Its key id is `k1`, its name `test key`. For a narrower grant, change
/// it: `let mut c = caller(role); c.grant_mut().projects = vec![1];`.
pub fn caller(role: Role) -> Caller {
    Caller::new("k1", Grant::new("test key", role))
}

/// An HTTP request to a [`Server`], built up and then [sent](Request::send) through
/// [`Endpoint::handle`] on the current thread.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    method: &'a str,
    path: &'a str,
    query: Option<&'a str>,
    headers: Vec<(&'a str, &'a [u8])>,
    body: &'a [u8],
    peer: Option<IpAddr>,
}

impl<'a> Request<'a> {
    /// A request with HTTP method `method` to the default endpoint `/api/jsonrpc`, with no
    /// query, headers, body or peer address.
    pub fn new(method: &'a str) -> Self {
        Request {
            method,
            path: "/api/jsonrpc",
            query: None,
            headers: Vec::new(),
            body: b"",
            peer: None,
        }
    }

    /// `POST /api/jsonrpc` with `body`.
    pub fn post(body: &'a (impl AsRef<[u8]> + ?Sized)) -> Self {
        Request::new("POST").body(body.as_ref())
    }

    /// `GET /api/jsonrpc?{query}`.
    pub fn get(query: &'a str) -> Self {
        Request::new("GET").query(Some(query))
    }

    /// Sets the path.
    pub fn path(mut self, path: &'a str) -> Self {
        self.path = path;
        self
    }

    /// Sets the query string (without the `?`).
    pub fn query(mut self, query: Option<&'a str>) -> Self {
        self.query = query;
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: &'a str, value: &'a (impl AsRef<[u8]> + ?Sized)) -> Self {
        self.headers.push((name, value.as_ref()));
        self
    }

    /// Adds an `x-api-key` header when `key` is given.
    pub fn api_key(self, key: Option<&'a [u8]>) -> Self {
        match key {
            Some(key) => self.header("x-api-key", key),
            None => self,
        }
    }

    /// Sets the body.
    pub fn body(mut self, body: &'a [u8]) -> Self {
        self.body = body;
        self
    }

    /// Sets the peer address the request comes from.
    pub fn peer(mut self, peer: Option<IpAddr>) -> Self {
        self.peer = peer;
        self
    }

    /// Sends the request to `server`'s HTTP endpoint and waits for the answer.
    pub fn send(&self, server: &Server) -> HttpResponse {
        self.send_to(&Endpoint::new(server.clone()))
    }

    /// Sends the request to `endpoint` and waits for the answer.
    pub fn send_to(&self, endpoint: &Endpoint) -> HttpResponse {
        futures_executor::block_on(endpoint.handle(&HttpRequest {
            method: self.method,
            path: self.path,
            query: self.query,
            headers: &self.headers,
            body: self.body,
            peer: self.peer,
        }))
    }
}
