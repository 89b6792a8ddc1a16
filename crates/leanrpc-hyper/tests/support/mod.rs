//! A small server for the connection tests: a method with a large answer, an authenticator that
//! accepts the key `good` and records the address it was handed, and a loopback listener.

#![allow(dead_code)] // each test binary uses part of it

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use leanrpc::{
    AuthError, Authenticator, BoxFuture, Caller, Credentials, Grant, Role, Server, rpc_service,
};
use leanrpc_hyper::ServeOptions;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

pub(crate) struct Conn;

#[rpc_service("conn")]
impl Conn {
    /// A string of `len` bytes.
    fn big(&self, len: usize) -> String {
        "x".repeat(len)
    }

    /// Answers its argument.
    fn echo(&self, value: Value) -> Value {
        value
    }
}

/// Accepts exactly the key `good`; records every address it is handed.
#[derive(Debug, Default, Clone)]
pub(crate) struct KeyCheck {
    pub(crate) peers: Arc<Mutex<Vec<Option<IpAddr>>>>,
}

impl Authenticator for KeyCheck {
    fn authenticate<'a>(
        &'a self,
        credentials: Credentials<'a>,
    ) -> BoxFuture<'a, Result<Arc<Caller>, AuthError>> {
        self.peers.lock().unwrap().push(credentials.peer);
        Box::pin(async move {
            match credentials.api_key {
                None => Err(AuthError::Missing),
                Some(b"good") => Ok(Arc::new(Caller::new("k", Grant::new("test", Role::Owner)))),
                Some(_) => Err(AuthError::Rejected),
            }
        })
    }
}

/// The server, with `auth` when given.
pub(crate) fn server(auth: Option<KeyCheck>) -> Server {
    let mut builder = Server::builder().service(Conn);
    if let Some(auth) = auth {
        builder = builder.authenticator(auth);
    }
    builder.build().expect("server builds")
}

/// A running server: its address, and the switch that stops it when dropped.
pub(crate) struct Running {
    pub(crate) addr: SocketAddr,
    _stop: oneshot::Sender<()>,
}

/// Serves `server` with `options` on 127.0.0.1:0.
pub(crate) async fn start(server: Server, options: ServeOptions) -> Running {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(leanrpc_hyper::serve_server(
        listener,
        server,
        options,
        async move {
            let _ = stopped.await;
        },
    ));
    Running { addr, _stop: stop }
}

/// One POST on a fresh connection (`Connection: close`), answered as raw text.
pub(crate) async fn post(addr: SocketAddr, key: Option<&str>, extra: &str, body: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let key = key.map_or(String::new(), |k| format!("x-api-key: {k}\r\n"));
    let request = format!(
        "POST /api/jsonrpc HTTP/1.1\r\nhost: x\r\nconnection: close\r\n{key}{extra}\
         content-length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer
}
