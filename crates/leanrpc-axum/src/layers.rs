//! Router-wide layers from tower-http: request ids on every route, and CORS.

use std::fmt;
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use http::{HeaderName, HeaderValue, Method, header};
use leanrpc_http::REQUEST_ID_HEADER;
use leanrpc_http::request_id::{is_valid_request_id, make_request_id};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};

/// Gives every request of `router` an `x-request-id` (with tower-http's request-id layers): a
/// sound incoming one (1 to 128 bytes of visible ASCII, sent once) is kept, any other is
/// replaced by a new one, and the id is copied onto the response. The JSON-RPC endpoint does
/// the same by itself ([`leanrpc_http::Endpoint::respond`]); this extends it to the router's other
/// routes and makes the id the same for both.
pub fn with_request_ids(router: Router) -> Router {
    router
        .layer(PropagateRequestIdLayer::new(HeaderName::from_static(
            REQUEST_ID_HEADER,
        )))
        .layer(SetRequestIdLayer::new(
            HeaderName::from_static(REQUEST_ID_HEADER),
            MakeId,
        ))
        .layer(axum::middleware::map_request(drop_unsound_request_id))
}

/// Removes an `x-request-id` that is not kept (malformed, too long, or sent more than once),
/// so that the next layer makes a new one.
async fn drop_unsound_request_id(mut request: Request) -> Request {
    let headers = request.headers_mut();
    let mut values = headers.get_all(REQUEST_ID_HEADER).iter();
    let sound = match (values.next(), values.next()) {
        (Some(value), None) => is_valid_request_id(value.as_bytes()),
        (None, _) => true,
        _ => false,
    };
    if !sound {
        headers.remove(REQUEST_ID_HEADER);
    }
    request
}

/// Makes request ids with [`make_request_id`].
#[derive(Debug, Clone, Copy)]
struct MakeId;

impl MakeRequestId for MakeId {
    fn make_request_id<B>(&mut self, _: &http::Request<B>) -> Option<RequestId> {
        HeaderValue::from_str(&make_request_id())
            .ok()
            .map(RequestId::new)
    }
}

/// An origin given to [`cors`] that is not one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorsOriginError {
    /// The value given.
    pub origin: String,
}

impl fmt::Display for CorsOriginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a CORS origin: give a scheme, a host and, when not the default, a port, \
             with no path and no trailing slash (for example `https://app.example.com` or \
             `http://localhost:5173`)",
            self.origin
        )
    }
}

impl std::error::Error for CorsOriginError {}

/// A CORS layer (tower-http's) letting pages from exactly `origins` call the API from a
/// browser: preflight requests are answered, `GET` and `POST` allowed, and the request headers
/// `x-api-key`, `content-type` and `x-request-id` may be sent. Answers expose the request id,
/// the rate-limit headers and `retry-after` to the page. No credentials mode: the API key is a
/// header the page sets, never a cookie.
///
/// Each origin must be `scheme://host[:port]` as browsers send it in `Origin`; anything else
/// (a path, a trailing slash, `*`, `null`) is refused, so a typo cannot open the API to more
/// pages than meant.
pub fn cors<S: AsRef<str>>(origins: &[S]) -> Result<CorsLayer, CorsOriginError> {
    let mut allowed = Vec::with_capacity(origins.len());
    for origin in origins {
        let origin = origin.as_ref();
        let refuse = || CorsOriginError {
            origin: origin.to_owned(),
        };
        let rest = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"))
            .ok_or_else(refuse)?;
        let host_ok = !rest.is_empty()
            && rest.bytes().all(|b| {
                b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']')
            });
        if !host_ok {
            return Err(refuse());
        }
        allowed.push(HeaderValue::from_str(origin).map_err(|_| refuse())?);
    }
    Ok(CorsLayer::new()
        .allow_origin(AllowOrigin::list(allowed))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            HeaderName::from_static(leanrpc_http::API_KEY_HEADER),
            header::CONTENT_TYPE,
            HeaderName::from_static(REQUEST_ID_HEADER),
        ])
        .expose_headers([
            HeaderName::from_static(REQUEST_ID_HEADER),
            HeaderName::from_static("x-ratelimit-limit"),
            HeaderName::from_static("x-ratelimit-remaining"),
            header::RETRY_AFTER,
        ])
        .max_age(Duration::from_secs(600)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_must_be_scheme_host_port() {
        assert!(
            cors(&[
                "https://app.example.com",
                "http://127.0.0.1:5173",
                "http://[::1]:8080"
            ])
            .is_ok()
        );
        for bad in [
            "*",
            "null",
            "app.example.com",
            "https://app.example.com/",
            "https://app.example.com/path",
            "https://",
            "ftp://x",
            "https://a b",
        ] {
            let error = cors(&[bad]).unwrap_err();
            assert_eq!(error.origin, bad);
            assert!(error.to_string().contains("not a CORS origin"), "{error}");
        }
    }
}
