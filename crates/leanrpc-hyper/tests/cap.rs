//! B2 of issue 13: connections over `max_connections` wait for a slot, which the timeouts free,
//! so idle sockets cannot starve a keyed request.

mod support;

use std::time::Duration;

use leanrpc_hyper::ServeOptions;
use tokio::net::TcpStream;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keyed_request_over_the_cap_waits_for_an_idle_connection_to_be_reaped() {
    let options = ServeOptions::new()
        .max_connections(2)
        .header_read_timeout(Duration::from_secs(2));
    let running =
        support::start(support::server(Some(support::KeyCheck::default())), options).await;
    // Two clients take both slots and send nothing.
    let idle = [
        TcpStream::connect(running.addr).await.unwrap(),
        TcpStream::connect(running.addr).await.unwrap(),
    ];
    tokio::time::sleep(Duration::from_millis(100)).await;

    let answer = tokio::time::timeout(
        Duration::from_secs(20),
        support::post(
            running.addr,
            Some("good"),
            "",
            r#"{"jsonrpc":"2.0","method":"conn.echo","params":[5],"id":1}"#,
        ),
    )
    .await
    .expect("the keyed request is answered once a slot is free");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with(r#""result":5,"id":1}"#), "{answer}");
    // It was answered only after the server had closed an idle connection: the cap held.
    let closed = idle
        .iter()
        .filter(|stream| {
            let mut buf = [0u8; 1];
            match stream.try_read(&mut buf) {
                Ok(n) => n == 0,
                Err(error) => error.kind() != std::io::ErrorKind::WouldBlock,
            }
        })
        .count();
    assert!(
        closed >= 1,
        "no idle connection was closed before the answer"
    );
}
