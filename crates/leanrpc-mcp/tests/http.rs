//! The MCP endpoint over HTTP (requests through the tower service, no socket): negotiation of
//! each revision, the headers, the 401/403/404/405/406/413/415 answers, notifications, batches,
//! hostile bodies, and tools/list and tools/call against a small service with keys.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use http::Request;
use http_body_util::BodyExt;
use leanrpc::{
    AuthError, Authenticator, BoxFuture, CallContext, Caller, Credentials, RateStatus, Role,
    RpcError, Server, Throttled, rpc_service,
};
use leanrpc_mcp::{BuildError, McpService, SUPPORTED_VERSIONS, ToolError};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tower::ServiceExt;

/// A note to create.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
struct NewNote {
    /// Its text.
    text: String,
    /// Its colour.
    colour: Option<Colour>,
}

/// A colour.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Colour {
    Red,
    Blue,
}

/// A note.
#[derive(Debug, Serialize, JsonSchema)]
struct Note {
    id: i64,
    text: String,
    colour: Option<Colour>,
}

struct Notes;

#[rpc_service("notes", min_role = "readonly")]
impl Notes {
    /// One note. Answers -32002 for a missing one.
    #[rpc(errors(-32002))]
    fn get_note(&self, caller: &Caller, id: i64) -> Result<Note, RpcError> {
        caller.require_project(id)?;
        match id {
            1 | 2 => Ok(Note {
                id,
                text: format!("note {id}"),
                colour: None,
            }),
            _ => Err(RpcError::not_found().data("no such note")),
        }
    }

    /// How many notes there are.
    fn count(&self) -> i64 {
        2
    }

    /// Creates a note and returns its id.
    #[rpc(min_role = "editor", scope = "notes:write")]
    fn add_note(&self, values: NewNote) -> i64 {
        values.text.len() as i64
    }

    /// Deletes a note.
    #[rpc(min_role = "manager", scope = "notes:write")]
    fn delete_note(&self, id: i64) -> bool {
        id > 0
    }

    /// Reads with a read scope.
    #[rpc(scope = "notes:read")]
    fn search(&self, text: String) -> Vec<String> {
        vec![text]
    }
}

/// Keys `owner`, `reader` (readonly, project 1 only) and `writer` (editor without the write
/// scope); counts the calls charged, and throttles after `limit` of them.
struct Keys {
    charged: Arc<AtomicUsize>,
    limit: usize,
}

impl Authenticator for Keys {
    fn authenticate<'a>(
        &'a self,
        credentials: Credentials<'a>,
    ) -> BoxFuture<'a, Result<Arc<Caller>, AuthError>> {
        let caller = |role, projects: Vec<i64>, scopes: &[&str]| {
            let mut caller = leanrpc_test_support::caller(role);
            caller.grant_mut().projects = projects;
            caller.grant_mut().scopes = scopes.iter().map(|s| s.to_string()).collect();
            Ok(Arc::new(caller))
        };
        let result = match credentials.api_key {
            Some(b"owner") => caller(Role::Owner, vec![], &[]),
            Some(b"reader") => caller(Role::Readonly, vec![1], &["notes:read"]),
            Some(b"writer") => caller(Role::Editor, vec![], &["notes:read"]),
            Some(b"flood") => Err(AuthError::RateLimited { retry_after: 7 }),
            Some(_) => Err(AuthError::Rejected),
            None => Err(AuthError::Missing),
        };
        Box::pin(async move { result })
    }

    fn charge(&self, _: &Caller, calls: usize) -> Result<RateStatus, Throttled> {
        let before = self.charged.fetch_add(calls, Ordering::SeqCst);
        if before + calls > self.limit {
            return Err(Throttled {
                limit: self.limit as u64,
                retry_after: 30,
            });
        }
        Ok(RateStatus::Limited {
            limit: self.limit as u64,
            remaining: (self.limit - before - calls) as u64,
        })
    }
}

/// The notes server with the keys above; the MCP endpoint uses its authenticator.
fn server_with(keys: Keys, max_body_bytes: Option<usize>) -> Server {
    let mut limits = leanrpc::Limits::default();
    if let Some(max) = max_body_bytes {
        limits.max_body_bytes = max;
    }
    Server::builder()
        .namespace("app")
        .limits(limits)
        .authenticator(keys)
        .default_role(Role::Admin)
        .service(Notes)
        .build()
        .unwrap()
}

fn server(max_body_bytes: Option<usize>) -> Server {
    let keys = Keys {
        charged: Arc::new(AtomicUsize::new(0)),
        limit: usize::MAX / 2,
    };
    server_with(keys, max_body_bytes)
}

fn mcp_with(limit: usize, charged: Arc<AtomicUsize>) -> McpService {
    McpService::builder(server_with(Keys { charged, limit }, None))
        .allowed_origins(["https://app.example.com"])
        .server_info("notes", "9.9.9")
        .build()
        .unwrap()
}

