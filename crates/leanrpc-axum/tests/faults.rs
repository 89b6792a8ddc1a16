//! Faults over real HTTP on loopback: handlers that panic or never return, clients that go away
//! or trickle bytes, a result over the response limit, and shutdown while calls are in flight.
//! Each test builds its own server with a `#[rpc_service]` and serves it with
//! `leanrpc_axum::serve_with` on 127.0.0.1:0.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use leanrpc::{Limits, Server, rpc_service};
use leanrpc_axum::ServeOptions;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// What the handlers report, so tests can see what ran and what was freed.
#[derive(Debug, Default)]
struct Probe {
    /// `record` calls that ran.
    recorded: AtomicUsize,
    /// Handlers of `hold` and `sleep` that started.
    started: AtomicUsize,
    /// `sleep` handlers that ran to the end.
    finished: AtomicUsize,
    /// Set when a `hold` handler's resources were dropped.
    released: AtomicBool,
}

/// Flips `released` when dropped: stands for whatever a handler holds (a connection, a lock).
struct Resource(Arc<Probe>);

impl Drop for Resource {
    fn drop(&mut self) {
        self.0.released.store(true, Ordering::SeqCst);
    }
}

struct Faults {
    probe: Arc<Probe>,
}

#[rpc_service("faults")]
impl Faults {
    /// Panics before it returns a future.
    fn panic_now(&self) -> u32 {
        panic!("internal detail: the frobnicator at /srv/secret exploded")
    }

    /// Panics while its future runs, after yielding once.
    async fn panic_later(&self) -> u32 {
        tokio::task::yield_now().await;
        panic!("internal detail: the frobnicator at /srv/secret exploded")
    }

    /// Takes a resource and never returns.
    async fn hold(&self) -> u32 {
        let _resource = Resource(Arc::clone(&self.probe));
        self.probe.started.fetch_add(1, Ordering::SeqCst);
        std::future::pending::<u32>().await
    }

    /// Sleeps `ms` milliseconds, then answers `ms`.
    async fn sleep(&self, ms: u64) -> u64 {
        self.probe.started.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(ms)).await;
        self.probe.finished.fetch_add(1, Ordering::SeqCst);
        ms
    }

    /// Counts that it ran.
    fn record(&self) -> usize {
        self.probe.recorded.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Answers its argument.
    fn echo(&self, value: Value) -> Value {
        value
    }

    /// A string of `len` bytes.
    fn bytes(&self, len: usize) -> String {
        "x".repeat(len)
    }
}

/// A server under test: its address, its probe, and the switch that shuts it down.
struct Running {
    addr: SocketAddr,
    url: String,
    probe: Arc<Probe>,
    shutdown: Option<oneshot::Sender<()>>,
    served: JoinHandle<std::io::Result<()>>,
    client: reqwest::Client,
}

async fn start(limits: Limits, call_timeout: Option<Duration>, options: ServeOptions) -> Running {
    let probe = Arc::new(Probe::default());
    let mut builder = Server::builder().limits(limits).service(Faults {
        probe: Arc::clone(&probe),
    });
    if let Some(limit) = call_timeout {
        builder = builder.call_timeout(limit, leanrpc_axum::Tokio);
    }
    let server = builder.build().expect("server builds");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = oneshot::channel::<()>();
    let served = tokio::spawn(leanrpc_axum::serve_with(
        listener,
        leanrpc_axum::router(server),
        options,
        async move {
            let _ = rx.await;
        },
    ));
    Running {
        addr,
        url: format!("http://{addr}/api/jsonrpc"),
        probe,
        shutdown: Some(tx),
        served,
        client: reqwest::Client::new(),
    }
}

async fn start_default() -> Running {
    start(Limits::default(), None, ServeOptions::default()).await
}

impl Running {
    /// POSTs `body`; returns the status and the parsed answer (`Null` for an empty body).
    async fn post(&self, body: &str) -> (u16, Value) {
        let response = self
            .client
            .post(&self.url)
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
            .await
            .expect("POST");
        let status = response.status().as_u16();
        let bytes = response.bytes().await.expect("body");
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).expect("a JSON answer")
        };
        (status, value)
    }

    /// Calls `faults.METHOD` with `params`; the answer must come with HTTP 200.
    async fn call(&self, method: &str, params: Value) -> Value {
        let body = json!({"jsonrpc": "2.0", "method": format!("faults.{method}"), "params": params, "id": 1});
        let (status, answer) = self.post(&body.to_string()).await;
        assert_eq!(status, 200, "{method}: {answer}");
        answer
    }

    /// Proves the server still answers ordinary calls.
    async fn assert_serving(&self) {
        let answer = self.call("echo", json!({"value": "still here"})).await;
        assert_eq!(answer["result"], "still here", "{answer}");
    }
}

