//! W4 of issue 13, its HTTP half: which address the authenticator sees, with and without a
//! trusted proxy in front.

mod support;

use std::net::IpAddr;

use leanrpc_hyper::ServeOptions;

const CALL: &str = r#"{"jsonrpc":"2.0","method":"conn.echo","params":[1],"id":1}"#;
const XFF: &str = "x-forwarded-for: 198.51.100.1, 203.0.113.7\r\n";

async fn peer_seen(options: ServeOptions, extra: &str) -> Option<IpAddr> {
    let auth = support::KeyCheck::default();
    let running = support::start(support::server(Some(auth.clone())), options).await;
    let answer = support::post(running.addr, Some("good"), extra, CALL).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let peers = auth.peers.lock().unwrap();
    assert_eq!(peers.len(), 1, "{peers:?}");
    peers[0]
}

#[tokio::test]
async fn the_forwarded_for_header_counts_only_for_trusted_hops() {
    let loopback: IpAddr = "127.0.0.1".parse().unwrap();
    // Off by default: a client cannot name its own address.
    assert_eq!(peer_seen(ServeOptions::new(), XFF).await, Some(loopback));
    // One trusted proxy: the entry it appended, the last one.
    let one = ServeOptions::new().trusted_proxy_hops(1);
    assert_eq!(
        peer_seen(one, XFF).await,
        Some("203.0.113.7".parse().unwrap())
    );
    // Two: the entry the second proxy appended.
    let two = ServeOptions::new().trusted_proxy_hops(2);
    assert_eq!(
        peer_seen(two, XFF).await,
        Some("198.51.100.1".parse().unwrap())
    );
    // Trusted, but the request came without the header: the socket's address.
    assert_eq!(peer_seen(one, "").await, Some(loopback));
}