fn mcp() -> McpService {
    mcp_with(1000, Arc::new(AtomicUsize::new(0)))
}

/// An HTTP answer: status, headers and the body parsed (`Value::Null` when empty).
struct Answer {
    status: u16,
    headers: http::HeaderMap,
    body: Value,
}

async fn send(service: &McpService, request: Request<Body>) -> Answer {
    let response = service.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)))
    };
    if !bytes.is_empty() {
        assert_eq!(headers["content-type"], "application/json");
    }
    Answer {
        status,
        headers,
        body,
    }
}

/// A POST to /mcp with the key `owner`, the usual MCP headers and `extra` ones.
fn post(body: impl Into<String>, extra: &[(&str, &str)]) -> Request<Body> {
    let mut builder = Request::post("/mcp")
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream");
    let mut keyed = false;
    for (name, value) in extra {
        keyed |=
            name.eq_ignore_ascii_case("x-api-key") || name.eq_ignore_ascii_case("authorization");
        builder = builder.header(*name, *value);
    }
    if !keyed {
        builder = builder.header("x-api-key", "owner");
    }
    builder.body(Body::from(body.into())).unwrap()
}

/// A request body.
fn request(id: i64, method: &str, params: Value) -> String {
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string()
}

/// The `_meta` every 2026-07-28 request carries.
fn meta() -> Value {
    json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "test", "version": "1"},
    })
}

/// A 2026-07-28 request: `_meta` in the params and the three headers.
async fn modern(service: &McpService, key: &str, method: &str, mut params: Value) -> Answer {
    params["_meta"] = meta();
    let name = params["name"].as_str().map(str::to_owned);
    let mut headers = vec![
        ("x-api-key", key),
        ("mcp-protocol-version", "2026-07-28"),
        ("mcp-method", method),
    ];
    if let Some(name) = &name {
        headers.push(("mcp-name", name.as_str()));
    }
    send(service, post(request(1, method, params), &headers)).await
}

/// A handshake-revision request with `MCP-Protocol-Version: version`.
async fn legacy(
    service: &McpService,
    key: &str,
    version: &str,
    method: &str,
    params: Value,
) -> Answer {
    send(
        service,
        post(
            request(1, method, params),
            &[("x-api-key", key), ("mcp-protocol-version", version)],
        ),
    )
    .await
}

fn tool_names(answer: &Answer) -> Vec<String> {
    answer.body["result"]["tools"]
        .as_array()
        .unwrap_or_else(|| panic!("no tools: {}", answer.body))
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect()
}

/// The JSON-RPC error in the text of a tool result with `isError`.
fn tool_error(answer: &Answer) -> Value {
    let result = &answer.body["result"];
    assert_eq!(result["isError"], true, "{}", answer.body);
    let text = result["content"][0]["text"].as_str().unwrap();
    serde_json::from_str::<Value>(text).unwrap()["error"].clone()
}

