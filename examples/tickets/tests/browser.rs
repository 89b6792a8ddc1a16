//! Issue 18 in headless Chromium (driven over the DevTools protocol): a page of another origin
//! calls the API when `--cors-origin` names its origin and cannot when it does not; the
//! reference page's "try it" console makes calls with a key typed into it (POST, GET, batch).
//!
//! Needs Debian's `chromium`: built only with the `browser-tests` feature
//! (`cargo test -p tickets --features browser-tests --test browser`); `scripts/ci-deps.sh`
//! installs it. With the feature on and Chromium missing it fails, saying what is missing.

mod support;

use serde_json::{Value, json};
use support::TicketsServer;
use support::cdp::{Browser, serve_page};

/// A page of another origin (the API's own page would be same-origin).
const APP_PAGE: &str = "<!doctype html><title>another app</title><p>app</p>";

/// A fetch of `leantime.rpc.projects.getAll` from the page, settled as `{ok, status, body,
/// requestId}` or `{ok: false, error}`.
fn fetch_from_page(url: &str, key: &str) -> String {
    format!(
        r#"fetch({url:?}, {{
            method: "POST",
            headers: {{"content-type": "application/json", "x-api-key": {key:?}}},
            body: JSON.stringify({{jsonrpc: "2.0", method: "leantime.rpc.projects.getAll", params: {{}}, id: 1}})
        }}).then(
            r => r.text().then(body => ({{ok: true, status: r.status, body, requestId: r.headers.get("x-request-id")}})),
            e => ({{ok: false, error: String(e)}})
        )"#
    )
}

#[tokio::test]
async fn pages_of_allowed_origins_may_call_and_others_may_not() {
    let allowed = serve_page(APP_PAGE);
    let refused = serve_page(APP_PAGE);
    let server = TicketsServer::start(&[
        "--cors-origin",
        &allowed,
        "--cors-origin",
        "https://other.example",
    ]);
    let mut browser = Browser::launch();

    let mut page = browser.open(&format!("{allowed}/"));
    assert_eq!(page.eval("location.origin"), json!(allowed));
    let outcome = page.eval(&fetch_from_page(&server.url, &server.owner));
    assert_eq!(outcome["ok"], true, "{outcome}");
    assert_eq!(outcome["status"], 200, "{outcome}");
    let answer: Value = serde_json::from_str(outcome["body"].as_str().unwrap()).unwrap();
    assert_eq!(answer["result"], json!([]), "{answer}");
    // The request id is exposed to the page.
    assert_eq!(
        outcome["requestId"].as_str().map(str::len),
        Some(32),
        "{outcome}"
    );
    // A GET (a simple request, no preflight) is allowed too.
    let get = page.eval(&format!(
        r#"fetch({:?} + "?method=leantime.rpc.projects.getAll&jsonrpc=2.0&id=2", {{headers: {{"x-api-key": {:?}}}}}).then(r => r.status, e => String(e))"#,
        server.url, server.owner
    ));
    assert_eq!(get, json!(200));

    let mut page = browser.open(&format!("{refused}/"));
    let outcome = page.eval(&fetch_from_page(&server.url, &server.owner));
    assert_eq!(outcome["ok"], false, "{outcome}");
    assert!(
        outcome["error"].as_str().unwrap().contains("TypeError"),
        "{outcome}"
    );

    // The preflight the browser sends, as the server answers it.
    for (origin, allowed_origin) in [
        (allowed.as_str(), Some(allowed.as_str())),
        (refused.as_str(), None),
    ] {
        let response = server
            .client
            .request(reqwest::Method::OPTIONS, &server.url)
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type,x-api-key")
            .send()
            .await
            .unwrap();
        let headers = response.headers();
        assert_eq!(
            headers
                .get("access-control-allow-origin")
                .map(|v| v.to_str().unwrap()),
            allowed_origin
        );
        let allow = headers["access-control-allow-headers"].to_str().unwrap();
        assert!(
            allow.contains("x-api-key") && allow.contains("content-type"),
            "{allow}"
        );
    }
}

#[tokio::test]
async fn cors_is_off_by_default() {
    let origin = serve_page(APP_PAGE);
    let server = TicketsServer::start(&[]);
    let mut browser = Browser::launch();
    let mut page = browser.open(&format!("{origin}/"));
    let outcome = page.eval(&fetch_from_page(&server.url, &server.owner));
    assert_eq!(outcome["ok"], false, "{outcome}");
}

/// Sets a form field as a person would (value, then the events a person's typing fires).
fn set(page: &mut support::cdp::Page, id: &str, value: &str) {
    page.eval(&format!(
        r#"(() => {{ const f = document.getElementById({id:?}); f.value = {value:?};
            f.dispatchEvent(new Event("input", {{bubbles: true}}));
            f.dispatchEvent(new Event("change", {{bubbles: true}})); return true; }})()"#
    ));
}

