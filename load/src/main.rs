//! Run with: bash load/run.sh   (see load/README.md)
//!
//! A bounded load and soak driver for the tickets server. `run` sends a fixed number of HTTP
//! requests, paced evenly over a fixed time, from a fixed number of connections (one TCP
//! connection per worker, kept alive), with a fixed mix: reads (`getTicket`, `getAll`), writes
//! (`addTicket`, `updateTicket`, `patch`), batches of 5, and about 2% bad input (unknown method, bad
//! params, invalid JSON, bad key) whose errors are expected and counted apart. Every answer is
//! checked; every acknowledged write is recorded and read back at the end (`verify` reads a
//! saved ledger back again, e.g. after a restart). The server's RSS and open file descriptors
//! are sampled every second. Exits 1 on any unexpected error or lost write.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpStream;

const NS: &str = "leantime.rpc";
/// Tickets seeded in the read-only project, which `getAll` lists on every read.
const SEED_TICKETS: usize = 10;
/// Projects that take the writes.
const WRITE_PROJECTS: usize = 4;
/// Leantime's status ids and their labels (3 new, 1 blocked, 4 in progress, 2 waiting, 0 done,
/// -1 archived), as `statusLabel` must name them.
const STATUSES: [(i64, &str); 6] = [
    (3, "New"),
    (1, "Blocked"),
    (4, "In Progress"),
    (2, "Waiting for Approval"),
    (0, "Done"),
    (-1, "Archived"),
];
/// A new ticket's status.
const STATUS_NEW: i64 = 3;
/// One request that takes longer than this is an unexpected error.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

const USAGE: &str = "usage:
  leanrpc-load run --url URL --key KEY --connections N --requests N --seconds S
                   [--preload N] [--pid PID] [--ledger FILE] [--max-rss-growth-mib M]
  leanrpc-load verify --url URL --key KEY --ledger FILE";

// --- arguments -------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct RunArgs {
    target: Target,
    connections: usize,
    requests: usize,
    seconds: f64,
    preload: usize,
    pid: Option<u32>,
    ledger: Option<PathBuf>,
    max_rss_growth_mib: Option<f64>,
}

#[derive(Debug, Clone)]
struct Target {
    addr: SocketAddr,
    host: String,
    path: String,
    key: String,
}

fn parse_args() -> Result<(String, RunArgs), String> {
    let mut args = std::env::args().skip(1);
    let command = args.next().ok_or("no command")?;
    let mut flags = BTreeMap::new();
    while let Some(flag) = args.next() {
        let name = flag
            .strip_prefix("--")
            .ok_or_else(|| format!("unexpected argument {flag}"))?;
        let value = args
            .next()
            .ok_or_else(|| format!("--{name} needs a value"))?;
        flags.insert(name.to_owned(), value);
    }
    let mut take = |name: &str| flags.remove(name);
    let url = take("url").ok_or("--url is required")?;
    let key = take("key").ok_or("--key is required")?;
    let rest = url
        .strip_prefix("http://")
        .ok_or("--url must be http://HOST:PORT/PATH")?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let addr: SocketAddr = host
        .parse()
        .map_err(|_| format!("--url host must be IP:PORT, got {host}"))?;
    if !addr.ip().is_loopback() {
        return Err("this driver only loads loopback servers".into());
    }
    let number = |v: Option<String>, name: &str| -> Result<Option<f64>, String> {
        v.map(|v| {
            v.parse::<f64>()
                .map_err(|_| format!("--{name}: not a number"))
        })
        .transpose()
    };
    let connections = number(take("connections"), "connections")?.unwrap_or(64.0) as usize;
    let requests = number(take("requests"), "requests")?.unwrap_or(10_000.0) as usize;
    let seconds = number(take("seconds"), "seconds")?.unwrap_or(30.0);
    let preload = number(take("preload"), "preload")?.unwrap_or(0.0) as usize;
    let pid = number(take("pid"), "pid")?.map(|p| p as u32);
    let max_rss_growth_mib = number(take("max-rss-growth-mib"), "max-rss-growth-mib")?;
    let ledger = take("ledger").map(PathBuf::from);
    if let Some(unknown) = flags.keys().next() {
        return Err(format!("unknown flag --{unknown}"));
    }
    if connections == 0 || requests < connections || seconds <= 0.0 {
        return Err("need connections >= 1, requests >= connections, seconds > 0".into());
    }
    Ok((
        command,
        RunArgs {
            target: Target {
                addr,
                host: host.to_owned(),
                path: format!("/{path}"),
                key,
            },
            connections,
            requests,
            seconds,
            preload,
            pid,
            ledger,
            max_rss_growth_mib,
        },
    ))
}