/// Raw HTTP/1.1 request head for a POST of `len` body bytes.
fn head(addr: SocketAddr, len: usize) -> String {
    format!(
        "POST /api/jsonrpc HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {len}\r\n\r\n"
    )
}

/// Reads until the server closes the connection (or `limit` passes, which fails the test).
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Vec<u8> {
    let mut out = Vec::new();
    let read = tokio::time::timeout(limit, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(
        read.is_ok(),
        "the server did not close the connection within {limit:?}; got {:?}",
        String::from_utf8_lossy(&out)
    );
    out
}

/// Waits (bounded by a generous timeout) until `condition` holds.
async fn eventually(what: &str, condition: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !condition() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting until {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_handler_answers_internal_error_without_details() {
    let server = start_default().await;
    for method in ["panicNow", "panicLater"] {
        let answer = server.call(method, json!({})).await;
        assert_eq!(
            answer,
            json!({"jsonrpc": "2.0", "error": {"code": -32603, "message": "Internal error"}, "id": 1}),
            "{method}: no `data`, nothing of the panic message"
        );
        server.assert_serving().await;
    }
    // In a batch, the panicking call fails alone.
    let batch = json!([
        {"jsonrpc": "2.0", "method": "faults.panicLater", "id": "p"},
        {"jsonrpc": "2.0", "method": "faults.echo", "params": [7], "id": "e"},
        {"jsonrpc": "2.0", "method": "faults.panicNow", "id": "q"}
    ]);
    let (status, answers) = server.post(&batch.to_string()).await;
    assert_eq!(status, 200);
    assert_eq!(answers[0]["error"]["code"], -32603, "{answers}");
    assert_eq!(answers[1]["result"], 7, "{answers}");
    assert_eq!(answers[2]["error"]["code"], -32603, "{answers}");
    assert!(!answers.to_string().contains("frobnicator"), "{answers}");
    server.assert_serving().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_that_never_returns_is_answered_by_the_call_timeout_and_dropped() {
    let server = start(
        Limits::default(),
        Some(Duration::from_millis(200)),
        ServeOptions::default(),
    )
    .await;
    let answer = tokio::time::timeout(Duration::from_secs(10), server.call("hold", json!({})))
        .await
        .expect("the call timeout answers long before 10 s");
    assert_eq!(
        answer,
        json!({"jsonrpc": "2.0", "error": {"code": -32000, "message": "Server error",
            "data": "the call did not finish within 200 ms"}, "id": 1})
    );
    assert_eq!(server.probe.started.load(Ordering::SeqCst), 1);
    // The handler's future was dropped before the answer was written: what it held is freed.
    assert!(
        server.probe.released.load(Ordering::SeqCst),
        "the handler's resources were not dropped"
    );
    server.assert_serving().await;

    // In a batch only the stuck call times out; the others are answered.
    server.probe.released.store(false, Ordering::SeqCst);
    let batch = json!([
        {"jsonrpc": "2.0", "method": "faults.echo", "params": ["a"], "id": 1},
        {"jsonrpc": "2.0", "method": "faults.hold", "id": 2},
        {"jsonrpc": "2.0", "method": "faults.sleep", "params": [10], "id": 3}
    ]);
    let (status, answers) = server.post(&batch.to_string()).await;
    assert_eq!(status, 200);
    assert_eq!(answers[0]["result"], "a", "{answers}");
    assert_eq!(answers[1]["error"]["code"], -32000, "{answers}");
    assert_eq!(answers[2]["result"], 10, "{answers}");
    assert!(server.probe.released.load(Ordering::SeqCst));
    server.assert_serving().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_disconnects_mid_body_runs_nothing() {
    let server = start_default().await;
    // A complete call, but the declared length promises ten more bytes that never come.
    let call = r#"{"jsonrpc":"2.0","method":"faults.record","id":1}"#;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream
        .write_all(head(server.addr, call.len() + 10).as_bytes())
        .await
        .unwrap();
    stream.write_all(call.as_bytes()).await.unwrap();
    stream.flush().await.unwrap();
    drop(stream);
    // Give the server time to notice the closed connection, then check it ran nothing.
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.assert_serving().await;
    assert_eq!(
        server.probe.recorded.load(Ordering::SeqCst),
        0,
        "an incomplete body was executed"
    );
    // The same call sent whole runs once: the counter works.
    assert_eq!(server.call("record", json!({})).await["result"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_disconnects_mid_call_frees_the_handler() {
    let server = start_default().await;
    let call = r#"{"jsonrpc":"2.0","method":"faults.hold","id":1}"#;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream
        .write_all(format!("{}{call}", head(server.addr, call.len())).as_bytes())
        .await
        .unwrap();
    eventually("the handler started", || {
        server.probe.started.load(Ordering::SeqCst) == 1
    })
    .await;
    assert!(!server.probe.released.load(Ordering::SeqCst));
    drop(stream);
    // hyper notices the closed connection and drops the request's future, handler included.
    eventually("the abandoned handler's resources are dropped", || {
        server.probe.released.load(Ordering::SeqCst)
    })
    .await;
    server.assert_serving().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_sent_byte_by_byte_is_cut_off_by_the_body_read_timeout() {
    let limits = Limits::default().body_read_timeout(Duration::from_millis(300));
    let server = start(limits, None, ServeOptions::default()).await;
    let body = json!({"jsonrpc": "2.0", "method": "faults.record", "params": {}, "id": 1, "pad": "x".repeat(200)})
        .to_string();
    let stream = TcpStream::connect(server.addr).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    writer
        .write_all(head(server.addr, body.len()).as_bytes())
        .await
        .unwrap();
    // One byte every 20 ms: the whole body would take over 5 s.
    let trickle = tokio::spawn(async move {
        for byte in body.bytes() {
            if writer.write_all(&[byte]).await.is_err() {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        true
    });
    let mut response = Vec::new();
    let mut buf = [0u8; 1024];
    let answered = tokio::time::timeout(Duration::from_secs(10), async {
        while !response.ends_with(b"}") {
            match reader.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => response.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(answered.is_ok(), "no answer within 10 s");
    let response = String::from_utf8_lossy(&response).into_owned();
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    let json = &response[response.find("\r\n\r\n").unwrap() + 4..];
    assert_eq!(
        serde_json::from_str::<Value>(json).unwrap(),
        json!({"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request",
            "data": "the request body did not arrive in time"}, "id": null})
    );
    trickle.abort();
    assert_eq!(server.probe.recorded.load(Ordering::SeqCst), 0);
    server.assert_serving().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_sent_byte_by_byte_are_cut_off_by_the_header_read_timeout() {
    let options = ServeOptions::new().header_read_timeout(Duration::from_millis(300));
    let server = start(Limits::default(), None, options).await;
    let stream = TcpStream::connect(server.addr).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    // Headers that would take over 10 s at one byte every 20 ms, and never end.
    let headers = format!(
        "POST /api/jsonrpc HTTP/1.1\r\nhost: {}\r\nx-pad: {}",
        server.addr,
        "a".repeat(500)
    );
    let trickle = tokio::spawn(async move {
        for byte in headers.bytes() {
            if writer.write_all(&[byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        std::future::pending::<()>().await;
    });
    let mut response = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(8), async {
        let mut buf = [0u8; 1024];
        loop {
            match reader.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => response.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    trickle.abort();
    assert!(
        closed.is_ok(),
        "the connection was still open after 8 s of trickled headers"
    );
    let response = String::from_utf8_lossy(&response);
    assert!(
        response.is_empty() || response.starts_with("HTTP/1.1 408"),
        "{response}"
    );
    server.assert_serving().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_result_over_the_response_limit_is_a_server_error() {
    let limits = Limits::default().max_response_bytes(1024);
    let server = start(limits, None, ServeOptions::default()).await;
    // Well under the bound, however the envelope around the result is counted.
    let small = server.call("bytes", json!({"len": 900})).await;
    assert_eq!(small["result"].as_str().map(str::len), Some(900));
    // A result of 1,025 bytes (1,023 characters and two quotes): just over the bound.
    let answer = server.call("bytes", json!({"len": 1023})).await;
    assert_eq!(
        answer,
        json!({"jsonrpc": "2.0", "error": {"code": -32000, "message": "Server error",
            "data": "response too large: the result is over max_response_bytes (1024 bytes)"}, "id": 1})
    );
    // In a batch, only the oversized call fails.
    let batch = json!([
        {"jsonrpc": "2.0", "method": "faults.bytes", "params": [5000], "id": 1},
        {"jsonrpc": "2.0", "method": "faults.bytes", "params": [3], "id": 2}
    ]);
    let (status, answers) = server.post(&batch.to_string()).await;
    assert_eq!(status, 200);
    assert_eq!(answers[0]["error"]["code"], -32000, "{answers}");
    assert_eq!(answers[1]["result"], "xxx", "{answers}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_during_load_finishes_in_flight_calls_and_refuses_new_ones() {
    const IN_FLIGHT: usize = 16;
    let mut server = start_default().await;
    let calls: Vec<_> = (0..IN_FLIGHT)
        .map(|i| {
            // One client each, so every call has its own connection.
            let client = reqwest::Client::new();
            let url = server.url.clone();
            tokio::spawn(async move {
                let body = json!({"jsonrpc": "2.0", "method": "faults.sleep", "params": {"ms": 300}, "id": i});
                let response = client.post(&url).body(body.to_string()).send().await?;
                let status = response.status().as_u16();
                let answer: Value = response.json().await?;
                Ok::<_, reqwest::Error>((status, answer))
            })
        })
        .collect();
    eventually("every call is in its handler", || {
        server.probe.started.load(Ordering::SeqCst) == IN_FLIGHT
    })
    .await;
    assert_eq!(server.probe.finished.load(Ordering::SeqCst), 0);
    server.shutdown.take().unwrap().send(()).unwrap();

    // New connections are refused once the listener is closed, while the calls still run.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(server.addr).await.is_ok() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "still accepting 10 s after shutdown"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }

    for (i, call) in calls.into_iter().enumerate() {
        let (status, answer) = call.await.unwrap().expect("an in-flight call is answered");
        assert_eq!(status, 200);
        assert_eq!(
            answer,
            json!({"jsonrpc": "2.0", "result": 300, "id": i}),
            "call {i}"
        );
    }
    assert_eq!(server.probe.finished.load(Ordering::SeqCst), IN_FLIGHT);
    tokio::time::timeout(Duration::from_secs(10), &mut server.served)
        .await
        .expect("serve returns once in-flight calls are done")
        .unwrap()
        .expect("serve returns Ok");
    assert!(TcpStream::connect(server.addr).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_body_limit_refuses_a_chunked_body_just_over_it() {
    let limits = Limits::default().max_body_bytes(1024);
    let server = start(limits, None, ServeOptions::default()).await;
    // Exactly at the bound: answered.
    let call = r#"{"jsonrpc":"2.0","method":"faults.record","id":1,"pad":""#;
    let at = format!("{call}{}\"}}", "x".repeat(1024 - call.len() - 2));
    assert_eq!(at.len(), 1024);
    assert_eq!(server.post(&at).await.1["result"], 1);
    // One byte over, with no Content-Length (chunked): refused while streaming.
    let over = format!("{call}{}\"}}", "x".repeat(1024 - call.len() - 1));
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    let request = format!(
        "POST /api/jsonrpc HTTP/1.1\r\nhost: {}\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n{:x}\r\n{over}\r\n0\r\n\r\n",
        server.addr,
        over.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let response = read_until_closed(&mut stream, Duration::from_secs(10)).await;
    let response = String::from_utf8_lossy(&response);
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert!(response.contains(r#""code":-32600"#), "{response}");
    assert_eq!(server.probe.recorded.load(Ordering::SeqCst), 1);
}

/// Sends one call as a chunked body in three pieces, 50 ms apart, on a new connection to
/// `addr`, and returns the raw answer.
async fn post_in_pieces(addr: SocketAddr) -> String {
    let call = r#"{"jsonrpc":"2.0","method":"faults.echo","params":{"value":"joined"},"id":7}"#;
    let (a, rest) = call.split_at(10);
    let (b, c) = rest.split_at(30);
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /api/jsonrpc HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    for piece in [a, b, c] {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let chunk = format!("{:x}\r\n{piece}\r\n", piece.len());
        stream.write_all(chunk.as_bytes()).await.unwrap();
    }
    stream.write_all(b"0\r\n\r\n").await.unwrap();
    let response = read_until_closed(&mut stream, Duration::from_secs(10)).await;
    String::from_utf8_lossy(&response).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_arrives_in_pieces_is_joined() {
    let server = start_default().await;
    let response = post_in_pieces(server.addr).await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.ends_with(r#"{"jsonrpc":"2.0","result":"joined","id":7}"#),
        "{response}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_server_answers_like_the_router() {
    let server = Server::builder()
        .service(Faults {
            probe: Arc::new(Probe::default()),
        })
        .build()
        .expect("server builds");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = oneshot::channel::<()>();
    let served = tokio::spawn(leanrpc_axum::serve_server(
        listener,
        server,
        ServeOptions::default(),
        async move {
            let _ = rx.await;
        },
    ));
    let response = post_in_pieces(addr).await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.contains("content-type: application/json\r\n"),
        "{response}"
    );
    assert!(
        response.ends_with(r#"{"jsonrpc":"2.0","result":"joined","id":7}"#),
        "{response}"
    );
    let client = reqwest::Client::new();
    let other = client
        .post(format!("http://{addr}/elsewhere"))
        .body("{}")
        .send()
        .await
        .expect("POST");
    assert_eq!(other.status().as_u16(), 404);
    let put = client
        .put(format!("http://{addr}/api/jsonrpc"))
        .send()
        .await
        .expect("PUT");
    assert_eq!(put.status().as_u16(), 405);
    assert_eq!(put.headers()["allow"], "GET, POST");
    let _ = tx.send(());
    served.await.unwrap().expect("serve_server returns Ok");
}