/// Clicks `id`, waits for the answer, and returns the status line and the answer text.
fn send(page: &mut support::cdp::Page, id: &str) -> (String, String) {
    page.eval(r#"document.getElementById("try-status").textContent = ""; true"#);
    page.eval(&format!("document.getElementById({id:?}).click(); true"));
    page.wait_for(r#"document.getElementById("try-status").textContent.includes("HTTP")"#);
    let status = page.eval(r#"document.getElementById("try-status").textContent"#);
    let answer = page.eval(r#"document.getElementById("try-answer").textContent"#);
    (
        status.as_str().unwrap().to_owned(),
        answer.as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn the_console_calls_the_api_with_a_typed_key() {
    let server = TicketsServer::start(&[]);
    let project = support::project(&server, "Console").await;
    support::ticket(&server, project, "Seen from the console").await;
    let readonly = server.create_key(&["--role", "readonly", "--name", "console"]);
    let mut browser = Browser::launch();
    let mut page = browser.open(&format!("{}/reference", server.url));

    // The script ran under the page's CSP: the console is shown, with every method.
    page.wait_for(r#"!document.getElementById("try").hidden"#);
    let methods = page.eval(r##"document.querySelectorAll("#try-method option").length"##);
    let entries = page.eval(r#"document.querySelectorAll("article.method").length"#);
    assert_eq!(methods, entries);
    assert!(methods.as_u64().unwrap() > 40, "{methods}");

    set(&mut page, "try-key", &readonly);
    // Choosing a method fills in its example params.
    set(&mut page, "try-method", "leantime.rpc.projects.addProject");
    let params: Value = serde_json::from_str(
        page.eval(r#"document.getElementById("try-params").value"#)
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert!(params.get("values").is_some(), "{params}");

    // A readonly key may not add a project: -32001, shown.
    let (status, answer) = send(&mut page, "try-send");
    assert!(
        status.starts_with("POST · HTTP 200 · request id "),
        "{status}"
    );
    let answer: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(answer["error"]["code"], -32001, "{answer}");

    // A good call shows its result, by POST and by GET (params base64 in the query).
    set(&mut page, "try-method", "leantime.rpc.tickets.getTicket");
    set(&mut page, "try-params", &json!({"id": 1}).to_string());
    let (_, answer) = send(&mut page, "try-send");
    let answer: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(
        answer["result"]["headline"], "Seen from the console",
        "{answer}"
    );
    set(&mut page, "try-verb", "GET");
    set(&mut page, "try-params", r#"{"id": 1, "note": "é ✓ +/="}"#);
    let (status, answer) = send(&mut page, "try-send");
    assert!(status.starts_with("GET · HTTP 200"), "{status}");
    let answer: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(
        answer["result"]["headline"], "Seen from the console",
        "{answer}"
    );

    // A batch: two calls gathered, then sent as one request.
    set(&mut page, "try-params", r#"{"id": 1}"#);
    page.eval(r#"document.getElementById("try-add").click(); true"#);
    set(&mut page, "try-method", "leantime.rpc.projects.addProject");
    page.eval(r#"document.getElementById("try-add").click(); true"#);
    assert_eq!(
        page.eval(r#"document.getElementById("try-send-batch").textContent"#),
        "Send batch (2)"
    );
    let (status, answer) = send(&mut page, "try-send-batch");
    assert!(status.starts_with("POST · HTTP 200"), "{status}");
    let answer: Value = serde_json::from_str(&answer).unwrap();
    let answers = answer.as_array().expect("a batch answer");
    assert_eq!(answers.len(), 2, "{answer}");
    assert_eq!(answers[0]["result"]["id"], 1, "{answer}");
    assert_eq!(answers[1]["error"]["code"], -32001, "{answer}");

    // Params that are not JSON are not sent.
    set(&mut page, "try-params", "{nope");
    page.eval(r#"document.getElementById("try-send").click(); true"#);
    assert_eq!(
        page.eval(r#"document.getElementById("try-status").textContent"#),
        "not sent"
    );

    // The key is in this tab's sessionStorage only: no localStorage, no cookie.
    assert_eq!(
        page.eval(r#"sessionStorage.getItem("leanrpc.apiKey")"#),
        json!(readonly)
    );
    assert_eq!(page.eval("localStorage.length"), 0);
    assert_eq!(page.eval("document.cookie"), "");
    // A reload in the same tab keeps it; a new tab does not have it.
    page.eval("location.reload(); true");
    std::thread::sleep(std::time::Duration::from_millis(300));
    page.wait_for(
        r#"document.readyState === "complete" && !document.getElementById("try").hidden"#,
    );
    assert_eq!(
        page.eval(r#"document.getElementById("try-key").value"#),
        json!(readonly)
    );
    let mut other = browser.open(&format!("{}/reference", server.url));
    other.wait_for(r#"!document.getElementById("try").hidden"#);
    assert_eq!(
        other.eval(r#"document.getElementById("try-key").value"#),
        ""
    );
}

#[tokio::test]
async fn the_page_is_whole_without_javascript() {
    let server = TicketsServer::start(&[]);
    let mut browser = Browser::launch();
    let mut page = browser.open("about:blank");
    page.open_without_scripts(&format!("{}/reference", server.url));
    // Every method and its example are there; the console, which needs the script, stays
    // hidden and empty.
    let methods = page.eval(r#"document.querySelectorAll("article.method pre.example").length"#);
    assert!(methods.as_u64().unwrap() > 40, "{methods}");
    assert_eq!(page.eval(r#"document.getElementById("try").hidden"#), true);
    assert_eq!(
        page.eval(r##"document.querySelectorAll("#try-method option").length"##),
        0
    );
}
