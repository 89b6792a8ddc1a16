//! B2 of issue 13: a client that pipelines requests and never reads its answers must not hold
//! its connection (and the server's buffers) forever.

mod support;

use std::time::Duration;

use leanrpc_hyper::ServeOptions;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpSocket;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_reads_is_disconnected_after_the_write_timeout() {
    // The header timeout is long, so only the write timeout can end the connection.
    let options = ServeOptions::new()
        .header_read_timeout(Duration::from_secs(60))
        .write_timeout(Duration::from_millis(300));
    let running = support::start(support::server(None), options).await;

    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut stream = socket.connect(running.addr).await.unwrap();
    // 50 pipelined calls of 256 KiB answers each: 12.5 MiB, far more than the socket buffers
    // hold, so the server's writes stall while the client reads nothing.
    const CALLS: usize = 50;
    let body = r#"{"jsonrpc":"2.0","method":"conn.big","params":[262144],"id":1}"#;
    let one = format!(
        "POST /api/jsonrpc HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(one.repeat(CALLS).as_bytes())
        .await
        .unwrap();
    // Long past the write timeout.
    tokio::time::sleep(Duration::from_millis(1500)).await;

    // Now read: what was already in flight arrives, then the end of the connection. Without
    // a write timeout the server resumes writing once the client reads, answers all 50 calls
    // and keeps the connection open, so this read never ends.
    let mut received = Vec::new();
    let ended = tokio::time::timeout(Duration::from_secs(10), async {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    let answers = received
        .windows(b"HTTP/1.1 200".len())
        .filter(|w| *w == b"HTTP/1.1 200")
        .count();
    assert!(
        ended.is_ok(),
        "the server kept the connection open ({answers} answers read)"
    );
    assert!(answers < CALLS, "all {answers} answers were written");
}