// --- one keep-alive connection ---------------------------------------------------------------

/// One TCP connection to the server, reopened if the server closes it.
struct Conn {
    target: Arc<Target>,
    sender: Option<SendRequest<Full<Bytes>>>,
}

impl Conn {
    fn new(target: Arc<Target>) -> Self {
        Self {
            target,
            sender: None,
        }
    }

    /// POSTs `body` with `key`; returns the status and the body. Never retries: a write whose
    /// answer is lost must not be sent twice.
    async fn post(&mut self, key: &str, body: String) -> Result<(u16, Bytes), String> {
        tokio::time::timeout(REQUEST_TIMEOUT, self.post_inner(key, body))
            .await
            .unwrap_or_else(|_| {
                self.sender = None;
                Err(format!("no answer within {REQUEST_TIMEOUT:?}"))
            })
    }

    async fn post_inner(&mut self, key: &str, body: String) -> Result<(u16, Bytes), String> {
        if self.sender.as_ref().is_none_or(|s| s.is_closed()) {
            let stream = TcpStream::connect(self.target.addr)
                .await
                .map_err(|e| format!("connect: {e}"))?;
            stream.set_nodelay(true).map_err(|e| e.to_string())?;
            let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                .await
                .map_err(|e| format!("handshake: {e}"))?;
            tokio::spawn(connection);
            self.sender = Some(sender);
        }
        let sender = self.sender.as_mut().expect("connected above");
        sender.ready().await.map_err(|e| {
            self.sender = None;
            format!("connection not ready: {e}")
        })?;
        let request = hyper::Request::post(&self.target.path)
            .header("host", &self.target.host)
            .header("content-type", "application/json")
            .header("x-api-key", key)
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| e.to_string())?;
        let response = match self.sender.as_mut() {
            Some(sender) => sender.send_request(request).await,
            None => unreachable!(),
        }
        .map_err(|e| {
            self.sender = None;
            format!("send: {e}")
        })?;
        let status = response.status().as_u16();
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(|e| {
                self.sender = None;
                format!("body: {e}")
            })?
            .to_bytes();
        Ok((status, bytes))
    }

    /// POSTs a JSON-RPC body as the target's key and parses the answer (HTTP 200 expected).
    async fn rpc(&mut self, body: String) -> Result<Value, String> {
        let key = self.target.key.clone();
        let (status, bytes) = self.post(&key, body).await?;
        if status != 200 {
            return Err(format!(
                "HTTP {status}: {}",
                String::from_utf8_lossy(&bytes)
            ));
        }
        serde_json::from_slice(&bytes).map_err(|e| format!("not JSON ({e})"))
    }
}

fn call(method: &str, params: Value, id: usize) -> Value {
    json!({"jsonrpc": "2.0", "method": format!("{NS}.{method}"), "params": params, "id": id})
}

fn result(answer: &Value) -> Result<&Value, String> {
    match answer.get("result") {
        Some(result) if answer.get("error").is_none() => Ok(result),
        _ => Err(format!("expected a result, got {answer}")),
    }
}

// --- the workload ----------------------------------------------------------------------------

/// What the run set up and every worker shares.
#[derive(Debug)]
struct Fixture {
    read_project: i64,
    seed_tickets: Vec<i64>,
    write_projects: Vec<i64>,
}

/// What a ticket must look like: its last acknowledged state.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Expect {
    headline: String,
    /// The status id.
    status: i64,
}

/// The label of a status id (`None` for an id that is not Leantime's).
fn status_label(status: i64) -> Option<&'static str> {
    STATUSES.iter().find(|s| s.0 == status).map(|s| s.1)
}

#[derive(Debug, Default)]
struct Stats {
    requests: u64,
    calls: u64,
    /// Expected errors, by kind.
    expected: BTreeMap<&'static str, u64>,
    unexpected: u64,
    unexpected_samples: Vec<String>,
    adds: u64,
    updates: u64,
    latencies_us: Vec<u32>,
    /// Every acknowledged write: ticket id to its last acknowledged state.
    ledger: BTreeMap<i64, Expect>,
    /// Tickets whose state is unknown (a write to them got no clear answer): not verified.
    uncertain: Vec<i64>,
}

