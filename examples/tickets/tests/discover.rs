//! Discovery on the real tickets server, over HTTP: `rpc.discover` per key, filtered by role
//! and scope. Two more discovery suites need tools outside cargo and run behind features of this
//! package (`scripts/test.sh` and CI turn them on; `scripts/ci-deps.sh` installs the tools):
//! `meta_schema.rs` (feature `node-tests`: the document against the official OpenRPC
//! meta-schema, with node) and `reference_page.rs` (feature `browser-tests`: the reference page
//! in headless Chromium).

mod support;

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
