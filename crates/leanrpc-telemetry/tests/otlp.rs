//! OTLP export: the spans of a call reach a collector as an OTLP/HTTP protobuf POST. The
//! collector is a loopback listener that keeps the first request it gets.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

use leanrpc::{Server, rpc_service};
use tracing_subscriber::layer::SubscriberExt as _;

struct Echo;

#[rpc_service("echo")]
impl Echo {
    /// Answers `value`.
    fn say(&self, value: String) -> String {
        value
    }
}

/// Accepts one request on `listener`: its request line, headers and body.
fn collect_one(listener: TcpListener, found: mpsc::Sender<(String, Vec<String>, Vec<u8>)>) {
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let mut headers = Vec::new();
        let mut length = 0;
        loop {
            let mut header = String::new();
            reader.read_line(&mut header).unwrap();
            let header = header.trim_end().to_ascii_lowercase();
            if header.is_empty() {
                break;
            }
            if let Some(value) = header.strip_prefix("content-length:") {
                length = value.trim().parse().unwrap();
            }
            headers.push(header);
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let mut stream = stream;
        stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
            .unwrap();
        let _ = found.send((line, headers, body));
    });
}

#[test]
fn spans_reach_an_otlp_collector() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1/traces", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    collect_one(listener, tx);

    let provider = leanrpc_telemetry::otlp::tracer_provider(&url, "otlp-test").unwrap();
    let subscriber = tracing_subscriber::registry().with(leanrpc_telemetry::otel::layer(&provider));
    let server = Server::builder().service(Echo).build().unwrap();
    tracing::subscriber::with_default(subscriber, || {
        let answer = futures_executor::block_on(
            server
                .call(r#"{"jsonrpc":"2.0","method":"echo.say","params":["hello"],"id":"otlp-1"}"#),
        )
        .unwrap();
        assert!(String::from_utf8(answer).unwrap().contains("hello"));
    });
    provider.force_flush().unwrap();

    let (line, headers, body) = rx.recv_timeout(Duration::from_secs(30)).expect("an export");
    assert!(line.starts_with("POST /v1/traces "), "{line}");
    assert!(
        headers
            .iter()
            .any(|h| h == "content-type: application/x-protobuf"),
        "{headers:?}"
    );
    // Protobuf keeps strings as they are: the span's name, attributes and the service name.
    let has = |needle: &str| body.windows(needle.len()).any(|w| w == needle.as_bytes());
    for needle in [
        "echo.say",
        "rpc.system.name",
        "jsonrpc",
        "otlp-1",
        "otlp-test",
    ] {
        assert!(has(needle), "{needle} is not in the export");
    }
    let _ = provider.shutdown();
}