impl Stats {
    fn unexpected(&mut self, what: String) {
        self.unexpected += 1;
        if self.unexpected_samples.len() < 5 {
            self.unexpected_samples.push(what);
        }
    }

    fn merge(&mut self, other: Stats) {
        self.requests += other.requests;
        self.calls += other.calls;
        for (kind, n) in other.expected {
            *self.expected.entry(kind).or_default() += n;
        }
        self.unexpected += other.unexpected;
        for s in other.unexpected_samples {
            if self.unexpected_samples.len() < 10 {
                self.unexpected_samples.push(s);
            }
        }
        self.adds += other.adds;
        self.updates += other.updates;
        self.latencies_us.extend(other.latencies_us);
        self.ledger.extend(other.ledger);
        self.uncertain.extend(other.uncertain);
    }
}

/// xorshift64*: a fixed, seedable sequence, so every run sends the same mix.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// One worker: one connection, its own tickets, its share of the requests on a fixed schedule.
struct Worker {
    index: usize,
    conn: Conn,
    fixture: Arc<Fixture>,
    rng: Rng,
    /// The tickets this worker created, in the state it last had acknowledged. Only this worker
    /// writes them, and its calls are sequential, so each read of one must see that state.
    own: Vec<(i64, Expect)>,
    stats: Stats,
    n: usize,
}

impl Worker {
    fn headline(&mut self) -> String {
        self.n += 1;
        format!("c{}-n{}", self.index, self.n)
    }

    async fn run(
        mut self,
        start: Instant,
        count: usize,
        interval: Duration,
        offset: Duration,
    ) -> Stats {
        for k in 0..count {
            let due = start + offset + interval.mul_f64(k as f64);
            tokio::time::sleep_until(due.into()).await;
            let began = Instant::now();
            self.one_request().await;
            let took = began.elapsed().as_micros().min(u128::from(u32::MAX)) as u32;
            self.stats.latencies_us.push(took);
            self.stats.requests += 1;
        }
        for (id, expect) in self.own.drain(..) {
            self.stats.ledger.insert(id, expect);
        }
        self.stats
    }

    async fn one_request(&mut self) {
        let roll = self.rng.below(1000);
        let outcome = match roll {
            0..20 => self.bad_input(roll % 4).await,
            20..120 => self.batch().await,
            120..320 if !self.own.is_empty() => self.get_own().await,
            120..470 => self.get_seed().await,
            470..570 => self.list_seed().await,
            570..620 => self.list_projects().await,
            620..820 => self.add().await,
            _ if !self.own.is_empty() => self.update().await,
            _ => self.add().await,
        };
        if let Err(what) = outcome {
            self.stats.unexpected(what);
        }
    }

    fn pick_own(&mut self) -> usize {
        self.rng.below(self.own.len())
    }

    async fn get_own(&mut self) -> Result<(), String> {
        let i = self.pick_own();
        let (id, expect) = self.own[i].clone();
        self.stats.calls += 1;
        let answer = self
            .conn
            .rpc(call("tickets.getTicket", json!({"id": id}), 1).to_string())
            .await?;
        check_ticket(result(&answer)?, id, &expect)
    }

    async fn get_seed(&mut self) -> Result<(), String> {
        let k = self.rng.below(SEED_TICKETS);
        let id = self.fixture.seed_tickets[k];
        self.stats.calls += 1;
        let answer = self
            .conn
            .rpc(call("tickets.getTicket", json!({"id": id}), 1).to_string())
            .await?;
        check_seed(result(&answer)?, &self.fixture, k)
    }

    async fn list_seed(&mut self) -> Result<(), String> {
        self.stats.calls += 1;
        let body = call(
            "tickets.getAll",
            json!({"searchCriteria": {"currentProject": self.fixture.read_project}}),
            1,
        );
        let answer = self.conn.rpc(body.to_string()).await?;
        check_len(result(&answer)?, SEED_TICKETS)
    }

    async fn list_projects(&mut self) -> Result<(), String> {
        self.stats.calls += 1;
        let answer = self
            .conn
            .rpc(call("projects.getAll", json!({}), 1).to_string())
            .await?;
        check_len(result(&answer)?, WRITE_PROJECTS + 1)
    }

