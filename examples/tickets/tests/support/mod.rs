//! Starts the real `tickets` binary on a loopback port with a fresh data directory, and talks to
//! it over HTTP. In a test binary whose name ends in `_postgres` (`tests/api_postgres.rs` runs
//! `tests/api.rs` again), the server keeps its tickets data in a fresh PostgreSQL database
//! instead of SQLite, its API keys included.

#![allow(dead_code, unreachable_pub)]

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use serde_json::{Value, json};

pub mod cdp;
pub mod pg;
pub mod tools;

pub const BIN: &str = env!("CARGO_BIN_EXE_tickets");

/// The backend the servers of this test binary keep their data on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite in the data directory.
    Sqlite,
    /// A fresh PostgreSQL database per server.
    Postgres,
}

/// The backend of this test binary: PostgreSQL when its name ends in `_postgres`.
pub fn backend() -> Backend {
    if env!("CARGO_CRATE_NAME").ends_with("_postgres") {
        Backend::Postgres
    } else {
        Backend::Sqlite
    }
}

/// A running tickets server; killed on drop.
pub struct TicketsServer {
    child: Child,
    pub url: String,
    pub data: PathBuf,
    _dir: Option<tempfile::TempDir>,
    /// The PostgreSQL database holding the tickets data, on that backend (dropped after the
    /// server is killed).
    pub database: Option<pg::TestDatabase>,
    /// The owner key printed on first start.
    pub owner: String,
    /// Everything the server wrote to stdout (the one-time key banner).
    pub stdout: Arc<Mutex<String>>,
    /// Everything the server logged (stderr).
    pub logs: Arc<Mutex<String>>,
    pub client: reqwest::Client,
    /// The threads copying stdout and stderr, joined once the process is gone (so that
    /// [`stdout`](Self::stdout) and [`logs`](Self::logs) are then complete).
    drains: Vec<std::thread::JoinHandle<()>>,
}

impl TicketsServer {
    /// Starts a server on a fresh data directory (and, on PostgreSQL, a fresh database).
    pub fn start(args: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().to_owned();
        let database = (backend() == Backend::Postgres).then(pg::TestDatabase::create);
        Self::start_on(&data, Some(dir), database, args)
    }

    /// Starts a server on `data`, which may already hold data and keys.
    pub fn start_at(data: &Path, dir: Option<tempfile::TempDir>, args: &[&str]) -> Self {
        Self::start_on(data, dir, None, args)
    }

    /// Starts one more instance on `database`, which other servers share (it stays the
    /// caller's); `fresh` when no server has run on it yet (this one prints the owner key).
    pub fn start_instance(database: &pg::TestDatabase, fresh: bool, args: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().to_owned();
        let mut all = vec!["--database", &database.url];
        all.extend_from_slice(args);
        Self::spawn(&data, Some(dir), None, fresh, &all)
    }

    /// Starts a server on `data` and, when given, `database` (which may already hold data).
    pub fn start_on(
        data: &Path,
        dir: Option<tempfile::TempDir>,
        database: Option<pg::TestDatabase>,
        args: &[&str],
    ) -> Self {
        let fresh = match &database {
            Some(database) => !database.served,
            None => !data.join("keys.sqlite3").exists(),
        };
        Self::spawn(data, dir, database, fresh, args)
    }

