//! Issue 13 ("Smaller"): the key of a POST is checked before its body is read, so clients
//! without a valid key cannot make the server buffer bodies of up to `max_body_bytes`.

mod support;

use std::time::Duration;

use leanrpc_hyper::ServeOptions;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_post_with_a_bad_key_is_refused_before_its_body_is_sent() {
    let running = support::start(
        support::server(Some(support::KeyCheck::default())),
        ServeOptions::new(),
    )
    .await;
    for key in [Some("bad"), None] {
        let mut stream = TcpStream::connect(running.addr).await.unwrap();
        let key = key.map_or(String::new(), |k| format!("x-api-key: {k}\r\n"));
        // Declares 2 MiB, sends 16 KiB of it, and waits for the answer.
        let head = format!(
            "POST /api/jsonrpc HTTP/1.1\r\nhost: x\r\n{key}content-length: {}\r\n\r\n",
            2 * 1024 * 1024 - 100
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(&[b' '; 16 * 1024]).await.unwrap();
        // Reading the body first, the server would wait 30 s (the body read timeout) for the
        // rest of it before it answered.
        let mut answer = Vec::new();
        let read =
            tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
        assert!(read.is_ok(), "no answer while the body was unfinished");
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
        // The id is in the unread body: the answer says null.
        assert!(
            answer.ends_with(
                r#"{"jsonrpc":"2.0","error":{"code":-32001,"message":"Unauthorized"},"id":null}"#
            ),
            "{answer}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn small_posts_keep_their_answers() {
    let running = support::start(
        support::server(Some(support::KeyCheck::default())),
        ServeOptions::new(),
    )
    .await;
    let call = r#"{"jsonrpc":"2.0","method":"conn.echo","params":["hi"],"id":"g"}"#;
    // Refused: the small body is read, so the id is echoed as before.
    let answer = support::post(running.addr, Some("bad"), "", call).await;
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(
        answer.ends_with(
            r#"{"jsonrpc":"2.0","error":{"code":-32001,"message":"Unauthorized"},"id":"g"}"#
        ),
        "{answer}"
    );
    // Unparseable: still the parse error.
    let answer = support::post(running.addr, Some("bad"), "", "{").await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(r#""code":-32700"#), "{answer}");
    // The wrong content type and path: 415 and 404, as before.
    let answer = support::post(
        running.addr,
        Some("bad"),
        "content-type: text/xml\r\n",
        call,
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 415"), "{answer}");
    // A good key reads a body of almost the whole limit.
    let big = format!(
        r#"{{"jsonrpc":"2.0","method":"conn.echo","params":["{}"],"id":2}}"#,
        "y".repeat(2 * 1024 * 1024 - 100)
    );
    let answer = support::post(running.addr, Some("good"), "", &big).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{}", &answer[..200]);
    assert!(
        answer.ends_with(r#"y"],"id":2}"#) || answer.ends_with(r#"y","id":2}"#),
        "{}",
        &answer[answer.len() - 100..]
    );
    // Over the limit: 413 from the Content-Length, before anything else, without waiting for
    // the body. (Only the head is sent: the server closes without reading a body it refused, so
    // a client still writing one may see a broken pipe or a reset instead of the answer.)
    let mut stream = TcpStream::connect(running.addr).await.unwrap();
    let head = format!(
        "POST /api/jsonrpc HTTP/1.1\r\nhost: x\r\nconnection: close\r\nx-api-key: bad\r\n\
         content-length: {}\r\n\r\n",
        2 * 1024 * 1024 + 1
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}
