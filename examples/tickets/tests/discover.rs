//! Discovery on the real tickets server, over HTTP: `rpc.discover` per key, the document
//! validated against the official OpenRPC meta-schema (node, `discovery/validate.mjs`), and the
//! reference page rendered in headless Chromium. The page's own Content-Security-Policy
//! (`default-src 'none'`) lets no script run, so what Chromium renders is the page without
//! JavaScript.
//!
//! These tests need `node`/`npm` and Debian's `chromium`; `scripts/ci-deps.sh` installs them.
//! Without them they fail, saying what is missing: they never skip.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use support::{TicketsServer, discover, method_names};

const WRITE_METHODS: [&str; 8] = [
    "leantime.rpc.projects.addProject",
    "leantime.rpc.tickets.addTicket",
    "leantime.rpc.tickets.updateTicket",
    "leantime.rpc.tickets.delete",
    "leantime.rpc.comments.addComment",
    "leantime.rpc.timesheets.logTime",
    "leantime.rpc.sprints.addSprint",
    "leantime.rpc.users.addUser",
];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("the workspace root")
        .to_owned()
}

#[tokio::test]
async fn an_owner_key_sees_every_method_and_a_readonly_key_no_write_method() {
    let server = TicketsServer::start(&[]);
    let owner = discover(&server, &server.owner).await;
    assert_eq!(owner["openrpc"], "1.3.2");
    assert_eq!(owner["info"]["title"], "Leantime-style tickets API");
    let names = method_names(&owner);
    for name in WRITE_METHODS.iter().chain(&[
        "leantime.rpc.projects.getAll",
        "leantime.rpc.tickets.getAll",
        "leantime.rpc.tickets.getStatusLabels",
        "leantime.rpc.users.getAll",
        "leantime.rpc.clients.getAll",
        "leantime.rpc.timesheets.getAll",
    ]) {
        assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
    }
    assert!(names.len() > 70, "{names:?}");
    // Real schemas from the tickets' `#[derive(JsonSchema)]`.
    let schemas = &owner["components"]["schemas"];
    assert_eq!(
        schemas["Ticket"]["properties"]["projectId"]["type"],
        "integer"
    );
    assert_eq!(schemas["Ticket"]["properties"]["status"]["type"], "integer");
    let add = owner["methods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "leantime.rpc.tickets.addTicket")
        .unwrap();
    assert_eq!(add["x-min-role"], "editor");
    assert_eq!(add["x-scopes"], serde_json::json!(["tickets:write"]));
    assert_eq!(add["params"][0]["name"], "values");
    assert_eq!(add["params"][0]["required"], true);

    let readonly_key = server.create_key(&["--role", "readonly"]);
    let readonly = discover(&server, &readonly_key).await;
    let names = method_names(&readonly);
    for write in WRITE_METHODS {
        assert!(!names.iter().any(|n| n == write), "{write} in {names:?}");
    }
    assert!(
        names.iter().any(|n| n == "leantime.rpc.tickets.getTicket"),
        "{names:?}"
    );
    assert!(
        readonly["methods"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["x-min-role"] == "readonly")
    );
    // An editor without the write scope sees no writes either: scopes filter like roles.
    let scoped = server.create_key(&["--role", "owner", "--scope", "tickets:read"]);
    let names = method_names(&discover(&server, &scoped).await);
    assert!(WRITE_METHODS.iter().all(|w| !names.iter().any(|n| n == w)));

    // Like any call, discovery needs a key.
    let (status, _, _) = server
        .post(None, r#"{"jsonrpc":"2.0","method":"rpc.discover","id":1}"#)
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn the_document_validates_against_the_openrpc_meta_schema() {
    let server = TicketsServer::start(&[]);
    let readonly_key = server.create_key(&["--role", "readonly"]);
    let dir = tempfile::tempdir().unwrap();
    let mut docs = Vec::new();
    for (who, key) in [("owner", server.owner.clone()), ("readonly", readonly_key)] {
        let doc = discover(&server, &key).await;
        let path = dir.path().join(format!("{who}.json"));
        std::fs::write(&path, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
        docs.push(path);
    }
    let discovery = workspace_root().join("discovery");
    if !discovery.join("node_modules").exists() {
        let npm = run(
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&discovery),
            Duration::from_secs(300),
            "npm (install Node.js and npm: scripts/ci-deps.sh)",
        );
        assert!(npm.status.success(), "npm ci failed: {}", text(&npm));
    }
    for doc in docs {
        let node = run(
            Command::new("node")
                .arg("validate.mjs")
                .arg(&doc)
                .current_dir(&discovery),
            Duration::from_secs(60),
            "node (install Node.js: scripts/ci-deps.sh)",
        );
        assert!(
            node.status.success(),
            "{} is not a valid OpenRPC document:\n{}",
            doc.display(),
            text(&node)
        );
        println!("{}", String::from_utf8_lossy(&node.stdout).trim());
    }
    // The validator does reject a broken document: the check has teeth.
    let broken = dir.path().join("broken.json");
    std::fs::write(
        &broken,
        r#"{"openrpc":"1.3.2","info":{"title":"x"},"methods":[{"name":""}]}"#,
    )
    .unwrap();
    let node = run(
        Command::new("node")
            .arg("validate.mjs")
            .arg(&broken)
            .current_dir(&discovery),
        Duration::from_secs(60),
        "node",
    );
    assert!(!node.status.success(), "{}", text(&node));
}

#[tokio::test]
async fn the_reference_page_renders_every_method_in_headless_chromium() {
    let server = TicketsServer::start(&[]);
    let doc = discover(&server, &server.owner).await;

    // Over HTTP first: what a browser gets, with no key.
    let response = server
        .client
        .get(&server.url)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.starts_with("default-src 'none'"), "{csp}");

    let profile = tempfile::tempdir().unwrap();
    let dom = chromium(&profile, &["--dump-dom"], &server.url);
    let dom = String::from_utf8(dom.stdout).expect("UTF-8 DOM");
    assert!(dom.contains("<h1>Leantime-style tickets API</h1>"), "{dom}");
    assert!(!dom.contains("<script"), "the page needs no script");
    // Every method, each with its params inside its own entry.
    let entries: Vec<&str> = dom.split("<article class=\"method\"").skip(1).collect();
    assert_eq!(entries.len(), method_names(&doc).len());
    for method in doc["methods"].as_array().unwrap() {
        let name = method["name"].as_str().unwrap();
        let entry = entries
            .iter()
            .find(|e| e.starts_with(&format!(" id=\"{name}\"")))
            .unwrap_or_else(|| panic!("{name} is not on the page"));
        for param in method["params"].as_array().unwrap() {
            let param = param["name"].as_str().unwrap();
            assert!(
                entry.contains(&format!("<code class=\"name\">{param}</code>")),
                "{name}: param {param} is not on the page"
            );
        }
        assert!(entry.contains("curl -s"), "{name}: no example request");
    }
    for ty in ["Project", "Ticket", "Sprint"] {
        assert!(dom.contains(&format!("id=\"type-{ty}\"")), "type {ty}");
    }

    let shot = workspace_root().join("target/discovery/reference.png");
    std::fs::create_dir_all(shot.parent().unwrap()).unwrap();
    let _ = std::fs::remove_file(&shot);
    let profile = tempfile::tempdir().unwrap();
    let screenshot = format!("--screenshot={}", shot.display());
    chromium(
        &profile,
        &[&screenshot, "--window-size=1280,5200", "--hide-scrollbars"],
        &server.url,
    );
    let png = std::fs::read(&shot).expect("the screenshot");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "{}",
        png.len()
    );
    println!("reference page screenshot: {}", shot.display());
}

/// Runs headless Chromium (Debian's `chromium`) on `url`.
fn chromium(profile: &tempfile::TempDir, args: &[&str], url: &str) -> Output {
    let output = run(
        Command::new("chromium")
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
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(args)
            .arg(url),
        Duration::from_secs(120),
        "chromium (install Debian's chromium package: scripts/ci-deps.sh)",
    );
    assert!(
        output.status.success(),
        "chromium failed: {}",
        text(&output)
    );
    output
}

/// Runs a command to completion within `limit`, panicking with `what` when it cannot start.
fn run(command: &mut Command, limit: Duration, what: &str) -> Output {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    let deadline = Instant::now() + limit;
    // Read the pipes on threads so a chatty child cannot block on a full pipe.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut buf).map(|_| buf)
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut stderr, &mut buf).map(|_| buf)
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: out.join().unwrap().unwrap_or_default(),
        stderr: err.join().unwrap().unwrap_or_default(),
    }
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}