    fn spawn(
        data: &Path,
        dir: Option<tempfile::TempDir>,
        database: Option<pg::TestDatabase>,
        fresh: bool,
        args: &[&str],
    ) -> Self {
        let mut command = Command::new(BIN);
        command
            .arg("serve")
            .args(["--listen", "127.0.0.1:0", "--data"])
            .arg(data);
        let mut database = database;
        if let Some(database) = &mut database {
            command.args(["--database", &database.url]);
            database.served = true;
        }
        let mut child = command
            .args(args)
            .env("RUST_LOG", "debug")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn tickets");
        let stdout = Arc::new(Mutex::new(String::new()));
        let logs = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        let drains = vec![
            drain(child.stdout.take().unwrap(), Arc::clone(&stdout), None),
            drain(child.stderr.take().unwrap(), Arc::clone(&logs), Some(tx)),
        ];
        let url = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the server logs its address");
        // A first start prints the owner key on stdout before logging its address on stderr;
        // the two pipes are read by different threads, so wait for the banner to arrive.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while fresh
            && !stdout.lock().unwrap().contains("Try it")
            && std::time::Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(10));
        }
        let owner = stdout
            .lock()
            .unwrap()
            .split_whitespace()
            .find(|w| w.starts_with("lt_") && !w.contains('\''))
            .unwrap_or_default()
            .to_owned();
        Self {
            child,
            url,
            data: data.to_owned(),
            _dir: dir,
            database,
            owner,
            stdout,
            logs,
            client: reqwest::Client::new(),
            drains,
        }
    }

    /// The arguments that name this server's store to `tickets users` and `tickets keys`:
    /// `--data DIR`, or `--database URL` on PostgreSQL.
    pub fn store_args(&self) -> Vec<std::ffi::OsString> {
        match &self.database {
            Some(database) => vec!["--database".into(), database.url.clone().into()],
            None => vec!["--data".into(), self.data.clone().into()],
        }
    }

    /// Runs `tickets keys ARGS --data DIR` (or `--database URL` on PostgreSQL) and returns its
    /// stdout.
    pub fn keys(&self, args: &[&str]) -> String {
        let output = Command::new(BIN)
            .arg("keys")
            .args(args)
            .args(self.store_args())
            .output()
            .expect("run tickets keys");
        assert!(
            output.status.success(),
            "tickets keys {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    /// Creates a key and returns it (the last line of `keys create`).
    pub fn create_key(&self, args: &[&str]) -> String {
        let mut full = vec!["create"];
        full.extend_from_slice(args);
        self.keys(&full).lines().last().unwrap().trim().to_owned()
    }

    /// POSTs a raw body, returning status, headers and parsed body.
    pub async fn post(
        &self,
        key: Option<&str>,
        body: &str,
    ) -> (u16, reqwest::header::HeaderMap, Option<Value>) {
        let mut request = self
            .client
            .post(&self.url)
            .header("content-type", "application/json")
            .body(body.to_owned());
        if let Some(key) = key {
            request = request.header("x-api-key", key);
        }
        let response = request.send().await.expect("POST");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.unwrap();
        let body = (!bytes.is_empty()).then(|| serde_json::from_slice(&bytes).expect("JSON body"));
        (status, headers, body)
    }

    /// Calls `leantime.rpc.METHOD` with `params` as `key`; returns the HTTP status and the answer.
    pub async fn call(&self, key: &str, method: &str, params: Value) -> (u16, Value) {
        let body = json!({"jsonrpc": "2.0", "method": format!("leantime.rpc.{method}"), "params": params, "id": 1});
        let (status, _, answer) = self.post(Some(key), &body.to_string()).await;
        (status, answer.expect("an answer"))
    }

    /// The result of a call that must succeed.
    pub async fn ok(&self, key: &str, method: &str, params: Value) -> Value {
        let (status, answer) = self.call(key, method, params.clone()).await;
        assert_eq!(status, 200, "{method} {params}: {answer}");
        assert!(answer.get("error").is_none(), "{method} {params}: {answer}");
        answer["result"].clone()
    }

    /// The error code of a call that must fail in-band (HTTP 200).
    pub async fn err(&self, key: &str, method: &str, params: Value) -> i64 {
        let (status, answer) = self.call(key, method, params.clone()).await;
        assert_eq!(status, 200, "{method} {params}: {answer}");
        answer["error"]["code"]
            .as_i64()
            .unwrap_or_else(|| panic!("{method} {params}: expected an error, got {answer}"))
    }

    /// Sends SIGTERM and waits for the exit status; [`stdout`](Self::stdout) and
    /// [`logs`](Self::logs) then hold everything the process wrote.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill -TERM");
        let status = self.child.wait().expect("wait");
        for drain in self.drains.drain(..) {
            drain.join().expect("an output reader");
        }
        status
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the server abruptly (SIGKILL).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Hands the data directory and the database over (for a restart) and stops this server
    /// abruptly.
    pub fn into_stores(mut self) -> (PathBuf, Option<tempfile::TempDir>, Option<pg::TestDatabase>) {
        self.kill();
        (self.data.clone(), self._dir.take(), self.database.take())
    }

    /// Hands the data directory over (for a restart) and stops this server abruptly.
    pub fn into_data(mut self) -> (PathBuf, Option<tempfile::TempDir>) {
        self.kill();
        (self.data.clone(), self._dir.take())
    }
}

impl Drop for TicketsServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Copies a child's output into `sink` until it closes; the first "listening on URL" goes to
/// `url`.
fn drain(
    stream: impl Read + Send + 'static,
    sink: Arc<Mutex<String>>,
    url: Option<mpsc::Sender<String>>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if let (Some(tx), Some(at)) = (&url, line.find("listening on http://")) {
                let rest = &line[at + "listening on ".len()..];
                let _ = tx.send(rest.split_whitespace().next().unwrap().to_owned());
            }
            let mut sink = sink.lock().unwrap();
            sink.push_str(&line);
            sink.push('\n');
        }
    })
}

