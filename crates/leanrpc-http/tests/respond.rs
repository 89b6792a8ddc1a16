//! `Endpoint::respond` on the `http` types, without a socket or a runtime: the body read under
//! the limit and the endpoint's timer, a body in several frames joined, and the key checked
//! from the head so that a refused request's large body is never read.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_executor::block_on;
use http_body::{Body, Frame};
use http_body_util::{Full, StreamBody};
use leanrpc_core::{
    AuthError, Authenticator, BoxFuture, Caller, Credentials, Limits, Role, Server, Timer,
};
use leanrpc_http::{Endpoint, HttpResponse, REFUSED_BODY_BYTES};
use leanrpc_test_support::caller;

const CALL: &str = r#"{"jsonrpc":"2.0","method":"nope","id":7}"#;
const NOT_FOUND: &str =
    r#"{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":7}"#;

/// A timer whose every sleep is already over.
struct Expired;

impl Timer for Expired {
    fn sleep(&self, _: Duration) -> BoxFuture<'static, ()> {
        Box::pin(std::future::ready(()))
    }
}

/// A body whose first frame never arrives.
struct Stalled;

impl Body for Stalled {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Pending
    }
}

/// A body that must not be read at all.
struct Untouchable;

impl Body for Untouchable {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        panic!("a refused request's large body was read")
    }
}

/// Accepts exactly the key `good`.
struct GoodKey;

impl Authenticator for GoodKey {
    fn authenticate<'a>(
        &'a self,
        credentials: Credentials<'a>,
    ) -> BoxFuture<'a, Result<Arc<Caller>, AuthError>> {
        Box::pin(async move {
            match credentials.api_key {
                Some(b"good") => Ok(Arc::new(caller(Role::Owner))),
                Some(_) => Err(AuthError::Rejected),
                None => Err(AuthError::Missing),
            }
        })
    }
}

fn endpoint(auth: bool, limits: Limits) -> Endpoint {
    let builder = Server::builder().limits(limits);
    let builder = if auth {
        builder.authenticator(GoodKey)
    } else {
        builder
    };
    Endpoint::new(builder.build().unwrap()).with_timer(Expired)
}

fn post(headers: &[(&str, &str)]) -> http::request::Parts {
    let mut request = http::Request::post("/api/jsonrpc");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(()).unwrap().into_parts().0
}

/// `response` without its `x-request-id` (every answer of `respond` carries one: checked
/// here), to compare it with an answer made by hand.
fn without_request_id(mut response: HttpResponse) -> HttpResponse {
    let before = response.headers.len();
    response.headers.retain(|(name, _)| *name != "x-request-id");
    assert_eq!(before - response.headers.len(), 1, "one x-request-id");
    response
}

fn text(response: &HttpResponse) -> &str {
    std::str::from_utf8(&response.body).unwrap()
}

#[test]
fn a_body_in_several_frames_is_joined_and_answered() {
    let endpoint = endpoint(false, Limits::default());
    let frames = CALL
        .as_bytes()
        .chunks(5)
        .map(|chunk| Ok::<_, Infallible>(Frame::data(Bytes::copy_from_slice(chunk))))
        .collect::<Vec<_>>();
    let body = StreamBody::new(futures_util::stream::iter(frames));
    let response = block_on(endpoint.respond(&post(&[]), body, None));
    assert_eq!((response.status, text(&response)), (200, NOT_FOUND));
}

#[test]
fn a_body_that_does_not_arrive_in_time_is_408() {
    for auth in [false, true] {
        let endpoint = endpoint(auth, Limits::default());
        let parts = post(&[("x-api-key", "good")]);
        let response = block_on(endpoint.respond(&parts, Stalled, None));
        assert_eq!(
            without_request_id(response.clone()),
            HttpResponse::body_timeout(),
            "auth: {auth}"
        );
        assert_eq!(response.status, 408);
    }
}

#[test]
fn a_body_over_the_limit_is_413_declared_or_sent() {
    let endpoint = endpoint(false, Limits::default().max_body_bytes(16));
    let declared = post(&[("content-length", "17")]);
    let response = block_on(endpoint.respond(&declared, Untouchable, None));
    assert_eq!(
        without_request_id(response),
        HttpResponse::payload_too_large(16)
    );
    let sent = Full::new(Bytes::from_static(&[b' '; 17]));
    let response = block_on(endpoint.respond(&post(&[]), sent, None));
    assert_eq!(response.status, 413);
    // Exactly at the limit: read, and answered (`{}` padded is an invalid request).
    let at = Full::new(Bytes::from(format!("{:<16}", "{}")));
    let response = block_on(endpoint.respond(&post(&[]), at, None));
    assert_eq!(response.status, 200, "{}", text(&response));
}

#[test]
fn a_refused_key_is_answered_from_the_head_without_reading_a_large_body() {
    let endpoint = endpoint(true, Limits::default());
    let large = (REFUSED_BODY_BYTES + 1).to_string();
    let parts = post(&[("x-api-key", "bad"), ("content-length", &large)]);
    let response = block_on(endpoint.respond(&parts, Untouchable, None));
    assert_eq!(
        (response.status, text(&response)),
        (
            401,
            r#"{"jsonrpc":"2.0","error":{"code":-32001,"message":"Unauthorized"},"id":null}"#
        )
    );
    // A small body is read, to echo its id.
    let parts = post(&[("x-api-key", "bad")]);
    let response = block_on(endpoint.respond(&parts, Full::new(Bytes::from(CALL)), None));
    assert_eq!(
        (response.status, text(&response)),
        (
            401,
            r#"{"jsonrpc":"2.0","error":{"code":-32001,"message":"Unauthorized"},"id":7}"#
        )
    );
    // Accepted: the body is read and the call answered.
    let parts = post(&[("x-api-key", "good")]);
    let response = block_on(endpoint.respond(&parts, Full::new(Bytes::from(CALL)), None));
    assert_eq!((response.status, text(&response)), (200, NOT_FOUND));
}

#[test]
fn the_answer_maps_onto_an_http_response() {
    let endpoint = endpoint(false, Limits::default());
    let parts = http::Request::put("/api/jsonrpc")
        .body(())
        .unwrap()
        .into_parts()
        .0;
    let response = block_on(endpoint.respond(&parts, Full::new(Bytes::new()), None));
    let response: http::Response<Full<Bytes>> = response.into_http();
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "GET, POST");
    assert_eq!(response.headers()["content-type"], "application/json");
}
