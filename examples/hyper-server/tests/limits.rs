//! B3 of issue 13: hyper-server, the example of plugging the core into another stack, must not
//! be stoppable from outside. Under a 128 file-descriptor limit, 140 idle connections used to
//! end the process (`accept` failing with EMFILE was fatal) and, without a timer, were never
//! closed. Now accept errors are retried and idle connections time out.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

/// Kills the server when the test ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_over_the_fd_limit_neither_stop_the_server_nor_stay_open() {
    let dir = tempfile::tempdir().unwrap();
    // `ulimit -n 128` applies to the server alone: sh sets it, then execs the binary.
    let child = Command::new("sh")
        .args(["-c", r#"ulimit -n 128 && exec "$0" "$@""#])
        .arg(env!("CARGO_BIN_EXE_hyper-server"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--header-read-timeout-ms",
            "1000",
            "--data",
        ])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut server = Server(child);
    let mut stdout = BufReader::new(server.0.stdout.take().unwrap());
    let mut banner = String::new();
    stdout.read_line(&mut banner).unwrap();
    let key = banner.rsplit(' ').next().unwrap().trim().to_owned();
    let mut stderr = BufReader::new(server.0.stderr.take().unwrap()).lines();
    let url = stderr
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| line.split("listening on ").nth(1).map(str::to_owned))
        .unwrap();
    // Keep reading the log, so the server never blocks on a full pipe.
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let sink = std::sync::Arc::clone(&log);
    std::thread::spawn(move || {
        stderr
            .map_while(Result::ok)
            .for_each(|line| sink.lock().unwrap().push(line));
    });
    let addr = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_owned();

    // 140 clients connect and send nothing: more than the server has descriptors for.
    let mut idle = Vec::new();
    for _ in 0..140 {
        idle.push(TcpStream::connect(&addr).await.unwrap());
    }
    // Every one of them is closed by the server: those it accepted at once after the header
    // timeout, the others once descriptors were free again and their own timeout ran out.
    let closed = tokio::time::timeout(Duration::from_secs(30), async {
        for stream in &mut idle {
            let mut buf = [0u8; 16];
            loop {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "idle connections were left open");
    // The limit was reached (so the test tested something), and survived.
    assert!(
        log.lock()
            .unwrap()
            .iter()
            .any(|line| line.contains("accept failed")),
        "{:?}",
        log.lock().unwrap()
    );
    assert!(
        server.0.try_wait().unwrap().is_none(),
        "the server exited: {:?}",
        server.0.try_wait()
    );

    // And it still answers a keyed call.
    let response = reqwest::Client::new()
        .post(&url)
        .header("x-api-key", &key)
        .body(r#"{"jsonrpc":"2.0","method":"leantime.rpc.projects.addProject","params":{"values":{"name":"P"}},"id":1}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let answer: serde_json::Value = response.json().await.unwrap();
    assert_eq!(answer["result"], 1, "{answer}");
}