#[tokio::test]
async fn initialize_answers_the_clients_revision_or_the_newest_with_a_handshake() {
    let service = mcp();
    for (offered, answered) in [
        ("2025-06-18", "2025-06-18"),
        ("2025-11-25", "2025-11-25"),
        ("2024-11-05", "2025-11-25"),
        ("2026-07-28", "2025-11-25"),
        ("1999-01-01", "2025-11-25"),
    ] {
        let answer = send(
            &service,
            post(
                request(
                    1,
                    "initialize",
                    json!({"protocolVersion": offered, "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}),
                ),
                &[],
            ),
        )
        .await;
        assert_eq!(answer.status, 200, "{offered}: {}", answer.body);
        let result = &answer.body["result"];
        assert_eq!(result["protocolVersion"], answered, "{offered}");
        assert_eq!(
            result["capabilities"],
            json!({"tools": {"listChanged": false}})
        );
        assert_eq!(
            result["serverInfo"],
            json!({"name": "notes", "version": "9.9.9"})
        );
        assert!(result.get("resultType").is_none(), "{result}");
        assert!(answer.headers.get("mcp-session-id").is_none());
    }
    // A header that contradicts the body.
    let answer = send(
        &service,
        post(
            request(1, "initialize", json!({"protocolVersion": "2025-06-18"})),
            &[("mcp-protocol-version", "2025-11-25")],
        ),
    )
    .await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.body["error"]["code"], -32600);
    // No protocolVersion.
    let answer = send(&service, post(request(1, "initialize", json!({})), &[])).await;
    assert_eq!(answer.body["error"]["code"], -32602);
}

#[tokio::test]
async fn discover_lists_the_revisions_and_modern_results_carry_their_fields() {
    let service = mcp();
    let answer = modern(&service, "owner", "server/discover", json!({})).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let result = &answer.body["result"];
    assert_eq!(result["supportedVersions"], json!(SUPPORTED_VERSIONS));
    assert_eq!(
        result["supportedVersions"],
        json!(["2025-06-18", "2025-11-25", "2026-07-28"])
    );
    assert_eq!(result["resultType"], "complete");
    assert_eq!(
        result["capabilities"]["tools"],
        json!({"listChanged": false})
    );
    assert_eq!(
        result["_meta"]["io.modelcontextprotocol/serverInfo"]["name"],
        "notes"
    );
    assert!(result["ttlMs"].is_u64() && result["cacheScope"].is_string());

    let answer = modern(&service, "owner", "tools/list", json!({})).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let result = &answer.body["result"];
    assert_eq!(result["resultType"], "complete");
    assert_eq!(result["cacheScope"], "private");
    assert_eq!(result["ttlMs"], 0);

    let answer = modern(
        &service,
        "owner",
        "tools/call",
        json!({"name": "notes_count", "arguments": {}}),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["result"]["resultType"], "complete");
    assert_eq!(
        answer.body["result"]["structuredContent"],
        json!({"result": 2})
    );

    // The same list under a handshake revision has none of them.
    let answer = legacy(&service, "owner", "2025-11-25", "tools/list", json!({})).await;
    assert!(answer.body["result"].get("resultType").is_none());
    assert!(answer.body["result"].get("ttlMs").is_none());
}

#[tokio::test]
async fn modern_requests_are_checked_in_order_meta_headers_revision() {
    let service = mcp();
    // No _meta.
    let answer = send(
        &service,
        post(
            request(1, "server/discover", json!({})),
            &[
                ("mcp-protocol-version", "2026-07-28"),
                ("mcp-method", "server/discover"),
            ],
        ),
    )
    .await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.body["error"]["code"], -32602);
    assert_eq!(answer.body["id"], 1);
    assert!(
        answer.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("clientCapabilities")
    );
    // The method header disagrees with the body.
    let answer = send(
        &service,
        post(
            request(2, "tools/list", json!({"_meta": meta()})),
            &[
                ("mcp-protocol-version", "2026-07-28"),
                ("mcp-method", "tools/call"),
            ],
        ),
    )
    .await;
    assert_eq!(
        (answer.status, answer.body["error"]["code"].clone()),
        (400, json!(-32020))
    );
    // No version header at all.
    let answer = send(
        &service,
        post(
            request(3, "tools/list", json!({"_meta": meta()})),
            &[("mcp-method", "tools/list")],
        ),
    )
    .await;
    assert_eq!(
        (answer.status, answer.body["error"]["code"].clone()),
        (400, json!(-32020))
    );
    // Mcp-Name disagrees with the tool called.
    let mut params = json!({"name": "notes_count", "arguments": {}, "_meta": meta()});
    params["_meta"] = meta();
    let answer = send(
        &service,
        post(
            request(4, "tools/call", params),
            &[
                ("mcp-protocol-version", "2026-07-28"),
                ("mcp-method", "tools/call"),
                ("mcp-name", "notes_getNote"),
            ],
        ),
    )
    .await;
    assert_eq!(
        (answer.status, answer.body["error"]["code"].clone()),
        (400, json!(-32020))
    );
    // A revision this server does not speak, named in the body and the header alike.
    let mut unknown = meta();
    unknown["io.modelcontextprotocol/protocolVersion"] = json!("2099-01-01");
    let answer = send(
        &service,
        post(
            request(5, "server/discover", json!({"_meta": unknown})),
            &[
                ("mcp-protocol-version", "2099-01-01"),
                ("mcp-method", "server/discover"),
            ],
        ),
    )
    .await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.body["error"]["code"], -32022);
    assert_eq!(answer.body["error"]["data"]["requested"], "2099-01-01");
    assert_eq!(
        answer.body["error"]["data"]["supported"],
        json!(SUPPORTED_VERSIONS)
    );
    // A repeated routing header.
    let answer = send(
        &service,
        post(
            request(6, "tools/list", json!({"_meta": meta()})),
            &[
                ("mcp-protocol-version", "2026-07-28"),
                ("mcp-method", "tools/list"),
                ("mcp-method", "tools/list"),
            ],
        ),
    )
    .await;
    assert_eq!(
        (answer.status, answer.body["error"]["code"].clone()),
        (400, json!(-32020))
    );
}

#[tokio::test]
async fn an_unknown_version_header_is_400_with_the_supported_list() {
    let service = mcp();
    let answer = legacy(&service, "owner", "2024-01-01", "tools/list", json!({})).await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.body["error"]["code"], -32022);
    assert_eq!(
        answer.body["error"]["data"]["supported"],
        json!(SUPPORTED_VERSIONS)
    );
    // The same on a notification.
    let notification = json!({"jsonrpc": "2.0", "method": "notifications/initialized"}).to_string();
    let answer = send(
        &service,
        post(notification, &[("mcp-protocol-version", "nonsense")]),
    )
    .await;
    assert_eq!(
        (answer.status, answer.body["error"]["code"].clone()),
        (400, json!(-32022))
    );
}

