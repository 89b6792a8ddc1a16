//! Headless Chromium driven over the Chrome DevTools Protocol (its WebSocket, with
//! `tungstenite`): open a page, evaluate JavaScript in it, wait for a condition; and a page of
//! another origin served with axum.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

/// Debian's `chromium`, headless, quiet (no first-run, sync, update or background traffic) and
/// with a profile of its own in `profile`: the flags every browser test starts it with.
pub fn headless_chromium(profile: &tempfile::TempDir) -> Command {
    let mut command = Command::new("chromium");
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()));
    command
}

/// A headless Chromium with its DevTools connection; killed on drop.
pub struct Browser {
    child: Child,
    /// The browser's own DevTools session, which opens the tabs.
    session: Session,
    port: u16,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts Debian's `chromium` headless on a free loopback DevTools port.
    pub fn launch() -> Self {
        let profile = tempfile::tempdir().unwrap();
        let mut child = headless_chromium(&profile)
            .args([
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
            ])
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot run chromium (install Debian's chromium package: scripts/ci-deps.sh): {e}")
            });
        let (tx, rx) = std::sync::mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                // "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/ID"
                if let Some(at) = line.find("ws://127.0.0.1:") {
                    let _ = tx.send(line[at..].trim().to_owned());
                }
            }
        });
        let url = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("chromium printed its DevTools address");
        let port: u16 = url["ws://127.0.0.1:".len()..]
            .split('/')
            .next()
            .and_then(|port| port.parse().ok())
            .unwrap_or_else(|| panic!("a DevTools port in {url}"));
        Self {
            child,
            session: Session::connect(&url),
            port,
            _profile: profile,
        }
    }

    /// Opens `url` in a new tab.
    pub fn open(&mut self, url: &str) -> Page {
        let target = self
            .session
            .call("Target.createTarget", json!({"url": url}));
        let id = target["targetId"].as_str().expect("a target id");
        let mut page = Page {
            session: Session::connect(&format!("ws://127.0.0.1:{}/devtools/page/{id}", self.port)),
        };
        // A new tab starts on about:blank: wait for the page asked for.
        page.wait_for(&format!(
            "location.href.startsWith({:?}) && document.readyState === 'complete'",
            url.split('#').next().unwrap_or(url)
        ));
        page
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A DevTools session: commands sent and answered over one WebSocket.
struct Session {
    socket: WebSocket<TcpStream>,
    next: u64,
}

impl Session {
    /// Connects to the DevTools socket at `url` (`ws://127.0.0.1:PORT/devtools/...`).
    fn connect(url: &str) -> Self {
        let address = url["ws://".len()..].split('/').next().unwrap();
        let stream = TcpStream::connect(address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let (socket, _) = tungstenite::client(url, stream)
            .unwrap_or_else(|e| panic!("DevTools WebSocket {url}: {e}"));
        Self { socket, next: 0 }
    }

    /// Sends a DevTools command and returns its result (events in between are skipped).
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        let command = json!({"id": id, "method": method, "params": params});
        self.socket
            .send(Message::text(command.to_string()))
            .unwrap_or_else(|e| panic!("{method}: {e}"));
        loop {
            let message = self
                .socket
                .read()
                .unwrap_or_else(|e| panic!("{method}: {e}"));
            let Message::Text(text) = message else {
                continue;
            };
            let message: Value = serde_json::from_str(text.as_str()).unwrap();
            if message["id"] == id {
                assert!(message.get("error").is_none(), "{method}: {message}");
                return message["result"].clone();
            }
        }
    }
}

/// One tab.
pub struct Page {
    session: Session,
}

impl Page {
    /// Sends a DevTools command to this tab and returns its result.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        self.session.call(method, params)
    }

    /// Evaluates `expression` in the page (awaiting a promise) and returns its value.
    pub fn eval(&mut self, expression: &str) -> Value {
        let result = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "awaitPromise": true, "returnByValue": true}),
        );
        if let Some(error) = result.get("exceptionDetails") {
            panic!("{expression}: {error}");
        }
        result["result"]["value"].clone()
    }

    /// Loads `url` in this tab with the page's own scripts off (as a browser with JavaScript
    /// disabled); DevTools can still read the page.
    pub fn open_without_scripts(&mut self, url: &str) {
        self.call(
            "Emulation.setScriptExecutionDisabled",
            json!({"value": true}),
        );
        self.call("Page.navigate", json!({"url": url}));
        self.wait_for(&format!(
            "location.href.startsWith({url:?}) && document.readyState === 'complete'"
        ));
    }

    /// Waits (at most 30 s) until `condition` is true in the page.
    pub fn wait_for(&mut self, condition: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.eval(&format!("!!({condition})")) != Value::Bool(true) {
            assert!(
                Instant::now() < deadline,
                "still false after 30 s: {condition}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A loopback HTTP server (axum) answering every request with `html`: a page of another
/// origin. Returns its origin; it runs until the test process ends.
pub fn serve_page(html: &'static str) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let page =
                axum::Router::new().fallback(move || async move { axum::response::Html(html) });
            axum::serve(listener, page).await.unwrap();
        });
    });
    origin
}
