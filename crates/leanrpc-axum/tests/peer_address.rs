//! Issue 13 ("Smaller"): `leanrpc_axum::router` under plain `axum::serve` has no client address,
//! which silently switches off per-address limits. Served with connect info, the authenticator
//! gets the address; served without, the endpoint says so in the log, once.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use leanrpc::{AuthError, Authenticator, BoxFuture, Caller, Credentials, Server};

/// Refuses every key; records the address it was handed.
#[derive(Debug, Default, Clone)]
struct Recorder {
    peers: Arc<Mutex<Vec<Option<IpAddr>>>>,
}

impl Authenticator for Recorder {
    fn authenticate<'a>(
        &'a self,
        credentials: Credentials<'a>,
    ) -> BoxFuture<'a, Result<Arc<Caller>, AuthError>> {
        self.peers.lock().unwrap().push(credentials.peer);
        Box::pin(async { Err(AuthError::Rejected) })
    }
}

/// A log that tests can read.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl Write for Log {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn post_three(addr: SocketAddr) {
    let client = reqwest::Client::new();
    for _ in 0..3 {
        let response = client
            .post(format!("http://{addr}/api/jsonrpc"))
            .header("x-api-key", "bad")
            .body(r#"{"jsonrpc":"2.0","method":"x","id":1}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
    }
}

// One test, in its own binary: the warning is once per process. The current-thread runtime
// keeps the server's tasks on this thread, under the test's log subscriber.
#[tokio::test]
async fn the_router_gets_the_address_with_connect_info_and_warns_once_without() {
    let log = Log::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let warning = "requests carry no client address";

    // With connect info: the authenticator sees the client, and nothing is logged.
    let auth = Recorder::default();
    let server = Server::builder()
        .authenticator(auth.clone())
        .build()
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = leanrpc_axum::router(server).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await });
    post_three(addr).await;
    let loopback: IpAddr = "127.0.0.1".parse().unwrap();
    assert_eq!(*auth.peers.lock().unwrap(), vec![Some(loopback); 3]);
    assert!(!String::from_utf8_lossy(&log.0.lock().unwrap()).contains(warning));

    // Without: no address, and one warning for three requests.
    let auth = Recorder::default();
    let server = Server::builder()
        .authenticator(auth.clone())
        .build()
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, leanrpc_axum::router(server)).await });
    post_three(addr).await;
    assert_eq!(*auth.peers.lock().unwrap(), vec![None; 3]);
    let logged = String::from_utf8_lossy(&log.0.lock().unwrap()).into_owned();
    assert_eq!(logged.matches(warning).count(), 1, "{logged}");
    assert!(logged.contains("WARN"), "{logged}");
}