    fn add_call(&mut self, id: usize) -> (Value, Expect) {
        let project = self.fixture.write_projects[self.index % WRITE_PROJECTS];
        let headline = self.headline();
        let body = call(
            "tickets.addTicket",
            json!({"values": {"projectId": project, "headline": headline}}),
            id,
        );
        (
            body,
            Expect {
                headline,
                status: STATUS_NEW,
            },
        )
    }

    fn record_add(&mut self, result: &Value, expect: Expect) -> Result<(), String> {
        let id = result
            .as_i64()
            .ok_or_else(|| format!("addTicket answered {result}"))?;
        self.stats.adds += 1;
        self.own.push((id, expect));
        Ok(())
    }

    async fn add(&mut self) -> Result<(), String> {
        let (body, expect) = self.add_call(1);
        self.stats.calls += 1;
        let answer = self.conn.rpc(body.to_string()).await?;
        self.record_add(result(&answer)?, expect)
    }

    /// An update of one of this worker's tickets: (its index in `own`, the call, the new state).
    /// Half are `updateTicket {values: {id, ...}}`, half `patch {id, params: {...}}`.
    fn update_call(&mut self, id: usize) -> (usize, Value, Expect) {
        let i = self.pick_own();
        let ticket = self.own[i].0;
        let expect = Expect {
            headline: self.headline(),
            status: STATUSES[self.rng.below(STATUSES.len())].0,
        };
        let body = if self.rng.below(2) == 0 {
            call(
                "tickets.updateTicket",
                json!({"values": {"id": ticket, "headline": expect.headline, "status": expect.status}}),
                id,
            )
        } else {
            call(
                "tickets.patch",
                json!({"id": ticket, "params": {"headline": expect.headline, "status": expect.status}}),
                id,
            )
        };
        (i, body, expect)
    }

    /// Records the outcome of an update: acknowledged, or the ticket's state is now unknown.
    fn record_update(
        &mut self,
        i: usize,
        acknowledged: Result<&Value, String>,
        expect: Expect,
    ) -> Result<(), String> {
        match acknowledged {
            Ok(Value::Bool(true)) => {
                self.stats.updates += 1;
                self.own[i].1 = expect;
                Ok(())
            }
            other => {
                let (id, _) = self.own.swap_remove(i);
                self.stats.uncertain.push(id);
                Err(format!("update of ticket {id}: {other:?}"))
            }
        }
    }

    async fn update(&mut self) -> Result<(), String> {
        let (i, body, expect) = self.update_call(1);
        self.stats.calls += 1;
        let answer = self.conn.rpc(body.to_string()).await;
        match &answer {
            Ok(answer) => self.record_update(i, result(answer), expect),
            Err(e) => self.record_update(i, Err(e.clone()), expect),
        }
    }

    /// A batch of 5: a read of a seed ticket, an add, an update (or a second add), a `getAll`
    /// of the seed project and of the projects.
    async fn batch(&mut self) -> Result<(), String> {
        let k = self.rng.below(SEED_TICKETS);
        let seed = call(
            "tickets.getTicket",
            json!({"id": self.fixture.seed_tickets[k]}),
            0,
        );
        let (add, add_expect) = self.add_call(1);
        let update = if self.own.is_empty() {
            None
        } else {
            Some(self.update_call(2))
        };
        let (second, second_add) = match &update {
            Some((_, body, _)) => (body.clone(), None),
            None => {
                let (body, expect) = self.add_call(2);
                (body, Some(expect))
            }
        };
        let list = call(
            "tickets.getAll",
            json!({"searchCriteria": {"currentProject": self.fixture.read_project}}),
            3,
        );
        let projects = call("projects.getAll", json!({}), 4);
        let body = Value::Array(vec![seed, add, second, list, projects]).to_string();
        self.stats.calls += 5;
        let answer = match self.conn.rpc(body).await {
            Ok(answer) => answer,
            Err(e) => {
                if let Some((i, _, expect)) = update {
                    let _ = self.record_update(i, Err(e.clone()), expect);
                }
                return Err(format!("batch: {e}"));
            }
        };
        let answers = answer
            .as_array()
            .filter(|a| a.len() == 5)
            .ok_or_else(|| format!("batch: expected 5 answers, got {answer}"))?;
        let mut by_id: Vec<&Value> = answers.iter().collect();
        by_id.sort_by_key(|a| a["id"].as_u64());
        if by_id.iter().enumerate().any(|(i, a)| a["id"] != json!(i)) {
            return Err(format!("batch: ids do not match: {answer}"));
        }
        let mut outcome = check_seed(result(by_id[0])?, &self.fixture, k);
        let added = result(by_id[1]).and_then(|r| self.record_add(r, add_expect));
        outcome = outcome.and(added);
        let second = match (update, second_add) {
            (Some((i, _, expect)), _) => self.record_update(i, result(by_id[2]), expect),
            (None, Some(expect)) => result(by_id[2]).and_then(|r| self.record_add(r, expect)),
            (None, None) => unreachable!(),
        };
        outcome = outcome.and(second);
        outcome = outcome.and(result(by_id[3]).and_then(|r| check_len(r, SEED_TICKETS)));
        outcome.and(result(by_id[4]).and_then(|r| check_len(r, WRITE_PROJECTS + 1)))
    }

