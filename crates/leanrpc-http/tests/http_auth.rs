//! The HTTP endpoint with an authenticator: 401 for every broken-auth case with the request's id
//! when it can be read, a key in the query string ignored, rate limiting answered with 429 and
//! its headers, a batch counted per call, and auth done once per HTTP request.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use leanrpc_core::{
    AuthError, Authenticator, BoxFuture, Caller, Credentials, HeaderSource, RateStatus, Role,
    Server, Throttled,
};
use leanrpc_http::{Endpoint, HttpRequest, HttpResponse};
use leanrpc_test_support::{Request, caller};

/// Accepts exactly the key `good`, counts authentications, and allows `budget` calls in all.
struct FakeAuth {
    authentications: AtomicUsize,
    budget: Mutex<u64>,
}

impl Authenticator for &'static FakeAuth {
    fn authenticate<'a>(
        &'a self,
        credentials: Credentials<'a>,
    ) -> BoxFuture<'a, Result<std::sync::Arc<Caller>, AuthError>> {
        self.authentications.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move {
            match credentials.api_key {
                None => Err(AuthError::Missing),
                Some(b"good") => Ok(std::sync::Arc::new(caller(Role::Owner))),
                Some(b"slow-down") => Err(AuthError::RateLimited { retry_after: 7 }),
                Some(_) => Err(AuthError::Rejected),
            }
        })
    }

    fn charge(&self, _: &Caller, calls: usize) -> Result<RateStatus, Throttled> {
        let mut budget = self.budget.lock().unwrap();
        if *budget < calls as u64 {
            return Err(Throttled {
                limit: 10,
                retry_after: 30,
            });
        }
        *budget -= calls as u64;
        Ok(RateStatus::Limited {
            limit: 10,
            remaining: *budget,
        })
    }
}

fn server(budget: u64) -> (Server, &'static FakeAuth) {
    let auth: &'static FakeAuth = Box::leak(Box::new(FakeAuth {
        authentications: AtomicUsize::new(0),
        budget: Mutex::new(budget),
    }));
    (Server::builder().authenticator(auth).build().unwrap(), auth)
}

fn post(server: &Server, key: Option<&[u8]>, body: &str) -> HttpResponse {
    post_query(server, key, None, body)
}

fn post_query(
    server: &Server,
    key: Option<&[u8]>,
    query: Option<&str>,
    body: &str,
) -> HttpResponse {
    Request::post(body)
        .query(query)
        .header("content-type", "application/json")
        .api_key(key)
        .send(server)
}

fn text(response: &HttpResponse) -> &str {
    std::str::from_utf8(&response.body).unwrap()
}

const CALL: &str = r#"{"jsonrpc":"2.0","method":"m","id":"abc"}"#;

#[test]
fn broken_auth_is_401_with_the_request_id() {
    let (server, _) = server(100);
    let long = vec![b'x'; 100_000];
    for key in [
        None,
        Some(&b"bad"[..]),
        Some(&b"\xff\xfe"[..]),
        Some(&long[..]),
    ] {
        let response = post(&server, key, CALL);
        assert_eq!(response.status, 401);
        assert_eq!(
            text(&response),
            r#"{"jsonrpc":"2.0","error":{"code":-32001,"message":"Unauthorized"},"id":"abc"}"#
        );
        assert_eq!(response.header("content-type"), Some("application/json"));
    }
    let batch = post(&server, Some(b"bad"), &format!("[{CALL},{CALL}]"));
    assert_eq!(
        (batch.status, text(&batch)),
        (
            401,
            r#"{"jsonrpc":"2.0","error":{"code":-32001,"message":"Unauthorized"},"id":null}"#
        )
    );
}

#[test]
fn a_key_in_the_query_string_is_ignored() {
    let (server, _) = server(100);
    let response = post_query(&server, None, Some("x-api-key=good&api_key=good"), CALL);
    assert_eq!(response.status, 401);
}

#[test]
fn parse_errors_are_answered_before_auth() {
    let (server, auth) = server(100);
    let response = post(&server, None, "{");
    assert_eq!(
        (response.status, text(&response)),
        (
            200,
            r#"{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}"#
        )
    );
    assert_eq!(auth.authentications.load(Ordering::SeqCst), 0);
}

#[test]
fn authenticated_batches_are_charged_per_call_and_authenticated_once() {
    let (server, auth) = server(5);
    let response = post(&server, Some(b"good"), &format!("[{CALL},{CALL},{CALL}]"));
    assert_eq!(response.status, 200);
    assert_eq!(auth.authentications.load(Ordering::SeqCst), 1);
    assert_eq!(response.header("x-ratelimit-limit"), Some("10"));
    assert_eq!(response.header("x-ratelimit-remaining"), Some("2"));
    // Three more calls exceed the two left.
    let response = post(&server, Some(b"good"), &format!("[{CALL},{CALL},{CALL}]"));
    assert_eq!(response.status, 429);
    assert_eq!(response.header("retry-after"), Some("30"));
    assert_eq!(response.header("x-ratelimit-limit"), Some("10"));
    assert_eq!(response.header("x-ratelimit-remaining"), Some("0"));
    assert!(text(&response).contains("-32003"));
    // A single call still fits.
    assert_eq!(post(&server, Some(b"good"), CALL).status, 200);
}

