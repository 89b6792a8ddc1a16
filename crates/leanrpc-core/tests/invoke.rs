//! The per-call API: `Server::invoke` (and `invoke_value`) gives each call what a call inside an
//! envelope gets (resolution, access checks, binding, panic guard, timeout, result size limit),
//! returns the plain result, and `callable` / `check_access` agree with it on who may call what.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_executor::block_on;
use leanrpc::{
    AuthError, Authenticator, BoxFuture, CallContext, Caller, Credentials, Id, Limits, NoHeaders,
    Params, RateStatus, Role, RpcError, Server, Throttled, Timer, rpc_service,
};
use leanrpc_test_support::caller;
use serde_json::value::{RawValue, to_raw_value};
use serde_json::{Value, json};

struct Calc;

#[rpc_service("calc")]
impl Calc {
    /// Adds two numbers.
    #[rpc(min_role = "readonly")]
    fn add(&self, a: i64, b: i64) -> i64 {
        a + b
    }

    /// Subtracts, waiting first (an `async` method).
    #[rpc(min_role = "readonly")]
    async fn subtract(&self, a: i64, b: i64) -> i64 {
        a - b
    }

    /// Editors only.
    #[rpc(min_role = "editor")]
    fn edit(&self) -> &'static str {
        "edited"
    }

    /// Needs the `calc:admin` scope.
    #[rpc(min_role = "readonly", scope = "calc:admin")]
    fn reset(&self) -> bool {
        true
    }

    /// Panics while it runs.
    #[rpc(min_role = "readonly")]
    fn boom(&self) -> i64 {
        panic!("boom")
    }

    /// Panics after it first waits.
    #[rpc(min_role = "readonly")]
    async fn boom_later(&self) -> i64 {
        std::future::ready(()).await;
        panic!("boom later")
    }

    /// Never finishes.
    #[rpc(min_role = "readonly")]
    async fn hang(&self) -> i64 {
        std::future::pending::<()>().await;
        0
    }

    /// A string of `len` bytes (`len + 2` with its quotes).
    #[rpc(min_role = "readonly")]
    fn big(&self, len: usize) -> String {
        "x".repeat(len)
    }

    /// What the handler sees of its context.
    #[rpc(min_role = "readonly")]
    fn whoami(&self, ctx: &CallContext<'_>) -> Value {
        json!({
            "method": ctx.method(),
            "id": ctx.id().map(|id| id.as_json().to_owned()),
            "key": ctx.caller().map(|c| c.key_id().to_owned()),
            "agent": ctx.header("user-agent").map(|v| String::from_utf8_lossy(v).into_owned()),
        })
    }
}

/// A timer whose every sleep is already over: a call that waits at all times out, with no
/// clock involved.
struct Expired;

impl Timer for Expired {
    fn sleep(&self, _: Duration) -> BoxFuture<'static, ()> {
        Box::pin(std::future::ready(()))
    }
}

/// Accepts no key (the tests pass callers directly); counts charged calls, `limit` in all.
struct Keys {
    charged: AtomicUsize,
    limit: usize,
}

/// The authenticator, sharing its count with the test.
struct SharedKeys(Arc<Keys>);

impl Authenticator for SharedKeys {
    fn authenticate<'a>(
        &'a self,
        _: Credentials<'a>,
    ) -> BoxFuture<'a, Result<Arc<Caller>, AuthError>> {
        Box::pin(async { Err(AuthError::Rejected) })
    }

    fn charge(&self, _: &Caller, calls: usize) -> Result<RateStatus, Throttled> {
        let keys = &self.0;
        let total = keys.charged.fetch_add(calls, Ordering::SeqCst) + calls;
        if total > keys.limit {
            return Err(Throttled {
                limit: keys.limit as u64,
                retry_after: 60,
            });
        }
        Ok(RateStatus::Limited {
            limit: keys.limit as u64,
            remaining: (keys.limit - total) as u64,
        })
    }
}

/// A caller with `role` and only the scopes `scopes`.
fn scoped(role: Role, scopes: &[&str]) -> Caller {
    let mut caller = caller(role);
    caller.grant_mut().scopes = scopes.iter().map(|s| (*s).to_owned()).collect();
    caller
}

fn open() -> Server {
    Server::builder()
        .service(Calc)
        .build()
        .expect("server builds")
}

fn guarded(keys: Arc<Keys>) -> Server {
    Server::builder()
        .authenticator(SharedKeys(keys))
        .service(Calc)
        .build()
        .expect("server builds")
}

fn keys(limit: usize) -> Arc<Keys> {
    Arc::new(Keys {
        charged: AtomicUsize::new(0),
        limit,
    })
}

fn raw(json: &str) -> Box<RawValue> {
    RawValue::from_string(json.to_owned()).expect("valid JSON")
}