#[tokio::test]
async fn unknown_methods_are_404_under_2026_and_in_band_before() {
    let service = mcp();
    let answer = modern(&service, "owner", "resources/list", json!({})).await;
    assert_eq!(
        (answer.status, answer.body["error"]["code"].clone()),
        (404, json!(-32601))
    );
    let answer = legacy(&service, "owner", "2025-06-18", "resources/list", json!({})).await;
    assert_eq!(
        (answer.status, answer.body["error"]["code"].clone()),
        (200, json!(-32601))
    );
    // ping is a handshake-revision method.
    let answer = legacy(&service, "owner", "2025-06-18", "ping", json!({})).await;
    assert_eq!(
        (answer.status, answer.body["result"].clone()),
        (200, json!({}))
    );
    let answer = modern(&service, "owner", "ping", json!({})).await;
    assert_eq!(answer.status, 404);
}

#[tokio::test]
async fn notifications_are_accepted_with_202_and_no_body() {
    let service = mcp();
    for method in [
        "notifications/initialized",
        "notifications/cancelled",
        "anything/else",
    ] {
        let body = json!({"jsonrpc": "2.0", "method": method, "params": {}}).to_string();
        let answer = send(
            &service,
            post(body, &[("mcp-protocol-version", "2025-11-25")]),
        )
        .await;
        assert_eq!(answer.status, 202, "{method}");
        assert_eq!(answer.body, Value::Null);
    }
}