#[test]
fn failed_attempt_limits_answer_429() {
    let (server, _) = server(5);
    let response = post(&server, Some(b"slow-down"), CALL);
    assert_eq!(response.status, 429);
    assert_eq!(response.header("retry-after"), Some("7"));
    assert_eq!(
        text(&response),
        r#"{"jsonrpc":"2.0","error":{"code":-32003,"message":"Too many requests"},"id":"abc"}"#
    );
}

#[test]
fn without_a_caller_in_process_calls_are_unauthorized() {
    let (server, _) = server(5);
    let answer = futures_executor::block_on(server.call(CALL)).unwrap();
    // The method does not exist: resolution comes before authorization.
    assert!(String::from_utf8(answer).unwrap().contains("-32601"));
}

/// The two steps an adapter takes to check a POST's key before reading its body.
fn admit_then_handle(server: &Server, key: Option<&[u8]>, body: &str) -> (bool, HttpResponse) {
    let mut headers: Vec<(&str, &[u8])> = vec![("content-type", b"application/json")];
    if let Some(key) = key {
        headers.push(("x-api-key", key));
    }
    let mut request = HttpRequest {
        method: "POST",
        path: "/api/jsonrpc",
        query: None,
        headers: &headers as &dyn HeaderSource,
        body: b"",
        peer: None,
    };
    let endpoint = Endpoint::new(server.clone());
    let admission = futures_executor::block_on(endpoint.admit(&request)).unwrap();
    let refused = admission.is_refused();
    request.body = body.as_bytes();
    let response = futures_executor::block_on(endpoint.handle_admitted(&request, admission));
    (refused, response)
}

#[test]
fn admission_checks_the_key_from_the_head_and_answers_as_handle_does() {
    let (server, auth) = server(100);
    // Refused at the head; with the body read afterwards, the answer is handle's, id echoed.
    let (refused, response) = admit_then_handle(&server, Some(b"bad"), CALL);
    assert!(refused);
    assert_eq!(response, post(&server, Some(b"bad"), CALL));
    // Not read: the same 401 with a null id.
    let mut headers: Vec<(&str, &[u8])> = vec![("x-api-key", b"bad")];
    headers.push(("content-type", b"application/json"));
    let head = HttpRequest {
        method: "POST",
        path: "/api/jsonrpc",
        query: None,
        headers: &headers as &dyn HeaderSource,
        body: b"",
        peer: None,
    };
    let endpoint = Endpoint::new(server.clone());
    let admission = futures_executor::block_on(endpoint.admit(&head)).unwrap();
    let refusal = admission.refusal().unwrap();
    assert_eq!(
        (refusal.status, text(&refusal)),
        (
            401,
            r#"{"jsonrpc":"2.0","error":{"code":-32001,"message":"Unauthorized"},"id":null}"#
        )
    );
    // Accepted at the head: one authentication for the request, not two.
    let before = auth.authentications.load(Ordering::SeqCst);
    let (refused, response) = admit_then_handle(&server, Some(b"good"), CALL);
    assert!(!refused);
    assert_eq!(response.status, 200, "{}", text(&response));
    assert_eq!(auth.authentications.load(Ordering::SeqCst), before + 1);
    // The head alone decides a wrong path and a wrong content type.
    let wrong_type: Vec<(&str, &[u8])> = vec![("content-type", b"text/xml")];
    let request = HttpRequest {
        headers: &wrong_type as &dyn HeaderSource,
        ..head
    };
    let answer = futures_executor::block_on(endpoint.admit(&request)).unwrap_err();
    assert_eq!(answer.status, 415);
    let request = HttpRequest {
        path: "/elsewhere",
        ..head
    };
    let answer = futures_executor::block_on(endpoint.admit(&request)).unwrap_err();
    assert_eq!(answer.status, 404);
}

/// Accepts `Authorization: Bearer t0ken` and nothing else: an authenticator that needs a header
/// besides `x-api-key`.
struct BearerAuth;

impl Authenticator for BearerAuth {
    fn authenticate<'a>(
        &'a self,
        credentials: Credentials<'a>,
    ) -> BoxFuture<'a, Result<std::sync::Arc<Caller>, AuthError>> {
        let token = credentials
            .headers
            .header("authorization")
            .and_then(|value| value.strip_prefix(b"Bearer "));
        Box::pin(async move {
            match token {
                None => Err(AuthError::Missing),
                Some(b"t0ken") => Ok(std::sync::Arc::new(caller(Role::Readonly))),
                Some(_) => Err(AuthError::Rejected),
            }
        })
    }
}

#[test]
fn an_authenticator_reads_any_request_header() {
    let server = Server::builder().authenticator(BearerAuth).build().unwrap();
    let send = |authorization: Option<&'static str>| {
        let mut request = Request::post(CALL).header("content-type", "application/json");
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        request.send(&server)
    };
    // Accepted: the call itself then runs (and finds no such method).
    let accepted = send(Some("Bearer t0ken"));
    assert_eq!(accepted.status, 200, "{}", text(&accepted));
    assert!(text(&accepted).contains("-32601"), "{}", text(&accepted));
    for refused in [None, Some("Bearer wrong"), Some("Basic t0ken")] {
        let response = send(refused);
        assert_eq!(response.status, 401, "{refused:?}: {}", text(&response));
    }
}
