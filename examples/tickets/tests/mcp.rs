//! The MCP endpoint of the real `tickets` binary: on by default at /mcp, off with `--no-mcp`,
//! the same keys as /api/jsonrpc (x-api-key or Bearer), the same project checks, and one rate
//! limit per key across both endpoints.

mod support;

use serde_json::{Value, json};
use support::TicketsServer;

/// POSTs one MCP message (2025-11-25) to the server's /mcp; returns status, headers, body.
async fn mcp(
    server: &TicketsServer,
    auth: (&str, String),
    method: &str,
    params: Value,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let url = server.url.replace("/api/jsonrpc", "/mcp");
    let response = server
        .client
        .post(url)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2025-11-25")
        .header(auth.0, auth.1)
        .body(json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string())
        .send()
        .await
        .expect("POST /mcp");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, headers, body)
}

fn key(key: &str) -> (&'static str, String) {
    ("x-api-key", key.to_owned())
}

fn bearer(key: &str) -> (&'static str, String) {
    ("authorization", format!("Bearer {key}"))
}

#[tokio::test]
async fn every_method_is_a_tool_with_the_same_keys_and_checks() {
    let server = TicketsServer::start(&[]);
    let owner = server.owner.clone();
    assert_eq!(
        server
            .ok(
                &owner,
                "projects.addProject",
                json!({"values": {"name": "One"}})
            )
            .await,
        1
    );
    server
        .ok(
            &owner,
            "projects.addProject",
            json!({"values": {"name": "Two"}}),
        )
        .await;
    server
        .ok(
            &owner,
            "tickets.addTicket",
            json!({"values": {"projectId": 2, "headline": "theirs"}}),
        )
        .await;
    let reader = server.create_key(&["--role", "readonly", "--project", "1", "--name", "r"]);

    let (status, _, body) = mcp(&server, key(&owner), "tools/list", json!({})).await;
    assert_eq!(status, 200, "{body}");
    let owner_tools: Vec<&str> = body["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    let (_, _, discovered) = server
        .post(
            Some(&owner),
            r#"{"jsonrpc":"2.0","method":"rpc.discover","id":1}"#,
        )
        .await;
    let discovered = discovered.unwrap()["result"].clone();
    assert_eq!(
        owner_tools.len(),
        discovered["methods"].as_array().unwrap().len(),
        "one tool per method the owner may call"
    );
    for name in [
        "tickets_getTicket",
        "tickets_addTicket",
        "projects_getAll",
        "tickets_delete",
    ] {
        assert!(owner_tools.contains(&name), "{name} in {owner_tools:?}");
    }

    let (_, _, body) = mcp(&server, bearer(&reader), "tools/list", json!({})).await;
    let reader_tools = body["result"]["tools"].as_array().unwrap();
    assert!(!reader_tools.is_empty());
    for tool in reader_tools {
        assert_eq!(
            tool["annotations"]["readOnlyHint"], true,
            "{}",
            tool["name"]
        );
    }

    // Leantime's `values` shape, through the same binding and coercion.
    let args = json!({"values": {"projectId": "1", "headline": "over MCP", "priority": "2"}});
    let (_, _, body) = mcp(
        &server,
        key(&owner),
        "tools/call",
        json!({"name": "tickets_addTicket", "arguments": args}),
    )
    .await;
    let id = body["result"]["structuredContent"]["result"]
        .as_i64()
        .expect("an id");
    let ticket = server
        .ok(&owner, "tickets.getTicket", json!({"id": id}))
        .await;
    assert_eq!(
        (ticket["headline"].as_str(), ticket["priority"].as_i64()),
        (Some("over MCP"), Some(2))
    );

    // The reader reads its project's ticket, and not project 2's.
    let (_, _, body) = mcp(
        &server,
        bearer(&reader),
        "tools/call",
        json!({"name": "tickets_getTicket", "arguments": {"id": id}}),
    )
    .await;
    assert_eq!(body["result"]["structuredContent"], ticket);
    let (_, _, body) = mcp(
        &server,
        bearer(&reader),
        "tools/call",
        json!({"name": "tickets_getTicket", "arguments": {"id": 1}}),
    )
    .await;
    assert_eq!(body["result"]["isError"], true, "{body}");
    assert!(!body.to_string().contains("theirs"));
    let (_, _, body) = mcp(
        &server,
        bearer(&reader),
        "tools/call",
        json!({"name": "tickets_addTicket", "arguments": args}),
    )
    .await;
    let text: Value =
        serde_json::from_str(body["result"]["content"][0]["text"].as_str().unwrap()).unwrap();
    assert_eq!(text["error"]["code"], -32001);

    let (status, headers, _) = mcp(&server, key("lt_nope"), "tools/list", json!({})).await;
    assert_eq!(status, 401);
    assert!(
        headers["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
}

#[tokio::test]
async fn one_rate_limit_per_key_across_both_endpoints() {
    let server = TicketsServer::start(&["--rate-limit", "3"]);
    let owner = server.owner.clone();
    server.ok(&owner, "projects.getAll", json!({})).await;
    server.ok(&owner, "projects.getAll", json!({})).await;
    let call = json!({"name": "projects_getAll", "arguments": {}});
    let (status, headers, _) = mcp(&server, key(&owner), "tools/call", call.clone()).await;
    assert_eq!(status, 200);
    assert_eq!(headers["x-ratelimit-remaining"], "0");
    let (status, headers, body) = mcp(&server, key(&owner), "tools/call", call).await;
    assert_eq!(status, 429, "{body}");
    assert!(headers.contains_key("retry-after"));
    let (status, _) = server.call(&owner, "projects.getAll", json!({})).await;
    assert_eq!(status, 429);
}

#[tokio::test]
async fn no_mcp_turns_the_endpoint_off() {
    let server = TicketsServer::start(&["--no-mcp"]);
    let (status, _, _) = mcp(&server, key(&server.owner), "tools/list", json!({})).await;
    assert_eq!(status, 404);
    // The JSON-RPC endpoint is unchanged.
    assert_eq!(
        server.ok(&server.owner, "projects.getAll", json!({})).await,
        json!([])
    );
}