#[tokio::test]
async fn batches_responses_and_malformed_bodies_are_400_with_a_json_rpc_error() {
    let service = mcp();
    let cases = [
        (format!("[{}]", request(1, "tools/list", json!({}))), -32600),
        ("  [ ]".to_owned(), -32600),
        (
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":".to_owned(),
            -32700,
        ),
        ("not json".to_owned(), -32700),
        ("\"a string\"".to_owned(), -32600),
        (r#"{"jsonrpc":"2.0","id":1,"result":{}}"#.to_owned(), -32600),
        (
            r#"{"jsonrpc":"1.0","id":1,"method":"tools/list"}"#.to_owned(),
            -32600,
        ),
        (
            r#"{"jsonrpc":"2.0","id":null,"method":"tools/list"}"#.to_owned(),
            -32600,
        ),
        (
            r#"{"jsonrpc":"2.0","id":{},"method":"tools/list"}"#.to_owned(),
            -32600,
        ),
        (r#"{"jsonrpc":"2.0","id":1,"method":7}"#.to_owned(), -32600),
        (
            r#"{"jsonrpc":"2.0","id":1,"id":2,"method":"tools/list"}"#.to_owned(),
            -32600,
        ),
        (format!("{}{}", "[".repeat(5000), "]".repeat(5000)), -32600),
    ];
    for (body, code) in cases {
        let shown = body.chars().take(60).collect::<String>();
        let answer = send(&service, post(body, &[])).await;
        assert_eq!(answer.status, 400, "{shown}: {}", answer.body);
        assert_eq!(
            answer.body["error"]["code"], code,
            "{shown}: {}",
            answer.body
        );
        assert_eq!(answer.body["jsonrpc"], "2.0");
        assert!(answer.body.get("id").is_some());
    }
    // Arguments nested deeper than the server's limit: the call's own well-formed error.
    let deep = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
    let body = format!(
        r#"{{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{{"name":"notes_search","arguments":{{"text":{deep}}}}}}}"#
    );
    let answer = send(&service, post(body, &[])).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["id"], 9);
    let code = tool_error(&answer)["code"].as_i64().unwrap();
    assert!([-32600, -32700, -32602].contains(&code), "{code}");
}

#[tokio::test]
async fn huge_arguments_are_refused_with_a_well_formed_413() {
    let service = McpService::builder(server(Some(4096))).build().unwrap();
    let big = "x".repeat(10_000);
    let body = request(
        1,
        "tools/call",
        json!({"name": "notes_search", "arguments": {"text": big}}),
    );
    let answer = send(&service, post(body, &[])).await;
    assert_eq!(answer.status, 413);
    assert_eq!(answer.body["error"]["code"], -32600);
    assert!(
        answer.body["error"]["data"]
            .as_str()
            .unwrap()
            .contains("4096")
    );
    // Just under the limit is served.
    let text = "y".repeat(3900);
    let body = request(
        1,
        "tools/call",
        json!({"name": "notes_search", "arguments": {"text": text}}),
    );
    let answer = send(&service, post(body, &[])).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(
        answer.body["result"]["structuredContent"]["result"][0],
        text
    );
}

#[tokio::test]
async fn keys_are_required_and_taken_from_either_header() {
    let service = mcp();
    let list = request(1, "tools/list", json!({}));
    // No key.
    let request = Request::post("/mcp")
        .header("content-type", "application/json")
        .body(Body::from(list.clone()))
        .unwrap();
    let answer = send(&service, request).await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.headers["www-authenticate"], r#"Bearer realm="mcp""#);
    assert_eq!(answer.body["error"]["code"], -32001);
    assert!(
        answer.body["error"]["data"]
            .as_str()
            .unwrap()
            .contains("Bearer")
    );
    // A bad key, either way.
    for header in [("x-api-key", "nope"), ("authorization", "Bearer nope")] {
        let answer = send(&service, post(list.clone(), &[header])).await;
        assert_eq!(answer.status, 401, "{header:?}");
        assert!(
            answer.headers["www-authenticate"]
                .to_str()
                .unwrap()
                .contains(r#"error="invalid_token""#)
        );
        assert!(!answer.body.to_string().contains("nope"));
    }
    // A good key, either way.
    for header in [("x-api-key", "reader"), ("authorization", "Bearer reader")] {
        let answer = send(&service, post(list.clone(), &[header])).await;
        assert_eq!(answer.status, 200, "{header:?}: {}", answer.body);
    }
    // Two keys, or two different ones.
    for headers in [
        [("x-api-key", "reader"), ("x-api-key", "owner")],
        [("x-api-key", "reader"), ("authorization", "Bearer owner")],
    ] {
        let answer = send(&service, post(list.clone(), &headers)).await;
        assert_eq!(answer.status, 401, "{headers:?}");
    }
    // Too many failed attempts from an address.
    let answer = send(&service, post(list, &[("x-api-key", "flood")])).await;
    assert_eq!(answer.status, 429);
    assert_eq!(answer.headers["retry-after"], "7");
}

#[tokio::test]
async fn browser_origins_must_be_allowed() {
    let service = mcp();
    let list = request(1, "tools/list", json!({}));
    for origin in [
        "https://evil.example",
        "null",
        "https://app.example.com.evil.example",
    ] {
        let answer = send(&service, post(list.clone(), &[("origin", origin)])).await;
        assert_eq!(answer.status, 403, "{origin}");
        assert_eq!(answer.body["error"]["code"], -32600);
    }
    // Refused before the key is looked at.
    let answer = send(
        &service,
        post(
            list.clone(),
            &[("origin", "https://evil.example"), ("x-api-key", "nope")],
        ),
    )
    .await;
    assert_eq!(answer.status, 403);
    for origin in ["https://app.example.com", "HTTPS://APP.EXAMPLE.COM/"] {
        let answer = send(&service, post(list.clone(), &[("origin", origin)])).await;
        assert_eq!(answer.status, 200, "{origin}");
    }
    assert!(matches!(
        McpService::builder(server(None))
            .allowed_origins(["app.example.com"])
            .build(),
        Err(BuildError::Origin(_))
    ));
}

#[tokio::test]
async fn only_post_on_the_path_and_json_both_ways() {
    let service = mcp();
    for method in ["GET", "DELETE", "PUT"] {
        let request = Request::builder()
            .method(method)
            .uri("/mcp")
            .header("x-api-key", "owner")
            .header("accept", "text/event-stream")
            .body(Body::empty())
            .unwrap();
        let answer = send(&service, request).await;
        assert_eq!(answer.status, 405, "{method}");
        assert_eq!(answer.headers["allow"], "POST");
        assert_eq!(answer.body["error"]["code"], -32600);
    }
    let list = request(1, "tools/list", json!({}));
    let request = Request::post("/mcp")
        .header("x-api-key", "owner")
        .header("content-type", "application/json")
        .header("accept", "text/event-stream")
        .body(Body::from(list.clone()))
        .unwrap();
    let answer = send(&service, request).await;
    assert_eq!(answer.status, 406);
    assert_eq!(answer.body["error"]["code"], -32600);
    let request = Request::post("/mcp")
        .header("x-api-key", "owner")
        .header("content-type", "text/plain")
        .body(Body::from(list.clone()))
        .unwrap();
    assert_eq!(send(&service, request).await.status, 415);
    // Mounted on a router, other paths are not the endpoint.
    let response = service
        .router()
        .oneshot(post(list, &[]).map(|b| b).tap_uri("/mcp/other"))
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
}

/// Changes a request's URI.
trait TapUri {
    fn tap_uri(self, uri: &str) -> Self;
}

impl TapUri for Request<Body> {
    fn tap_uri(mut self, uri: &str) -> Self {
        *self.uri_mut() = uri.parse().unwrap();
        self
    }
}

#[tokio::test]
async fn tools_list_shows_what_the_key_may_call() {
    let service = mcp();
    let owner = tool_names(&legacy(&service, "owner", "2025-11-25", "tools/list", json!({})).await);
    assert_eq!(
        owner,
        [
            "notes_getNote",
            "notes_count",
            "notes_addNote",
            "notes_deleteNote",
            "notes_search"
        ]
    );
    let reader =
        tool_names(&legacy(&service, "reader", "2025-11-25", "tools/list", json!({})).await);
    assert_eq!(reader, ["notes_getNote", "notes_count", "notes_search"]);
    // An editor without the write scope sees no write tool either.
    let writer =
        tool_names(&legacy(&service, "writer", "2025-06-18", "tools/list", json!({})).await);
    assert_eq!(writer, ["notes_getNote", "notes_count", "notes_search"]);
    let answer = legacy(
        &service,
        "owner",
        "2025-11-25",
        "tools/list",
        json!({"cursor": "x"}),
    )
    .await;
    assert_eq!(answer.body["error"]["code"], -32602);
}

#[tokio::test]
async fn tools_are_described_from_the_registry() {
    let service = mcp();
    let answer = legacy(&service, "owner", "2025-11-25", "tools/list", json!({})).await;
    let tools = answer.body["result"]["tools"].as_array().unwrap().clone();
    let tool = |name: &str| tools.iter().find(|t| t["name"] == name).unwrap().clone();

    let get = tool("notes_getNote");
    assert_eq!(get["title"], "One note");
    assert!(
        get["description"]
            .as_str()
            .unwrap()
            .starts_with("One note. Answers -32002")
    );
    assert!(
        get["description"]
            .as_str()
            .unwrap()
            .contains("`app.notes.getNote`")
    );
    assert_eq!(
        get["inputSchema"],
        json!({"type": "object", "properties": {"id": {"type": "integer", "format": "int64"}},
               "required": ["id"], "additionalProperties": false})
    );
    // An object result is the output schema itself, self-contained.
    let output = &get["outputSchema"];
    assert_eq!(output["type"], "object");
    assert_eq!(output["required"], json!(["id", "text"]));
    assert!(output.get("$schema").is_none() && output.get("title").is_none());
    let colour_ref = output["properties"]["colour"].to_string();
    assert!(colour_ref.contains("#/$defs/Colour"), "{colour_ref}");
    assert_eq!(output["$defs"]["Colour"]["enum"], json!(["red", "blue"]));
    assert_eq!(
        get["annotations"],
        json!({"title": "One note", "readOnlyHint": true, "openWorldHint": false})
    );

    // A scalar result is wrapped.
    assert_eq!(
        tool("notes_count")["outputSchema"],
        json!({"type": "object", "properties": {"result": {"type": "integer", "format": "int64"}},
               "required": ["result"]})
    );
    // A struct param keeps its definitions under the tool's $defs.
    let add = tool("notes_addNote");
    let input = &add["inputSchema"];
    assert_eq!(input["required"], json!(["values"]));
    assert_eq!(input["properties"]["values"]["required"], json!(["text"]));
    assert!(
        input["properties"]["values"]
            .to_string()
            .contains("#/$defs/Colour")
    );
    assert!(input["$defs"]["Colour"].is_object());
    assert!(!input.to_string().contains("#/components"));
    assert_eq!(add["annotations"]["readOnlyHint"], false);
    assert_eq!(add["annotations"]["destructiveHint"], false);
    assert_eq!(
        tool("notes_deleteNote")["annotations"]["destructiveHint"],
        true
    );
    // A `*:read` scope is still read-only.
    assert_eq!(tool("notes_search")["annotations"]["readOnlyHint"], true);
    for tool in &tools {
        let name = tool["name"].as_str().unwrap();
        assert!(
            !name.is_empty()
                && name.len() <= 64
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
            "{name}"
        );
    }
    assert_eq!(
        service.tool_names().collect::<Vec<_>>(),
        [
            "notes_getNote",
            "notes_count",
            "notes_addNote",
            "notes_deleteNote",
            "notes_search"
        ]
    );
}

#[tokio::test]
async fn tools_call_answers_results_and_errors_as_tool_results() {
    let service = mcp();
    let call = |key: &'static str, name: &'static str, args: Value| {
        let service = service.clone();
        async move {
            legacy(
                &service,
                key,
                "2025-11-25",
                "tools/call",
                json!({"name": name, "arguments": args}),
            )
            .await
        }
    };
    let answer = call("owner", "notes_getNote", json!({"id": 2})).await;
    assert_eq!(answer.status, 200);
    let result = &answer.body["result"];
    assert_eq!(result["isError"], false);
    assert_eq!(
        result["structuredContent"],
        json!({"id": 2, "text": "note 2", "colour": null})
    );
    let text: Value = serde_json::from_str(result["content"][0]["text"].as_str().unwrap()).unwrap();
    assert_eq!(text, result["structuredContent"]);
    assert_eq!(result["content"][0]["type"], "text");
    // Coercion as in JSON-RPC: "2" binds to the integer.
    let answer = call("owner", "notes_getNote", json!({"id": "2"})).await;
    assert_eq!(answer.body["result"]["structuredContent"]["id"], 2);
    // A method's own error.
    let error = tool_error(&call("owner", "notes_getNote", json!({"id": 5})).await);
    assert_eq!(error["code"], -32002);
    assert_eq!(error["data"], "no such note");
    // Bad arguments.
    let error = tool_error(&call("owner", "notes_getNote", json!({"id": "x"})).await);
    assert_eq!(error["code"], -32602);
    let error = tool_error(&call("owner", "notes_getNote", json!({})).await);
    assert_eq!(error["code"], -32602);
    assert!(error.to_string().contains("id"), "{error}");
    let error = tool_error(&call("owner", "notes_getNote", json!({"id": 1, "extra": 1})).await);
    assert_eq!(error["code"], -32602);
    // The key's role, scopes and projects, checked by the dispatcher.
    let error =
        tool_error(&call("reader", "notes_addNote", json!({"values": {"text": "x"}})).await);
    assert_eq!(error["code"], -32001);
    let error =
        tool_error(&call("writer", "notes_addNote", json!({"values": {"text": "x"}})).await);
    assert_eq!(error["code"], -32001);
    assert!(
        error["message"].as_str().unwrap().contains("notes:write"),
        "{error}"
    );
    let error = tool_error(&call("reader", "notes_getNote", json!({"id": 2})).await);
    assert_eq!(error["code"], -32001);
    assert_eq!(
        call(
            "owner",
            "notes_addNote",
            json!({"values": {"text": "four", "colour": "red"}})
        )
        .await
        .body["result"]["structuredContent"],
        json!({"result": 4})
    );
    // Protocol errors: an unknown tool, arguments that are not an object, no name.
    for params in [
        json!({"name": "notes_nope", "arguments": {}}),
        json!({"name": "notes_getNote", "arguments": [1]}),
        json!({"arguments": {}}),
    ] {
        let answer = legacy(
            &service,
            "owner",
            "2025-11-25",
            "tools/call",
            params.clone(),
        )
        .await;
        assert_eq!(answer.status, 200, "{params}");
        assert_eq!(answer.body["error"]["code"], -32602, "{params}");
    }
    // No arguments at all is an empty object.
    let answer = legacy(
        &service,
        "owner",
        "2025-11-25",
        "tools/call",
        json!({"name": "notes_count"}),
    )
    .await;
    assert_eq!(
        answer.body["result"]["structuredContent"],
        json!({"result": 2})
    );
}

#[tokio::test]
async fn each_tools_call_is_one_call_against_the_keys_rate() {
    let charged = Arc::new(AtomicUsize::new(0));
    let service = mcp_with(2, Arc::clone(&charged));
    let call = request(1, "tools/call", json!({"name": "notes_count"}));
    let answer = send(&service, post(call.clone(), &[])).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.headers["x-ratelimit-limit"], "2");
    assert_eq!(answer.headers["x-ratelimit-remaining"], "1");
    // Listing is not a call.
    send(&service, post(request(2, "tools/list", json!({})), &[])).await;
    assert_eq!(charged.load(Ordering::SeqCst), 1);
    assert_eq!(send(&service, post(call.clone(), &[])).await.status, 200);
    let answer = send(&service, post(call, &[])).await;
    assert_eq!(answer.status, 429);
    assert_eq!(answer.headers["retry-after"], "30");
    assert_eq!(answer.body["error"]["code"], -32003);
    assert_eq!(answer.body["id"], 1);
}

struct Ab;

#[rpc_service("a_b")]
impl Ab {
    /// c
    fn c(&self) -> i64 {
        1
    }
}

struct A;

#[rpc_service("a")]
impl A {
    /// b_c
    #[rpc(name = "B_c")]
    fn b_c(&self) -> i64 {
        1
    }
}

#[test]
fn two_methods_with_one_tool_name_fail_the_build() {
    let server = Server::builder().service(Ab).service(A).build().unwrap();
    let error = McpService::builder(server).build().unwrap_err();
    match &error {
        BuildError::Tool(ToolError::Collision {
            name,
            first,
            second,
        }) => {
            assert_eq!(name, "a_B_c");
            assert!(
                first.contains("Ab::c") && second.contains("A::b_c"),
                "{first} / {second}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().contains("rename one"), "{error}");
}

#[tokio::test]
async fn a_server_with_keys_lends_its_authenticator() {
    // Nothing to hand over: the endpoint checks keys with the server's own authenticator.
    let service = McpService::builder(server(None)).build().unwrap();
    let list = request(1, "tools/list", json!({}));
    let request = Request::post("/mcp")
        .header("content-type", "application/json")
        .body(Body::from(list.clone()))
        .unwrap();
    assert_eq!(send(&service, request).await.status, 401);
    let answer = send(&service, post(list, &[("x-api-key", "reader")])).await;
    assert_eq!(
        tool_names(&answer),
        ["notes_getNote", "notes_count", "notes_search"]
    );
    assert!(matches!(
        McpService::builder(server(None)).path("mcp").build(),
        Err(BuildError::Path(_))
    ));
}

struct Echo;

#[rpc_service("echo", min_role = "readonly")]
impl Echo {
    /// What the call sees of its request.
    fn context(&self, ctx: &CallContext<'_>) -> Value {
        let tenant = ctx.header("x-tenant").map(String::from_utf8_lossy);
        json!({"tenant": tenant, "id": ctx.id().map(|id| id.as_json())})
    }
}

/// Takes key `k` only with the header `x-tenant: acme`: an authenticator that reads headers.
struct TenantKeys;

impl Authenticator for TenantKeys {
    fn authenticate<'a>(
        &'a self,
        credentials: Credentials<'a>,
    ) -> BoxFuture<'a, Result<Arc<Caller>, AuthError>> {
        let tenant = credentials.headers.header("x-tenant");
        let result = match (credentials.api_key, tenant) {
            (Some(b"k"), Some(b"acme")) => {
                Ok(Arc::new(leanrpc_test_support::caller(Role::Readonly)))
            }
            (None, _) => Err(AuthError::Missing),
            _ => Err(AuthError::Rejected),
        };
        Box::pin(async move { result })
    }
}

#[tokio::test]
async fn the_authenticator_and_the_method_see_the_request() {
    let server = Server::builder()
        .authenticator(TenantKeys)
        .service(Echo)
        .build()
        .unwrap();
    let service = McpService::builder(server).build().unwrap();
    let body = json!({"jsonrpc": "2.0", "id": "req-7", "method": "tools/call",
                      "params": {"name": "echo_context"}})
    .to_string();
    let headers = [("authorization", "Bearer k"), ("x-tenant", "acme")];
    let answer = send(&service, post(body.clone(), &headers)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    // The headers and the MCP request's id reach the method, as a JSON-RPC request's do (a
    // `Value` result has no schema, so it is wrapped).
    assert_eq!(
        answer.body["result"]["structuredContent"]["result"],
        json!({"tenant": "acme", "id": "\"req-7\""})
    );
    // Without the header the authenticator wants, the key is refused.
    let answer = send(&service, post(body, &[("authorization", "Bearer k")])).await;
    assert_eq!(answer.status, 401);
}

#[tokio::test]
async fn scalar_results_are_plain_as_the_output_schema_says() {
    // A server that answers JSON-RPC calls the Leantime 3.8 way: scalars in arrays.
    let server = Server::builder()
        .scalar_results_in_arrays(true)
        .service(Notes)
        .build()
        .unwrap();
    let answer = server
        .call(r#"{"jsonrpc":"2.0","method":"notes.count","id":1}"#)
        .await
        .unwrap();
    let answer: Value = serde_json::from_slice(&answer).unwrap();
    assert_eq!(answer["result"], json!([2]));
    let service = McpService::builder(server).build().unwrap();
    let list = send(&service, post(request(1, "tools/list", json!({})), &[])).await;
    let tools = list.body["result"]["tools"].as_array().unwrap();
    let schema = |name: &str| {
        tools.iter().find(|t| t["name"] == name).unwrap()["outputSchema"]["properties"]["result"]
            .clone()
    };
    for (name, args, expected) in [
        ("notes_count", json!({}), json!(2)),
        ("notes_deleteNote", json!({"id": 1}), json!(true)),
        (
            "notes_addNote",
            json!({"values": {"text": "abc"}}),
            json!(3),
        ),
    ] {
        let call = request(1, "tools/call", json!({"name": name, "arguments": args}));
        let answer = send(&service, post(call, &[])).await;
        let result = &answer.body["result"];
        assert_eq!(
            result["structuredContent"],
            json!({"result": expected}),
            "{name}"
        );
        // What the output schema says: an integer or a boolean, not an array.
        let kind = if expected.is_boolean() {
            "boolean"
        } else {
            "integer"
        };
        assert_eq!(schema(name)["type"], kind, "{name}");
        let text: Value =
            serde_json::from_str(result["content"][0]["text"].as_str().unwrap()).unwrap();
        assert_eq!(text, result["structuredContent"], "{name}");
    }
}

#[tokio::test]
async fn a_server_without_keys_serves_everyone() {
    let server = Server::builder().service(Notes).build().unwrap();
    let service = McpService::builder(server).build().unwrap();
    let request = Request::post("/mcp")
        .header("content-type", "application/json")
        .body(Body::from(request(
            1,
            "tools/call",
            json!({"name": "notes_count"}),
        )))
        .unwrap();
    let answer = send(&service, request).await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.body["result"]["structuredContent"],
        json!({"result": 2})
    );
}
