//! The reference page of the real tickets server rendered in headless Chromium. Its one
//! script, the "try it" console, runs under the page's Content-Security-Policy and only adds
//! to the page; `tests/browser.rs` drives the console and reads the page with scripts off.
//!
//! Needs Debian's `chromium`: built only with the `browser-tests` feature
//! (`cargo test -p tickets --features browser-tests --test reference_page`);
//! `scripts/ci-deps.sh` installs it. With the feature on and Chromium missing it fails, saying
//! what is missing: it never skips.

mod support;

use std::process::Output;
use std::time::Duration;

use support::cdp::headless_chromium;
use support::tools::{run, text, workspace_root};
use support::{TicketsServer, discover, method_names};

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
    // The console's script ran under the CSP (it shows the console and lists the methods);
    // the page runs no other script.
    assert_eq!(dom.matches("<script").count(), 1, "one script");
    assert!(
        dom.contains("<section id=\"try\" class=\"console\" data-endpoint=\"/api/jsonrpc\">"),
        "the console is shown: {dom}"
    );
    assert!(
        dom.contains("<option value=\"leantime.rpc.tickets.getTicket\">"),
        "{dom}"
    );
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
        headless_chromium(profile).args(args).arg(url),
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
