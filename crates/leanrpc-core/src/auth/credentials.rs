//! [`Credentials`]: what an [`Authenticator`](crate::Authenticator) sees of a request.

use std::fmt;
use std::net::IpAddr;

use crate::context::{HeaderSource, NoHeaders};

/// What an [`Authenticator`](crate::Authenticator) sees of a request: the `x-api-key` header,
/// the client's address, and every request header, so that an authenticator for
/// `Authorization: Bearer`, a JWT or a signed request reads what it needs.
///
/// Fields are public to read; build one with [`Credentials::new`] (and
/// [`with_headers`](Self::with_headers)), so that what a future version adds is not a breaking
/// change. `Debug` shows neither the key nor the headers.
///
/// ```
/// use leanrpc_core::{Credentials, HeaderSource};
///
/// let headers: Vec<(&str, &[u8])> = vec![("authorization", b"Bearer t0ken")];
/// let credentials = Credentials::new(None, None).with_headers(&headers);
/// let token = credentials
///     .headers
///     .header("authorization")
///     .and_then(|v| v.strip_prefix(b"Bearer "));
/// assert_eq!(token, Some(&b"t0ken"[..]));
/// assert!(!format!("{credentials:?}").contains("t0ken"));
/// ```
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct Credentials<'a> {
    /// The raw `x-api-key` header, if present (any bytes; never logged). The server refuses a
    /// request that repeats it before any authenticator runs.
    pub api_key: Option<&'a [u8]>,
    /// The client's address, when the transport knows it.
    pub peer: Option<IpAddr>,
    /// Every request header (names lowercase). Empty for in-process calls.
    pub headers: &'a dyn HeaderSource,
}

impl<'a> Credentials<'a> {
    /// Credentials with an `x-api-key` value and a client address, and no other headers.
    pub fn new(api_key: Option<&'a [u8]>, peer: Option<IpAddr>) -> Self {
        Self {
            api_key,
            peer,
            headers: &NoHeaders,
        }
    }

    /// The same credentials with the request's `headers`.
    pub fn with_headers(mut self, headers: &'a dyn HeaderSource) -> Self {
        self.headers = headers;
        self
    }
}

impl fmt::Debug for Credentials<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("api_key", &self.api_key.map(|_| "[redacted]"))
            .field("peer", &self.peer)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_never_show_the_key() {
        let shown = format!("{:?}", Credentials::new(Some(b"lt_abc_secret"), None));
        assert!(
            shown.contains("[redacted]") && !shown.contains("secret") && !shown.contains("108"),
            "{shown}"
        );
    }

    #[test]
    fn headers_are_seen_but_never_shown() {
        let headers: Vec<(&str, &[u8])> = vec![("authorization", b"Bearer hidden-token")];
        let credentials = Credentials::new(None, None).with_headers(&headers);
        assert_eq!(
            credentials.headers.header("authorization"),
            Some(&b"Bearer hidden-token"[..])
        );
        let shown = format!("{credentials:?}");
        assert!(!shown.contains("hidden-token"), "{shown}");
        assert_eq!(
            Credentials::new(None, None).headers.header("authorization"),
            None
        );
    }
}
