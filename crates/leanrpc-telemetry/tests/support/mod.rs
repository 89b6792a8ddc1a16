//! A small server for the telemetry tests: a few methods, an authenticator with a key `good`
//! (key id `good-id`) and a rate limit, and a loopback listener.

#![allow(dead_code, unreachable_pub)] // each test binary uses part of it

use std::net::SocketAddr;
use std::sync::Arc;

use leanrpc::{
    AuthError, Authenticator, BoxFuture, Caller, Credentials, ErrorCode, Grant, RateStatus, Role,
    RpcError, Server, Throttled, rpc_service,
};
use leanrpc_hyper::ServeOptions;
use tokio::sync::oneshot;

/// The secret part of the good key: it must never reach a span or a metric.
pub const SECRET: &str = "s3cr3t-never-logged";

/// The good key.
pub fn good_key() -> String {
    format!("lt_good-id_{SECRET}")
}

/// A batch of this many calls or more is refused by the rate limit.
pub const RATE_LIMIT: usize = 5;

pub struct Calc;

#[rpc_service("calc")]
impl Calc {
    /// The sum.
    fn add(&self, a: i64, b: i64) -> i64 {
        a + b
    }

    /// Fails with `code`.
    fn fail(&self, code: i32) -> Result<(), RpcError> {
        Err(RpcError::new(ErrorCode::new(code)))
    }

    /// Never finishes.
    async fn hang(&self) -> bool {
        std::future::pending::<()>().await;
        true
    }
}

/// Accepts exactly [`good_key`]; refuses batches of [`RATE_LIMIT`] calls or more.
#[derive(Debug, Default, Clone)]
pub struct KeyCheck;

impl Authenticator for KeyCheck {
    fn authenticate<'a>(
        &'a self,
        credentials: Credentials<'a>,
    ) -> BoxFuture<'a, Result<Arc<Caller>, AuthError>> {
        Box::pin(async move {
            match credentials.api_key {
                None => Err(AuthError::Missing),
                Some(key) if key == good_key().as_bytes() => Ok(Arc::new(Caller::new(
                    "good-id",
                    Grant::new("test", Role::Owner),
                ))),
                Some(_) => Err(AuthError::Rejected),
            }
        })
    }

    fn charge(&self, _caller: &Caller, calls: usize) -> Result<RateStatus, Throttled> {
        if calls >= RATE_LIMIT {
            return Err(Throttled {
                limit: RATE_LIMIT as u64,
                retry_after: 60,
            });
        }
        Ok(RateStatus::Unlimited)
    }
}

/// A running server: its address, and the switch that stops it when dropped.
pub struct Running {
    pub url: String,
    pub addr: SocketAddr,
    _stop: oneshot::Sender<()>,
}

/// Serves `server` on 127.0.0.1:0 with leanrpc-hyper.
pub async fn start(server: Server) -> Running {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(leanrpc_hyper::serve_server(
        listener,
        server,
        ServeOptions::new(),
        async move {
            let _ = stopped.await;
        },
    ));
    Running {
        url: format!("http://{addr}/api/jsonrpc"),
        addr,
        _stop: stop,
    }
}

/// POSTs `body` with `key`; returns the status and the body.
pub async fn post(
    url: &str,
    key: Option<&str>,
    body: &str,
    extra: &[(&str, &str)],
) -> (u16, String) {
    let mut request = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(key) = key {
        request = request.header("x-api-key", key);
    }
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("POST");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}