/// Creates project `name` and returns its id.
pub async fn project(server: &TicketsServer, name: &str) -> i64 {
    server
        .ok(
            &server.owner,
            "projects.addProject",
            json!({"values": {"name": name}}),
        )
        .await
        .as_i64()
        .unwrap()
}

/// Creates a ticket and returns its id.
pub async fn ticket(server: &TicketsServer, project: i64, headline: &str) -> i64 {
    server
        .ok(
            &server.owner,
            "tickets.addTicket",
            json!({"values": {"projectId": project, "headline": headline}}),
        )
        .await
        .as_i64()
        .unwrap()
}

impl TicketsServer {
    /// GETs the endpoint with a raw query string (no `?`), returning the status and the answer.
    pub async fn get_query(&self, key: Option<&str>, query: &str) -> (u16, Option<Value>) {
        let mut request = self.client.get(format!("{}?{query}", self.url));
        if let Some(key) = key {
            request = request.header("x-api-key", key);
        }
        let response = request.send().await.expect("GET");
        let status = response.status().as_u16();
        let bytes = response.bytes().await.unwrap();
        let body = (!bytes.is_empty()).then(|| serde_json::from_slice(&bytes).expect("JSON body"));
        (status, body)
    }

    /// Calls `leantime.rpc.METHOD` over GET (`params` as url-encoded base64 JSON).
    pub async fn get_call(&self, key: &str, method: &str, params: Value) -> (u16, Value) {
        use base64::Engine as _;
        let params = base64::engine::general_purpose::STANDARD
            .encode(params.to_string())
            .replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D");
        let query = format!("method=leantime.rpc.{method}&jsonrpc=2.0&id=1&params={params}");
        let (status, answer) = self.get_query(Some(key), &query).await;
        (status, answer.expect("an answer"))
    }

    /// How many threads the server process has now (Linux: `/proc/PID/task`).
    pub fn threads(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/task", self.child.id()))
            .expect("/proc/PID/task")
            .count()
    }
}

impl TicketsServer {
    /// Everything this server's stores hold, as (what, bytes) pairs: each file of the data
    /// directory and, on PostgreSQL, each table of its database as text (every row as
    /// `row::text`). For tests that look for what must never be stored, such as a secret.
    pub fn stored(&self) -> Vec<(String, Vec<u8>)> {
        let mut stored: Vec<(String, Vec<u8>)> = std::fs::read_dir(&self.data)
            .expect("the data directory")
            .map(|entry| {
                let path = entry.unwrap().path();
                (path.display().to_string(), std::fs::read(&path).unwrap())
            })
            .collect();
        if let Some(database) = &self.database {
            stored.extend(
                pg::tables_as_text(&database.url)
                    .into_iter()
                    .map(|(table, text)| (format!("table {table}"), text.into_bytes())),
            );
        }
        stored
    }
}

/// Whether `bytes` hold `text`.
pub fn holds(bytes: &[u8], text: &str) -> bool {
    bytes.windows(text.len()).any(|w| w == text.as_bytes())
}

/// The tickets app built in process on this test binary's backend: SQLite in `dir`, or a fresh
/// PostgreSQL database (returned too: the app's data lives as long as it does).
pub async fn open_app(dir: &Path) -> (tickets::App, Option<pg::TestDatabase>) {
    let mut options = tickets::Options::new(dir);
    let database = (backend() == Backend::Postgres).then(pg::TestDatabase::create);
    options.database = database.as_ref().map(|d| d.url.clone());
    let app = tickets::App::connect(&options)
        .await
        .expect("open the tickets app");
    (app, database)
}

/// The `rpc.discover` document as `key` sees it (the call's `result`).
pub async fn discover(server: &TicketsServer, key: &str) -> Value {
    let body = r#"{"jsonrpc":"2.0","method":"rpc.discover","id":1}"#;
    let (status, _, answer) = server.post(Some(key), body).await;
    let answer = answer.expect("an answer");
    assert_eq!(status, 200, "{answer}");
    assert!(answer.get("error").is_none(), "{answer}");
    answer["result"].clone()
}

/// The method names of an OpenRPC document, in order.
pub fn method_names(doc: &Value) -> Vec<String> {
    doc["methods"]
        .as_array()
        .expect("methods")
        .iter()
        .map(|m| m["name"].as_str().expect("a name").to_owned())
        .collect()
}
