//! What the server takes from request headers, over real HTTP on loopback: the reference page
//! never shows the `Host` header (W9), and a request with more than one `x-api-key` is refused.

use std::sync::Arc;

use leanrpc::{
    AuthError, Authenticator, BoxFuture, BuildError, Caller, Credentials, Grant, Role, Server,
    rpc_service,
};
use leanrpc_axum::ServeOptions;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

struct Echo;

#[rpc_service]
impl Echo {
    /// Answers its argument.
    #[rpc(min_role = "readonly")]
    fn echo(&self, value: Value) -> Value {
        value
    }
}

/// Accepts the one key `good-key`.
struct OneKey;

impl Authenticator for OneKey {
    fn authenticate<'a>(
        &'a self,
        credentials: Credentials<'a>,
    ) -> BoxFuture<'a, Result<Arc<Caller>, AuthError>> {
        let result = match credentials.api_key {
            Some(b"good-key") => Ok(Arc::new(Caller::new(
                "good",
                Grant::new("test key", Role::Readonly),
            ))),
            Some(_) => Err(AuthError::Rejected),
            None => Err(AuthError::Missing),
        };
        Box::pin(async move { result })
    }
}

/// Serves `server` on 127.0.0.1:0; dropping the sender stops it.
async fn start(server: Server) -> (std::net::SocketAddr, oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(leanrpc_axum::serve_with(
        listener,
        leanrpc_axum::router(server),
        ServeOptions::default(),
        async move {
            let _ = rx.await;
        },
    ));
    (addr, tx)
}

/// The reference page as sent to a request whose `Host` is `evil.example`, written by hand so
/// that no client library picks the header.
async fn page_for_evil_host(addr: std::net::SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: evil.example\r\nAccept: text/html\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut response),
    )
    .await
    .expect("the server answers within 10 s")
    .expect("read");
    let response = String::from_utf8(response).expect("UTF-8");
    assert!(response.starts_with("HTTP/1.1 200"), "{response:.200}");
    response
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_page_never_shows_the_host_header() {
    let server = Server::builder()
        .reference_page(leanrpc::reference::Page::default())
        .service(Echo)
        .build()
        .unwrap();
    let (addr, _stop) = start(server).await;
    for path in ["/api/jsonrpc/reference", "/api/jsonrpc"] {
        let page = page_for_evil_host(addr, path).await;
        assert!(
            !page.contains("evil.example"),
            "{path}: the Host header is in the page"
        );
        assert!(page.contains("URL=https://HOST/api/jsonrpc"), "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_page_shows_the_configured_public_url() {
    let server = Server::builder()
        .public_url("https://api.example.com/")
        .reference_page(leanrpc::reference::Page::default())
        .service(Echo)
        .build()
        .unwrap();
    let (addr, _stop) = start(server).await;
    let page = page_for_evil_host(addr, "/api/jsonrpc/reference").await;
    assert!(page.contains("URL=https://api.example.com/api/jsonrpc"));
    assert!(!page.contains("evil.example"));
}

#[test]
fn a_public_url_must_be_an_http_url() {
    for bad in ["api.example.com", "javascript:alert(1)", "https://a b", ""] {
        let built = Server::builder().public_url(bad).service(Echo).build();
        assert_eq!(
            built.unwrap_err(),
            BuildError::PublicUrl {
                url: bad.to_owned()
            },
            "{bad}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_api_keys_are_refused_with_401() {
    let server = Server::builder()
        .authenticator(OneKey)
        .service(Echo)
        .build()
        .unwrap();
    let (addr, _stop) = start(server).await;
    let client = reqwest::Client::new();
    let body = json!({"jsonrpc": "2.0", "method": "echo", "params": ["hi"], "id": 7}).to_string();
    let send = |keys: &'static [&'static str]| {
        let mut request = client
            .post(format!("http://{addr}/api/jsonrpc"))
            .header("content-type", "application/json")
            .body(body.clone());
        for key in keys {
            request = request.header("x-api-key", *key);
        }
        async move {
            let response = request.send().await.expect("POST");
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.expect("JSON"))
        }
    };
    let (status, answer) = send(&["good-key"]).await;
    assert_eq!((status, &answer["result"]), (200, &json!("hi")));
    let refused = json!({"jsonrpc": "2.0", "error": {"code": -32001, "message": "Unauthorized",
        "data": "send one x-api-key header; this request has several"}, "id": 7});
    for keys in [
        &["good-key", "other"][..],
        &["other", "good-key"],
        &["good-key", "good-key"],
    ] {
        let (status, answer) = send(keys).await;
        assert_eq!((status, &answer), (401, &refused), "{keys:?}");
    }
}