    /// Bad input of four kinds, each with the one answer it must get.
    async fn bad_input(&mut self, kind: usize) -> Result<(), String> {
        let key = self.conn.target.key.clone();
        let (name, key, body, want_status, want_code) = match kind {
            0 => (
                "unknown method",
                key,
                call("tickets.noSuchMethod", json!({}), 1).to_string(),
                200,
                -32601,
            ),
            1 => (
                "bad params",
                key,
                call(
                    "tickets.addTicket",
                    json!({"values": {"projectId": "not a number", "headline": "x"}}),
                    1,
                )
                .to_string(),
                200,
                -32602,
            ),
            2 => (
                "invalid JSON",
                key,
                r#"{"jsonrpc":"2.0","method":"leantime.rpc.tickets.getAll","id":1"#.to_owned(),
                200,
                -32700,
            ),
            _ => (
                "bad key",
                format!("lt_{}_{}", "A".repeat(12), "b".repeat(38)),
                call("tickets.getAll", json!({}), 1).to_string(),
                401,
                -32001,
            ),
        };
        self.stats.calls += 1;
        let (status, bytes) = self.conn.post(&key, body).await?;
        let answer: Value =
            serde_json::from_slice(&bytes).map_err(|e| format!("{name}: not JSON ({e})"))?;
        if status == want_status && answer["error"]["code"] == json!(want_code) {
            *self.stats.expected.entry(name).or_default() += 1;
            Ok(())
        } else {
            Err(format!(
                "{name}: expected HTTP {want_status} with {want_code}, got HTTP {status}: {answer}"
            ))
        }
    }
}

fn check_ticket(ticket: &Value, id: i64, expect: &Expect) -> Result<(), String> {
    if ticket["id"] == json!(id)
        && ticket["headline"] == json!(expect.headline)
        && ticket["status"] == json!(expect.status)
        && ticket["statusLabel"] == json!(status_label(expect.status))
    {
        Ok(())
    } else {
        Err(format!("ticket {id}: expected {expect:?}, got {ticket}"))
    }
}

fn check_seed(ticket: &Value, fixture: &Fixture, k: usize) -> Result<(), String> {
    if ticket["id"] == json!(fixture.seed_tickets[k])
        && ticket["projectId"] == json!(fixture.read_project)
        && ticket["headline"] == json!(format!("seed-{k}"))
    {
        Ok(())
    } else {
        Err(format!("seed ticket {k}: got {ticket}"))
    }
}

fn check_len(list: &Value, len: usize) -> Result<(), String> {
    match list.as_array() {
        Some(items) if items.len() == len => Ok(()),
        _ => Err(format!("expected {len} items, got {list}")),
    }
}

// --- set-up, sampling, read-back ---------------------------------------------------------------

