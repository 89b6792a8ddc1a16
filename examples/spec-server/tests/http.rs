//! The spec-server over real HTTP: every example of the JSON-RPC 2.0 specification's section 7,
//! each single request also sent as GET where GET can express it, and every malformed input the
//! HTTP boundary must answer, with the server still serving afterwards.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use base64::Engine as _;
use serde_json::{Value, json};

/// The spec-server binary, started on a free loopback port and killed on drop.
struct Running {
    child: Child,
    base: String,
    client: reqwest::Client,
}

impl Running {
    fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_spec-server"))
            .args(["--listen", "127.0.0.1:0"])
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn spec-server");
        let stderr = child.stderr.take().expect("stderr");
        let mut line = String::new();
        let mut reader = BufReader::new(stderr);
        let url = loop {
            line.clear();
            assert!(
                reader.read_line(&mut line).expect("read log") > 0,
                "spec-server exited before listening"
            );
            if let Some(at) = line.find("listening on http://") {
                let rest = &line[at + "listening on ".len()..];
                let end = rest.find("/api").expect("path in log line");
                break rest[..end].to_owned();
            }
        };
        // Keep draining the log so the child never blocks on a full pipe.
        std::thread::spawn(move || for _ in reader.lines() {});
        Self {
            child,
            base: url,
            client: reqwest::Client::new(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn post_raw(&self, body: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/jsonrpc"))
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
            .await
            .expect("POST")
    }

    /// POSTs `body` and returns the status and the parsed body (`None` when empty).
    async fn post(&self, body: &str) -> (u16, Option<Value>) {
        read(self.post_raw(body).await).await
    }

    /// Sends raw bytes on a new connection and returns everything the server answers.
    fn raw(&self, request: &str) -> String {
        use std::io::{Read, Write};
        let mut stream =
            std::net::TcpStream::connect(self.base.trim_start_matches("http://")).expect("connect");
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        stream.write_all(request.as_bytes()).expect("write");
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    }

    async fn get(&self, query: &str) -> (u16, Option<Value>) {
        read(
            self.client
                .get(format!("{}?{query}", self.url("/api/jsonrpc")))
                .send()
                .await
                .expect("GET"),
        )
        .await
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn read(response: reqwest::Response) -> (u16, Option<Value>) {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = response.bytes().await.expect("body");
    if bytes.is_empty() {
        return (status, None);
    }
    assert_eq!(
        content_type.as_deref(),
        Some("application/json"),
        "every JSON body says so"
    );
    (
        status,
        Some(serde_json::from_slice(&bytes).expect("the body is JSON")),
    )
}

/// Batches compare as multisets: the specification lets a server answer in any order.
fn same(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Array(a), Value::Array(e)) => {
            let mut rest: Vec<&Value> = e.iter().collect();
            a.len() == e.len()
                && a.iter()
                    .all(|item| match rest.iter().position(|x| *x == item) {
                        Some(i) => {
                            rest.remove(i);
                            true
                        }
                        None => false,
                    })
        }
        _ => actual == expected,
    }
}

/// The GET query equivalent to a single request object, when GET can express it: ids that are
/// numbers or strings that do not look like numbers, a string method.
fn as_get(request: &Value) -> Option<String> {
    let obj = request.as_object()?;
    let mut parts = Vec::new();
    for (key, value) in obj {
        let text = match (key.as_str(), value) {
            ("params", v) => base64::engine::general_purpose::STANDARD.encode(v.to_string()),
            ("id", Value::Number(n)) => n.to_string(),
            ("id", Value::String(s)) if s.parse::<f64>().is_err() => s.clone(),
            ("id", _) => return None,
            (_, Value::String(s)) => s.clone(),
            _ => return None,
        };
        let encoded: String = text
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        parts.push(format!("{key}={encoded}"));
    }
    Some(parts.join("&"))
}

/// The specification's section 7, request by request.
fn section_7() -> Vec<(&'static str, Option<Value>)> {
    vec![
        (
            r#"{"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1}"#,
            Some(json!({"jsonrpc": "2.0", "result": 19, "id": 1})),
        ),
        (
            r#"{"jsonrpc": "2.0", "method": "subtract", "params": [23, 42], "id": 2}"#,
            Some(json!({"jsonrpc": "2.0", "result": -19, "id": 2})),
        ),
        (
            r#"{"jsonrpc": "2.0", "method": "subtract", "params": {"subtrahend": 23, "minuend": 42}, "id": 3}"#,
            Some(json!({"jsonrpc": "2.0", "result": 19, "id": 3})),
        ),
        (
            r#"{"jsonrpc": "2.0", "method": "subtract", "params": {"minuend": 42, "subtrahend": 23}, "id": 4}"#,
            Some(json!({"jsonrpc": "2.0", "result": 19, "id": 4})),
        ),
        (
            r#"{"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]}"#,
            None,
        ),
        (r#"{"jsonrpc": "2.0", "method": "foobar"}"#, None),
        (
            r#"{"jsonrpc": "2.0", "method": "foobar", "id": "1"}"#,
            Some(
                json!({"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found"}, "id": "1"}),
            ),
        ),
        (
            r#"{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]"#,
            Some(
                json!({"jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error"}, "id": null}),
            ),
        ),
        (
            r#"{"jsonrpc": "2.0", "method": 1, "params": "bar"}"#,
            Some(
                json!({"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null}),
            ),
        ),
        (
            r#"[
  {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
  {"jsonrpc": "2.0", "method"
]"#,
            Some(
                json!({"jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error"}, "id": null}),
            ),
        ),
        (
            "[]",
            Some(
                json!({"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null}),
            ),
        ),
        (
            "[1]",
            Some(
                json!([{"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null}]),
            ),
        ),
        (
            "[1,2,3]",
            Some(json!([
                {"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null},
                {"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null},
                {"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null}
            ])),
        ),
        (
            r#"[
  {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
  {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
  {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"},
  {"foo": "boo"},
  {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
  {"jsonrpc": "2.0", "method": "get_data", "id": "9"}
]"#,
            Some(json!([
                {"jsonrpc": "2.0", "result": 7, "id": "1"},
                {"jsonrpc": "2.0", "result": 19, "id": "2"},
                {"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null},
                {"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found"}, "id": "5"},
                {"jsonrpc": "2.0", "result": ["hello", 5], "id": "9"}
            ])),
        ),
        (
            r#"[
  {"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]},
  {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}
]"#,
            None,
        ),
    ]
}

#[tokio::test]
async fn section_7_examples_over_post_and_get() {
    let server = Running::start();
    let mut get_cases = 0;
    for (request, expected) in section_7() {
        let (status, body) = server.post(request).await;
        assert_eq!(status, 200, "{request}");
        match (&body, &expected) {
            (Some(actual), Some(expected)) => assert!(
                same(actual, expected),
                "{request}\n got {actual}\nwant {expected}"
            ),
            (None, None) => {}
            _ => panic!("{request}\n got {body:?}\nwant {expected:?}"),
        }
        let Some(query) = serde_json::from_str::<Value>(request)
            .ok()
            .as_ref()
            .and_then(as_get)
        else {
            continue;
        };
        get_cases += 1;
        let (status, body) = server.get(&query).await;
        assert_eq!((status, body), (200, expected.clone()), "GET ?{query}");
    }
    assert_eq!(
        get_cases, 6,
        "the single requests GET can express were all sent as GET"
    );
}

#[tokio::test]
async fn ids_are_echoed_byte_for_byte() {
    let server = Running::start();
    for id in [
        "18446744073709551616",
        "123456789012345678901234567890",
        "1.5",
        "-1",
        "1E+2",
        r#""é\u00e9 ☃""#,
        "null",
    ] {
        let body = format!(r#"{{"jsonrpc":"2.0","method":"get_data","id":{id}}}"#);
        let text = server.post_raw(&body).await.text().await.unwrap();
        assert_eq!(
            text,
            format!(r#"{{"jsonrpc":"2.0","result":["hello",5],"id":{id}}}"#)
        );
    }
}

#[tokio::test]
async fn malformed_posts_get_the_stated_errors() {
    let server = Running::start();
    let code = |body: &Option<Value>| body.as_ref().map(|b| b["error"]["code"].clone());
    let deep = "[".repeat(200_000);
    let cases: Vec<(String, u16, Value)> = vec![
        (deep, 200, json!(-32700)),
        (
            r#"{"jsonrpc":"2.0","method":"sum","params":[1],"id":1} garbage"#.into(),
            200,
            json!(-32700),
        ),
        (
            r#"{"jsonrpc":"2.0","method":"sum","params":[1],"id":{"a":1}}"#.into(),
            200,
            json!(-32600),
        ),
        (
            r#"{"jsonrpc":"2.0","method":"sum","params":[1],"id":true}"#.into(),
            200,
            json!(-32600),
        ),
        (
            r#"{"jsonrpc":"1.0","method":"sum","params":[1],"id":1}"#.into(),
            200,
            json!(-32600),
        ),
        (
            r#"{"method":"sum","params":[1],"id":1}"#.into(),
            200,
            json!(-32600),
        ),
        (
            r#"{"jsonrpc":"2.0","params":[1],"id":1}"#.into(),
            200,
            json!(-32600),
        ),
        (
            r#"{"jsonrpc":"2.0","method":"sum","params":7,"id":1}"#.into(),
            200,
            json!(-32600),
        ),
        (
            r#"{"jsonrpc":"2.0","method":"subtract","params":[1],"id":1}"#.into(),
            200,
            json!(-32602),
        ),
        (
            r#"{"jsonrpc":"2.0","method":"subtract","params":[-9223372036854775808, 1],"id":1}"#
                .into(),
            200,
            json!(-32602),
        ),
        (
            r#"{"jsonrpc":"2.0","method":"sum","params":[9223372036854775807, 1],"id":1}"#.into(),
            200,
            json!(-32602),
        ),
        (
            format!("[{}]", vec!["1"; 1001].join(",")),
            200,
            json!(-32600),
        ),
        (String::new(), 200, json!(-32700)),
    ];
    for (body, want_status, want_code) in cases {
        let (status, answer) = server.post(&body).await;
        let shown = &body[..body.len().min(80)];
        assert_eq!(status, want_status, "{shown}");
        assert_eq!(code(&answer), Some(want_code), "{shown}: {answer:?}");
        assert!(
            answer.as_ref().unwrap().is_object(),
            "{shown}: one error object"
        );
    }
    // A body over the limit is refused from its declared length, before it is read: send only
    // the headers (a client still writing a refused body may see its connection reset first).
    let head = server.raw(&format!(
        "POST /api/jsonrpc HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        2 * 1024 * 1024 + 1
    ));
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    assert!(
        head.contains(r#""code":-32600"#) && head.contains("body larger than 2097152 bytes"),
        "{head}"
    );
    // params: null means no params; an unknown member is ignored.
    let (_, answer) = server
        .post(r#"{"jsonrpc":"2.0","method":"get_data","params":null,"x":1,"id":1}"#)
        .await;
    assert_eq!(answer.unwrap()["result"], json!(["hello", 5]));
    // Still serving.
    let (status, answer) = server
        .post(r#"{"jsonrpc":"2.0","method":"sum","params":[2,3],"id":1}"#)
        .await;
    assert_eq!((status, answer.unwrap()["result"].clone()), (200, json!(5)));
}

#[tokio::test]
async fn http_rules_for_paths_methods_and_content_types() {
    let server = Running::start();
    let call = r#"{"jsonrpc":"2.0","method":"sum","params":[1,2],"id":1}"#;
    for path in [
        "/api/jsonrpc",
        "/api/jsonrpc/",
        "/api/jsonRPC/",
        "/API/JSONRPC",
    ] {
        let response = server
            .client
            .post(server.url(path))
            .body(call)
            .send()
            .await
            .unwrap();
        let (status, body) = read(response).await;
        assert_eq!(
            (status, body.unwrap()["result"].clone()),
            (200, json!(3)),
            "{path}"
        );
    }
    let (status, body) = read(
        server
            .client
            .post(server.url("/api/other"))
            .body(call)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body.unwrap()["error"]["code"].clone()),
        (404, json!(-32601))
    );

    for content_type in [
        "application/json; charset=utf-8",
        "application/json;charset=UTF-8",
        "text/plain",
    ] {
        let response = server
            .client
            .post(server.url("/api/jsonrpc"))
            .header("content-type", content_type)
            .body(call)
            .send()
            .await
            .unwrap();
        assert_eq!(
            read(response).await.1.unwrap()["result"],
            json!(3),
            "{content_type}"
        );
    }
    let response = server
        .client
        .post(server.url("/api/jsonrpc"))
        .header("content-type", "application/xml")
        .body(call)
        .send()
        .await
        .unwrap();
    assert_eq!(read(response).await.0, 415);

    for method in [
        reqwest::Method::PUT,
        reqwest::Method::DELETE,
        reqwest::Method::PATCH,
    ] {
        let response = server
            .client
            .request(method.clone(), server.url("/api/jsonrpc"))
            .body(call)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.headers().get("allow").unwrap(),
            "GET, POST",
            "{method}"
        );
        let (status, body) = read(response).await;
        assert_eq!(
            (status, body.unwrap()["error"]["code"].clone()),
            (405, json!(-32600)),
            "{method}"
        );
    }
}

#[tokio::test]
async fn malformed_gets_get_the_stated_errors() {
    let server = Running::start();
    let params = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("[5,3]");
    for query in [
        format!("method=subtract&jsonrpc=2.0&id=1&params={params}"),
        format!(
            "method=subtract&jsonrpc=2.0&id=1&params={}",
            base64::engine::general_purpose::STANDARD
                .encode("[5,3]")
                .replace('=', "%3D")
        ),
        format!(
            "method=subtract&jsonrpc=2.0&id=1&params={}",
            base64::engine::general_purpose::STANDARD.encode("[5,3]")
        ),
    ] {
        assert_eq!(
            server.get(&query).await,
            (200, Some(json!({"jsonrpc":"2.0","result":2,"id":1}))),
            "{query}"
        );
    }
    // No params means no params.
    assert_eq!(
        server
            .get("method=get_data&jsonrpc=2.0&id=7")
            .await
            .1
            .unwrap()["result"],
        json!(["hello", 5])
    );
    for (query, code) in [
        ("method=sum&jsonrpc=2.0&id=1&params=%zz", -32700),
        ("method=sum&jsonrpc=2.0&id=1&params=%E", -32700),
        ("method=%FF&jsonrpc=2.0&id=1", -32700),
        ("method=sum&jsonrpc=2.0&id=1&params=!!", -32700),
        ("method=sum&jsonrpc=2.0&id=1&params=%2F%2F%2F%2F", -32700),
        ("method=sum&jsonrpc=2.0&id=1&params=WzEsMg", -32700),
        ("jsonrpc=2.0&id=1", -32600),
        ("method=sum&id=1", -32600),
        ("method=sum&jsonrpc=2.0&id=1&params=MQ", -32600),
    ] {
        let (status, body) = server.get(query).await;
        assert_eq!(
            (status, body.unwrap()["error"]["code"].clone()),
            (200, json!(code)),
            "{query}"
        );
    }
    let long = format!("method=sum&jsonrpc=2.0&id=1&pad={}", "a".repeat(16 * 1024));
    let (status, body) = server.get(&long).await;
    assert_eq!(
        (status, body.unwrap()["error"]["code"].clone()),
        (414, json!(-32600))
    );
    assert_eq!(
        server
            .get("method=sum&jsonrpc=2.0&id=1&params=WzEsMl0")
            .await
            .1
            .unwrap()["result"],
        json!(3)
    );
}

#[tokio::test]
async fn unknown_named_params_are_still_rejected() {
    // The tickets example ignores unknown params as Leantime does; the specification's server
    // keeps the framework's default and names them.
    let server = Running::start();
    let (status, body) = server
        .post(r#"{"jsonrpc":"2.0","method":"subtract","params":{"minuend":42,"subtrahend":23,"limit":5},"id":1}"#)
        .await;
    let body = body.expect("an answer");
    assert_eq!(
        (status, &body["error"]["code"]),
        (200, &json!(-32602)),
        "{body}"
    );
    assert_eq!(body["error"]["data"]["unknown"], json!(["limit"]), "{body}");
}
