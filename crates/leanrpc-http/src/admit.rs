//! Admission: a POST's head checked before its body is read (the path, the content type and
//! the key), so that a client without a valid key cannot make the server buffer large bodies.

use std::sync::Arc;

use leanrpc_core::{AuthError, Authenticator, Caller, Credentials};

use crate::endpoint::Endpoint;
use crate::request::{HttpRequest, HttpResponse};
use crate::status;

/// The header that carries the API key.
pub const API_KEY_HEADER: &str = "x-api-key";

/// What [`Endpoint::admit`] decided from a POST's head, for [`Endpoint::handle_admitted`].
#[derive(Debug)]
pub struct Admission(pub(crate) Admitted);

#[derive(Debug)]
pub(crate) enum Admitted {
    /// Nothing checked yet: [`Endpoint::handle_admitted`] does it all, as [`Endpoint::handle`].
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
    /// [`Endpoint::handle`] gives, with `"id": null`, since the id is in the unread body.
    /// `None` when the credentials were not refused.
    pub fn refusal(&self) -> Option<HttpResponse> {
        match &self.0 {
            Admitted::Refused(error) => Some(status::refused(error, None)),
            _ => None,
        }
    }

    /// Nothing checked: [`Endpoint::handle_admitted`] checks it all.
    pub(crate) fn deferred() -> Self {
        Self(Admitted::Deferred)
    }
}

impl Endpoint {
    /// Looks at a POST's head before its body is read: the path, the content type and the
    /// credentials. An adapter calls it with an empty `body`, then reads the body only as far
    /// as the answer needs (see [`Admission::is_refused`]) and passes both to
    /// [`Endpoint::handle_admitted`]. `Err` is the complete answer (404, 415), given without
    /// reading the body.
    ///
    /// Anything but a POST to the endpoint is left to [`Endpoint::handle_admitted`], which then
    /// gives the answers of [`Endpoint::handle`]. [`Endpoint::respond`] takes these steps for
    /// stacks on the `http` types.
    pub async fn admit(&self, req: &HttpRequest<'_>) -> Result<Admission, HttpResponse> {
        if req.method != "POST" {
            return Ok(Admission::deferred());
        }
        if !self.matches_path(req.path) {
            return Err(status::not_found());
        }
        check_content_type(req)?;
        let Some(auth) = self.server().authenticator() else {
            return Ok(Admission::deferred());
        };
        Ok(Admission(match authenticate(auth, req).await {
            Ok(caller) => Admitted::Caller(caller),
            Err(error) => Admitted::Refused(error),
        }))
    }
}

/// Authenticates a request's credentials. Two keys are not one: which would count depends on
/// the stack (first, last, joined), and a proxy in front may check one while the server reads
/// the other, so a request with several `x-api-key` headers is refused before any lookup.
pub(crate) async fn authenticate(
    auth: &dyn Authenticator,
    req: &HttpRequest<'_>,
) -> Result<Arc<Caller>, AuthError> {
    let verdict = if req.headers.header_count(API_KEY_HEADER) > 1 {
        Err(AuthError::SeveralKeys)
    } else {
        let credentials = Credentials::new(req.headers.header(API_KEY_HEADER), req.peer)
            .with_headers(req.headers);
        auth.authenticate(credentials).await
    };
    verdict.inspect_err(|error| {
        tracing::debug!(?error, peer = ?req.peer, "authentication failed");
    })
}

/// A POST whose content type is absent or JSON (UTF-8); 415 otherwise.
pub(crate) fn check_content_type(req: &HttpRequest<'_>) -> Result<(), HttpResponse> {
    match req.headers.header("content-type") {
        None => Ok(()),
        Some(value) if acceptable_content_type(value) => Ok(()),
        Some(_) => Err(status::unsupported_media_type()),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