async fn set_up(target: &Arc<Target>) -> Result<(Fixture, BTreeMap<i64, Expect>), String> {
    let mut conn = Conn::new(Arc::clone(target));
    let add_project = async |conn: &mut Conn, name: String| -> Result<i64, String> {
        let answer = conn
            .rpc(call("projects.addProject", json!({"values": {"name": name}}), 1).to_string())
            .await?;
        result(&answer)?
            .as_i64()
            .ok_or_else(|| format!("addProject answered {answer}"))
    };
    let read_project = add_project(&mut conn, "load: reads".into()).await?;
    let mut write_projects = Vec::new();
    for i in 0..WRITE_PROJECTS {
        write_projects.push(add_project(&mut conn, format!("load: writes {i}")).await?);
    }
    let mut seed_tickets = Vec::new();
    let mut ledger = BTreeMap::new();
    for k in 0..SEED_TICKETS {
        let headline = format!("seed-{k}");
        let body = call(
            "tickets.addTicket",
            json!({"values": {"projectId": read_project, "headline": headline}}),
            1,
        );
        let answer = conn.rpc(body.to_string()).await?;
        let id = result(&answer)?
            .as_i64()
            .ok_or_else(|| format!("addTicket answered {answer}"))?;
        seed_tickets.push(id);
        ledger.insert(
            id,
            Expect {
                headline,
                status: STATUS_NEW,
            },
        );
    }
    Ok((
        Fixture {
            read_project,
            seed_tickets,
            write_projects,
        },
        ledger,
    ))
}

/// Creates `n` tickets in the write projects before the measured run (batches of 200 calls on
/// eight connections), so that the run works on a database of a realistic size from its start.
async fn preload(
    target: &Arc<Target>,
    fixture: &Fixture,
    n: usize,
) -> Result<BTreeMap<i64, Expect>, String> {
    let mut tasks = Vec::new();
    for part in 0..8 {
        let target = Arc::clone(target);
        let projects = fixture.write_projects.clone();
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::new(target);
            let mut made = BTreeMap::new();
            let mine: Vec<usize> = (part..n).step_by(8).collect();
            for chunk in mine.chunks(200) {
                let body: Vec<Value> = chunk
                    .iter()
                    .enumerate()
                    .map(|(i, j)| {
                        let values = json!({"projectId": projects[j % WRITE_PROJECTS], "headline": format!("pre-{j}")});
                        let params = json!({ "values": values });
                        call("tickets.addTicket", params, i)
                    })
                    .collect();
                let answer = conn.rpc(Value::Array(body).to_string()).await?;
                let answers = answer
                    .as_array()
                    .filter(|a| a.len() == chunk.len())
                    .ok_or_else(|| format!("preload: {answer}"))?;
                for a in answers {
                    let i = a["id"].as_u64().ok_or_else(|| format!("preload: {a}"))? as usize;
                    let id = result(a)?.as_i64().ok_or_else(|| format!("preload: {a}"))?;
                    let expect = Expect {
                        headline: format!("pre-{}", chunk[i]),
                        status: STATUS_NEW,
                    };
                    made.insert(id, expect);
                }
            }
            Ok::<_, String>(made)
        }));
    }
    let mut made = BTreeMap::new();
    for task in tasks {
        made.extend(task.await.map_err(|e| e.to_string())??);
    }
    Ok(made)
}

/// One sample of the server process: resident set size (KiB) and open file descriptors.
#[derive(Debug, Clone, Copy)]
struct Sample {
    at: f64,
    rss_kib: u64,
    fds: usize,
}

fn sample(pid: u32, at: f64) -> Option<Sample> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss_kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count();
    Some(Sample { at, rss_kib, fds })
}

/// Reads every ticket of `ledger` back and returns the ones that do not match.
async fn read_back(
    target: &Arc<Target>,
    ledger: &BTreeMap<i64, Expect>,
) -> Result<Vec<String>, String> {
    let ids: Vec<(&i64, &Expect)> = ledger.iter().collect();
    let mut lost = Vec::new();
    let chunks: Vec<Vec<(i64, Expect)>> = ids
        .chunks(100)
        .map(|c| c.iter().map(|(id, e)| (**id, (*e).clone())).collect())
        .collect();
    // Eight connections, each reading its share of the chunks in batches of 100 calls.
    let mut tasks = Vec::new();
    for part in 0..8 {
        let mine: Vec<Vec<(i64, Expect)>> = chunks.iter().skip(part).step_by(8).cloned().collect();
        let target = Arc::clone(target);
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::new(target);
            let mut lost = Vec::new();
            for chunk in mine {
                let body: Vec<Value> = chunk
                    .iter()
                    .enumerate()
                    .map(|(i, (id, _))| call("tickets.getTicket", json!({"id": id}), i))
                    .collect();
                let answer = conn.rpc(Value::Array(body).to_string()).await?;
                let answers = answer
                    .as_array()
                    .ok_or_else(|| format!("read-back: {answer}"))?;
                for (i, (id, expect)) in chunk.iter().enumerate() {
                    let found = answers.iter().find(|a| a["id"] == json!(i));
                    let ok = found
                        .and_then(|a| result(a).ok())
                        .is_some_and(|t| check_ticket(t, *id, expect).is_ok());
                    if !ok {
                        lost.push(format!("ticket {id}: expected {expect:?}, got {found:?}"));
                    }
                }
            }
            Ok::<_, String>(lost)
        }));
    }
    for task in tasks {
        lost.extend(task.await.map_err(|e| e.to_string())??);
    }
    Ok(lost)
}