/// Invokes `method` with params `params` (JSON text, or `None`) as `caller`.
fn invoke(
    server: &Server,
    method: &str,
    params: Option<&str>,
    caller: Option<&Caller>,
) -> Result<String, RpcError> {
    let params = params.map(raw);
    let params = match &params {
        Some(raw) => Params::from_raw(raw)?,
        None => Params::NONE,
    };
    let ctx = CallContext::new(caller, &NoHeaders);
    block_on(server.invoke(method, params, &ctx)).map(|result| result.get().to_owned())
}

fn code(result: Result<String, RpcError>) -> i32 {
    result.expect_err("an error").code().code()
}

#[test]
fn a_call_returns_its_plain_result() {
    let server = open();
    assert_eq!(
        invoke(&server, "calc.add", Some(r#"{"a":2,"b":3}"#), None).unwrap(),
        "5"
    );
    // Positional params, Leantime's coercion, and a name in another spelling.
    assert_eq!(
        invoke(&server, "CALC.ADD", Some(r#"[40,"2"]"#), None).unwrap(),
        "42"
    );
    assert_eq!(
        invoke(&server, "calc.subtract", Some("[10,4]"), None).unwrap(),
        "6"
    );
    assert_eq!(
        invoke(&server, "calc.edit", None, None).unwrap(),
        r#""edited""#
    );
}

#[test]
fn an_unknown_method_is_32601() {
    let server = open();
    assert_eq!(code(invoke(&server, "calc.nope", None, None)), -32601);
    assert_eq!(code(invoke(&server, "", None, None)), -32601);
    // `rpc.discover` belongs to the envelope: invoke does not answer it, the envelope does.
    assert_eq!(code(invoke(&server, "rpc.discover", None, None)), -32601);
    let answer = block_on(server.call(r#"{"jsonrpc":"2.0","method":"rpc.discover","id":1}"#))
        .expect("an answer");
    let answer: Value = serde_json::from_slice(&answer).unwrap();
    assert_eq!(answer["result"]["openrpc"], "1.3.2", "{answer}");
}

#[test]
fn params_that_do_not_bind_are_32602() {
    let server = open();
    let missing = invoke(&server, "calc.add", Some(r#"{"a":2}"#), None).unwrap_err();
    assert_eq!(missing.code().code(), -32602);
    assert!(missing.message().contains("`b`"), "{}", missing.message());
    let wrong = invoke(&server, "calc.add", Some(r#"{"a":2,"b":"x"}"#), None).unwrap_err();
    assert_eq!(wrong.code().code(), -32602);
    assert_eq!(
        code(invoke(&server, "calc.add", Some("[1,2,3]"), None)),
        -32602
    );
    assert_eq!(
        Params::from_raw(&raw("\"text\""))
            .unwrap_err()
            .code()
            .code(),
        -32602
    );
}

#[test]
fn access_is_checked_by_role_and_scope() {
    let server = guarded(keys(100));
    let reader = caller(Role::Readonly);
    let editor = scoped(Role::Editor, &["calc:admin"]);
    let forbidden = invoke(&server, "calc.edit", None, Some(&reader)).unwrap_err();
    assert_eq!(forbidden.code().code(), -32001);
    assert_eq!(
        forbidden.message(),
        "this method requires role `editor` or higher"
    );
    assert_eq!(
        invoke(&server, "calc.edit", None, Some(&editor)).unwrap(),
        r#""edited""#
    );
    // A scope the caller lacks, whatever its role.
    let owner_without_scope = scoped(Role::Owner, &["calc:read"]);
    assert_eq!(
        code(invoke(
            &server,
            "calc.reset",
            None,
            Some(&owner_without_scope)
        )),
        -32001
    );
    assert_eq!(
        invoke(&server, "calc.reset", None, Some(&editor)).unwrap(),
        "true"
    );
    // No caller on a server that authenticates.
    assert_eq!(
        code(invoke(&server, "calc.add", Some("[1,1]"), None)),
        -32001
    );
    // Resolution comes first: an unknown name is -32601 for anyone.
    assert_eq!(code(invoke(&server, "calc.nope", None, None)), -32601);
}

#[test]
fn a_panic_is_32603_and_the_server_keeps_answering() {
    let server = open();
    assert_eq!(code(invoke(&server, "calc.boom", None, None)), -32603);
    assert_eq!(code(invoke(&server, "calc.boomLater", None, None)), -32603);
    assert_eq!(
        invoke(&server, "calc.add", Some("[1,1]"), None).unwrap(),
        "2"
    );
}

#[test]
fn a_call_over_the_timeout_is_32000() {
    let server = Server::builder()
        .call_timeout(Duration::from_millis(250), Expired)
        .service(Calc)
        .build()
        .unwrap();
    let late = invoke(&server, "calc.hang", None, None).unwrap_err();
    assert_eq!(late.code().code(), -32000);
    assert_eq!(
        late.data_value().and_then(Value::as_str),
        Some("the call did not finish within 250 ms")
    );
    // A call that finishes without waiting never meets the timer.
    assert_eq!(
        invoke(&server, "calc.subtract", Some("[3,1]"), None).unwrap(),
        "2"
    );
}

#[test]
fn a_result_over_max_response_bytes_is_32000() {
    let server = Server::builder()
        .limits(Limits::default().max_response_bytes(12))
        .service(Calc)
        .build()
        .unwrap();
    // 10 bytes and their quotes: exactly at the limit.
    assert_eq!(
        invoke(&server, "calc.big", Some("[10]"), None).unwrap(),
        format!("\"{}\"", "x".repeat(10))
    );
    let over = invoke(&server, "calc.big", Some("[11]"), None).unwrap_err();
    assert_eq!(over.code().code(), -32000);
    assert_eq!(
        over.data_value().and_then(Value::as_str),
        Some("response too large: the result is over max_response_bytes (12 bytes)")
    );
}

#[test]
fn invoke_returns_plain_scalars_where_the_envelope_wraps_them() {
    let server = Server::builder()
        .scalar_results_in_arrays(true)
        .service(Calc)
        .build()
        .unwrap();
    assert_eq!(
        invoke(&server, "calc.add", Some("[1,2]"), None).unwrap(),
        "3"
    );
    let answer =
        block_on(server.call(r#"{"jsonrpc":"2.0","method":"calc.add","params":[1,2],"id":1}"#))
            .unwrap();
    assert_eq!(
        String::from_utf8(answer).unwrap(),
        r#"{"jsonrpc":"2.0","result":[3],"id":1}"#
    );
}

#[test]
fn invoke_value_takes_and_gives_json_values() {
    let server = open();
    let ctx = CallContext::new(None, &NoHeaders);
    let sum = block_on(server.invoke_value("calc.add", json!({"a": 1, "b": 2}), &ctx)).unwrap();
    assert_eq!(sum, json!(3));
    let edited = block_on(server.invoke_value("calc.edit", Value::Null, &ctx)).unwrap();
    assert_eq!(edited, json!("edited"));
    for scalar in [json!(1), json!("a"), json!(true)] {
        let error = block_on(server.invoke_value("calc.add", scalar, &ctx)).unwrap_err();
        assert_eq!(error.code().code(), -32602);
    }
    let missing = block_on(server.invoke_value("calc.add", json!([1]), &ctx)).unwrap_err();
    assert_eq!(missing.code().code(), -32602);
}

#[test]
fn the_handler_sees_the_context_with_the_method_invoked() {
    let server = guarded(keys(100));
    let key = caller(Role::Readonly);
    let headers: Vec<(&str, &[u8])> = vec![("user-agent", b"bridge/1")];
    let id = to_raw_value(&"req-1").unwrap();
    let ctx = CallContext::new(Some(&key), &headers).with_id(Id::from_raw(&id));
    let seen = block_on(server.invoke_value("calc.whoami", Value::Null, &ctx)).unwrap();
    assert_eq!(
        seen,
        json!({"method": "calc.whoami", "id": "\"req-1\"", "key": "k1", "agent": "bridge/1"})
    );
}

#[test]
fn callable_lists_exactly_the_methods_check_access_allows() {
    let server = guarded(keys(100));
    // A key with one scope (a key without scopes holds them all).
    let reader = scoped(Role::Readonly, &["calc:read"]);
    let names: Vec<&str> = server
        .callable(Some(&reader))
        .map(|m| m.full_name)
        .collect();
    assert_eq!(
        names,
        [
            "calc.add",
            "calc.subtract",
            "calc.boom",
            "calc.boomLater",
            "calc.hang",
            "calc.big",
            "calc.whoami"
        ]
    );
    let admin = scoped(Role::Editor, &["calc:admin"]);
    assert_eq!(
        server.callable(Some(&admin)).count(),
        server.methods().count()
    );
    assert_eq!(server.callable(None).count(), 0);
    for method in server.methods() {
        let allowed = server.check_access(method.full_name, Some(&reader));
        let listed = names.contains(&method.full_name);
        assert_eq!(allowed.is_ok(), listed, "{}", method.full_name);
        if let Err(error) = allowed {
            assert_eq!(error.code().code(), -32001);
        }
    }
    assert_eq!(
        server
            .check_access("calc.nope", Some(&admin))
            .unwrap_err()
            .code()
            .code(),
        -32601
    );
    // Without an authenticator everyone may call everything.
    let open = open();
    assert_eq!(open.callable(None).count(), open.methods().count());
}

#[test]
fn charge_goes_to_the_authenticator() {
    let keys = keys(5);
    let server = guarded(Arc::clone(&keys));
    let key = caller(Role::Readonly);
    assert_eq!(
        server.charge(&key, 3),
        Ok(RateStatus::Limited {
            limit: 5,
            remaining: 2
        })
    );
    assert_eq!(
        server.charge(&key, 3),
        Err(Throttled {
            limit: 5,
            retry_after: 60
        })
    );
    assert_eq!(keys.charged.load(Ordering::SeqCst), 6);
    assert_eq!(open().charge(&key, 1000), Ok(RateStatus::Unlimited));
}