fn write_ledger(path: &PathBuf, ledger: &BTreeMap<i64, Expect>) -> Result<(), String> {
    let mut text = String::new();
    for (id, e) in ledger {
        let _ = writeln!(text, "{id}\t{}\t{}", e.status, e.headline);
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn read_ledger(path: &PathBuf) -> Result<BTreeMap<i64, Expect>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    text.lines()
        .map(|line| {
            let mut parts = line.splitn(3, '\t');
            let id = parts.next().and_then(|p| p.parse().ok());
            let status = parts
                .next()
                .and_then(|s| s.parse::<i64>().ok())
                .filter(|s| status_label(*s).is_some());
            let headline = parts.next().map(str::to_owned);
            match (id, status, headline) {
                (Some(id), Some(status), Some(headline)) => Ok((id, Expect { headline, status })),
                _ => Err(format!("bad ledger line: {line}")),
            }
        })
        .collect()
}

// --- the report --------------------------------------------------------------------------------

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    f64::from(sorted[i]) / 1000.0
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

async fn run(args: RunArgs) -> Result<bool, String> {
    let target = Arc::new(args.target.clone());
    let (fixture, mut seed_ledger) = set_up(&target).await?;
    if args.preload > 0 {
        let began = Instant::now();
        seed_ledger.extend(preload(&target, &fixture, args.preload).await?);
        println!(
            "preloaded {} tickets in {:.1} s",
            args.preload,
            began.elapsed().as_secs_f64()
        );
    }
    let seeded = seed_ledger.len();
    let fixture = Arc::new(fixture);

    let done = Arc::new(AtomicBool::new(false));
    let sampler = args.pid.map(|pid| {
        let done = Arc::clone(&done);
        tokio::spawn(async move {
            let start = Instant::now();
            let mut samples = Vec::new();
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            loop {
                tick.tick().await;
                if let Some(s) = sample(pid, start.elapsed().as_secs_f64()) {
                    samples.push(s);
                }
                if done.load(Ordering::SeqCst) {
                    return samples;
                }
            }
        })
    });

    let c = args.connections;
    let start = Instant::now() + Duration::from_millis(200);
    let mut workers = Vec::new();
    for i in 0..c {
        let count = args.requests / c + usize::from(i < args.requests % c);
        let interval = Duration::from_secs_f64(args.seconds / count as f64);
        // Spread the workers' first requests (and connects) evenly across one interval.
        let offset = interval.mul_f64(i as f64 / c as f64);
        let worker = Worker {
            index: i,
            conn: Conn::new(Arc::clone(&target)),
            fixture: Arc::clone(&fixture),
            rng: Rng(0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1).wrapping_mul(0xBF58_476D_1CE4_E5B9)),
            own: Vec::new(),
            stats: Stats::default(),
            n: 0,
        };
        workers.push(tokio::spawn(worker.run(start, count, interval, offset)));
    }
    let mut stats = Stats::default();
    for w in workers {
        stats.merge(w.await.map_err(|e| format!("worker: {e}"))?);
    }
    let elapsed = start.elapsed().as_secs_f64();
    stats.ledger.extend(seed_ledger);

    // Read back every acknowledged write, while the server still holds its idle connections.
    let lost = read_back(&target, &stats.ledger).await?;
    done.store(true, Ordering::SeqCst);
    let samples = match sampler {
        Some(s) => s.await.map_err(|e| e.to_string())?,
        None => Vec::new(),
    };
    if let Some(path) = &args.ledger {
        write_ledger(path, &stats.ledger)?;
    }

    // The report.
    let expected: u64 = stats.expected.values().sum();
    println!(
        "== {} connections: {} requests paced over {} s ==",
        c, args.requests, args.seconds
    );
    println!(
        "requests            {} in {:.1} s ({:.0}/s)",
        stats.requests,
        elapsed,
        stats.requests as f64 / elapsed
    );
    println!(
        "calls               {} ({:.0}/s)",
        stats.calls,
        stats.calls as f64 / elapsed
    );
    let kinds: Vec<String> = stats
        .expected
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    println!("expected errors     {expected} ({})", kinds.join(", "));
    println!("unexpected errors   {}", stats.unexpected);
    for s in &stats.unexpected_samples {
        println!("    {s}");
    }
    println!(
        "acknowledged writes {} adds + {} updates + {} set-up adds; {} tickets read back, lost writes {}{}",
        stats.adds,
        stats.updates,
        seeded,
        stats.ledger.len(),
        lost.len(),
        if stats.uncertain.is_empty() {
            String::new()
        } else {
            format!(
                " ({} tickets with an unanswered write not checked)",
                stats.uncertain.len()
            )
        }
    );
    for l in lost.iter().take(10) {
        println!("    {l}");
    }
    stats.latencies_us.sort_unstable();
    let l = &stats.latencies_us;
    println!(
        "latency ms          p50 {:.2}  p90 {:.2}  p99 {:.2}  max {:.2}",
        percentile(l, 0.50),
        percentile(l, 0.90),
        percentile(l, 0.99),
        percentile(l, 1.0)
    );
    let mut flat = true;
    if let (Some(first), Some(last)) = (samples.first(), samples.last()) {
        let min = samples.iter().map(|s| s.rss_kib).min().unwrap_or(0);
        let max = samples.iter().map(|s| s.rss_kib).max().unwrap_or(0);
        // Growth over the second half: from the sample halfway through to the last one. The
        // first half is warm-up: SQLite's page caches and the allocator's arenas fill.
        let warm = samples[samples.len() / 2];
        let growth = mib(last.rss_kib) - mib(warm.rss_kib);
        println!(
            "server RSS MiB      first {:.1}  min {:.1}  max {:.1}  last {:.1}  (second half {:.1} -> {:.1}: {:+.1}; {} samples, 1/s)",
            mib(first.rss_kib),
            mib(min),
            mib(max),
            mib(last.rss_kib),
            mib(warm.rss_kib),
            mib(last.rss_kib),
            growth,
            samples.len()
        );
        let fds_max = samples.iter().map(|s| s.fds).max().unwrap_or(0);
        println!(
            "server open fds     first {}  max {}  last {}",
            first.fds, fds_max, last.fds
        );
        let every = (samples.len() / 12).max(1);
        let trace: Vec<String> = samples
            .iter()
            .step_by(every)
            .map(|s| format!("{:.0}s:{:.1}", s.at, mib(s.rss_kib)))
            .collect();
        println!("RSS trace MiB       {}", trace.join(" "));
        if let Some(limit) = args.max_rss_growth_mib {
            flat = growth <= limit;
            if !flat {
                println!(
                    "RSS grew {growth:.1} MiB over the second half: more than the {limit} MiB allowed"
                );
            }
        }
    }
    let passed =
        stats.unexpected == 0 && lost.is_empty() && stats.requests == args.requests as u64 && flat;
    println!(
        "result              {}",
        if passed { "PASS" } else { "FAIL" }
    );
    Ok(passed)
}

async fn verify(args: RunArgs) -> Result<bool, String> {
    let path = args.ledger.clone().ok_or("--ledger is required")?;
    let ledger = read_ledger(&path)?;
    let target = Arc::new(args.target);
    let lost = read_back(&target, &ledger).await?;
    println!(
        "read back {} acknowledged writes from {}: lost {}",
        ledger.len(),
        path.display(),
        lost.len()
    );
    for l in lost.iter().take(10) {
        println!("    {l}");
    }
    Ok(lost.is_empty())
}

#[tokio::main]
async fn main() -> ExitCode {
    let (command, args) = match parse_args() {
        Ok(parsed) => parsed,
        Err(error) => {
            eprintln!("error: {error}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let outcome = match command.as_str() {
        "run" => run(args).await,
        "verify" => verify(args).await,
        other => Err(format!("unknown command {other}\n{USAGE}")),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
