//! The generated Rust clients (`TicketsClient`, `ProjectsClient`) against the real server over
//! HTTP, and `tickets call`, the command-line client built on them.

mod support;

use std::process::Command;

use leanrpc::client::{Client, ClientError, HttpMethod, HttpTransport};
use serde_json::Value;
use support::{BIN, TicketsServer};
use tickets::model::{ProjectValues, SearchCriteria, StatusFilter, TicketValues};
use tickets::{NAMESPACE, ProjectsClient, TicketsClient};

fn client(server: &TicketsServer, key: &str, method: HttpMethod) -> Client {
    let transport = HttpTransport::builder(server.url.as_str())
        .api_key(key)
        .method(method)
        .build()
        .unwrap();
    Client::new(transport, NAMESPACE)
}

fn new_ticket(project: i64, headline: &str) -> TicketValues {
    TicketValues {
        project_id: Some(project),
        headline: Some(headline.to_owned()),
        tags: Some("web,login".to_owned()),
        ..TicketValues::default()
    }
}

async fn typed_calls_round_trip(method: HttpMethod) {
    let server = TicketsServer::start(&[]);
    let client = client(&server, &server.owner, method);
    let projects = ProjectsClient::new(client.clone());
    let tickets = TicketsClient::new(client);

    let values = ProjectValues {
        name: Some("Website".into()),
        ..ProjectValues::default()
    };
    let project = projects.add_project(values).await.unwrap();
    assert_eq!(projects.get_project(project).await.unwrap().name, "Website");

    let id = tickets
        .add_ticket(new_ticket(project, "Fix login"))
        .await
        .unwrap();
    let ticket = tickets.get_ticket(id).await.unwrap();
    assert_eq!(
        (
            ticket.id,
            ticket.project_id,
            ticket.headline.as_str(),
            ticket.status,
            ticket.kind.as_str(),
            ticket.tags.as_str(),
        ),
        (id, project, "Fix login", 3, "task", "web,login")
    );

    // `searchCriteria` with a typed status filter, sent as Leantime writes it.
    let open = SearchCriteria {
        current_project: Some(project),
        status: Some(StatusFilter::NotDone),
        ..SearchCriteria::default()
    };
    let listed = tickets.get_all(Some(open.clone()), Some(10)).await.unwrap();
    assert_eq!(listed, std::slice::from_ref(&ticket));
    assert!(tickets.mark_ticket_done(id).await.unwrap());
    assert!(tickets.get_all(Some(open), None).await.unwrap().is_empty());
    let done = SearchCriteria {
        current_project: Some(project),
        status: Some(StatusFilter::Any(vec![0])),
        ..SearchCriteria::default()
    };
    assert_eq!(tickets.get_all(Some(done), None).await.unwrap()[0].id, id);

    let labels = tickets.get_status_labels(Some(project)).await.unwrap();
    assert_eq!(labels["3"].name, "New");
    assert_eq!(
        tickets.get_priority_labels().await.unwrap()["1"],
        "Critical"
    );

    // A missing ticket is Leantime's -32002; bad values are -32602 naming the field.
    let error = tickets.get_ticket(id + 1000).await.unwrap_err();
    assert_eq!(error.code(), Some(-32002), "{error}");
    let error = tickets
        .add_ticket(new_ticket(project, "  "))
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some(-32602), "{error}");
    assert_eq!(
        error.rpc().unwrap().data_value().unwrap()["param"],
        "values.headline"
    );

    // A batch: each answer, or error, back with its call.
    let mut batch = tickets.client().batch();
    let first = batch.add(tickets.get_ticket(id));
    let missing = batch.add(tickets.get_ticket(id + 1000));
    let progress = batch.add(projects.get_project_progress(Some(project), None));
    let mut answers = batch.send().await.unwrap();
    assert_eq!(answers.take(first).unwrap().headline, "Fix login");
    assert_eq!(answers.take(missing).unwrap_err().code(), Some(-32002));
    let progress = answers.take(progress).unwrap();
    assert_eq!((progress.total_tickets, progress.done_tickets), (1, 1));
}

#[tokio::test]
async fn the_generated_clients_drive_the_real_server() {
    typed_calls_round_trip(HttpMethod::Post).await;
}

#[tokio::test]
async fn the_generated_clients_drive_the_real_server_with_get() {
    typed_calls_round_trip(HttpMethod::Get).await;
}

#[tokio::test]
async fn keys_are_checked_as_for_any_client() {
    let server = TicketsServer::start(&[]);
    let readonly = server.create_key(&["--role", "readonly"]);
    let projects = ProjectsClient::new(client(&server, &server.owner, HttpMethod::Post));
    let project = projects
        .add_project(ProjectValues {
            name: Some("P".into()),
            ..ProjectValues::default()
        })
        .await
        .unwrap();

    // A readonly key may read, not write: -32001 in a 200 answer.
    let tickets = TicketsClient::new(client(&server, &readonly, HttpMethod::Post));
    assert!(tickets.get_all(None, None).await.unwrap().is_empty());
    let error = tickets
        .add_ticket(new_ticket(project, "x"))
        .await
        .unwrap_err();
    assert!(matches!(error, ClientError::Rpc(_)), "{error:?}");
    assert_eq!(error.code(), Some(-32001));

    // A wrong key never reaches a method: HTTP 401 with -32001.
    let tickets = TicketsClient::new(client(&server, "lt_nope_nope", HttpMethod::Post));
    let error = tickets.get_ticket_types().await.unwrap_err();
    assert_eq!((error.status(), error.code()), (Some(401), Some(-32001)));
}

#[tokio::test]
async fn scalar_results_in_arrays_still_decode() {
    let server = TicketsServer::start(&["--scalar-results-in-arrays"]);
    let projects = ProjectsClient::new(client(&server, &server.owner, HttpMethod::Post));
    let tickets = TicketsClient::new(client(&server, &server.owner, HttpMethod::Post));
    // The server answers `[id]` and `[true]`; the client reads the scalar inside.
    let project = projects
        .add_project(ProjectValues {
            name: Some("P".into()),
            ..ProjectValues::default()
        })
        .await
        .unwrap();
    let raw: Value = projects
        .client()
        .call("projects.getProject", serde_json::json!({"id": project}))
        .await
        .unwrap();
    assert_eq!(raw["id"], project);
    let id = tickets.add_ticket(new_ticket(project, "t")).await.unwrap();
    assert!(tickets.mark_ticket_reopen(id).await.unwrap());
    assert_eq!(tickets.get_ticket(id).await.unwrap().id, id);
}

/// Runs `tickets call ARGS` against `server` with `key` in the environment.
fn cli(server: &TicketsServer, key: Option<&str>, args: &[&str]) -> (bool, String, String) {
    let mut command = Command::new(BIN);
    command
        .arg("call")
        .args(args)
        .env("TICKETS_URL", &server.url)
        .env_remove("TICKETS_API_KEY");
    if let Some(key) = key {
        command.env("TICKETS_API_KEY", key);
    }
    let output = command.output().expect("run tickets call");
    (
        output.status.success(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[tokio::test]
async fn tickets_call_makes_typed_and_untyped_calls() {
    let server = TicketsServer::start(&[]);
    let key = Some(server.owner.as_str());

    let (ok, out, err) = cli(
        &server,
        key,
        &["projects.addProject", "--param", "values.name=Website"],
    );
    assert!(ok, "{err}");
    let project: i64 = out.trim().parse().unwrap();

    let (ok, out, err) = cli(
        &server,
        key,
        &[
            "addTicket",
            "--project-id",
            &project.to_string(),
            "--headline",
            "Fix login",
        ],
    );
    assert!(ok, "{err}");
    let id: i64 = out.trim().parse().unwrap();

    for get in [false, true] {
        let mut args = vec!["getTicket", "--id"];
        let id_text = id.to_string();
        args.push(&id_text);
        if get {
            args.push("--get");
        }
        let (ok, out, err) = cli(&server, key, &args);
        assert!(ok, "{err}");
        let ticket: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            (&ticket["id"], &ticket["headline"]),
            (&Value::from(id), &Value::from("Fix login"))
        );
        // Typed results keep the server's field order.
        assert!(out.find("\"id\"").unwrap() < out.find("\"headline\"").unwrap());
    }

    // Any method by name, its namespace optional, params as JSON or as pairs.
    let criteria = format!(r#"{{"searchCriteria":{{"currentProject":{project}}}}}"#);
    for args in [
        vec!["tickets.getAll", "--params", criteria.as_str()],
        vec!["leantime.rpc.tickets.getAll", "--params", criteria.as_str()],
        vec![
            "tickets.getAll",
            "--param",
            &format!("searchCriteria.currentProject={project}"),
            "--get",
        ],
    ] {
        let (ok, out, err) = cli(&server, key, &args);
        assert!(ok, "{args:?}: {err}");
        let list: Vec<Value> = serde_json::from_str(&out).unwrap();
        assert_eq!(list.len(), 1, "{args:?}: {out}");
        assert_eq!(list[0]["id"], id);
    }
    let (ok, out, err) = cli(&server, key, &["getProject", "--id", &project.to_string()]);
    assert!(ok, "{err}");
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()["name"],
        "Website"
    );
}

#[tokio::test]
async fn tickets_call_reports_errors_and_fails() {
    let server = TicketsServer::start(&[]);
    let key = Some(server.owner.as_str());
    let (ok, out, err) = cli(&server, key, &["getTicket", "--id", "424242"]);
    assert!(!ok);
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("-32002") && err.contains("Not found"), "{err}");

    let (ok, _, err) = cli(&server, key, &["tickets.nope"]);
    assert!(!ok);
    assert!(err.contains("-32601"), "{err}");

    let (ok, _, err) = cli(&server, None, &["getTicket", "--id", "1"]);
    assert!(!ok);
    assert!(err.contains("401") && err.contains("-32001"), "{err}");

    let (ok, _, err) = cli(&server, key, &["tickets.getAll", "--params", "{"]);
    assert!(!ok);
    assert!(err.contains("--params is not JSON"), "{err}");
    // The key never shows in what the command prints.
    assert!(!err.contains(&server.owner), "{err}");
}

/// Runs `tickets typescript ARGS` against `server` with `key` in the environment.
fn typescript(server: &TicketsServer, key: Option<&str>, args: &[&str]) -> (bool, String, String) {
    let mut command = Command::new(BIN);
    command
        .arg("typescript")
        .args(args)
        .env("TICKETS_URL", &server.url)
        .env_remove("TICKETS_API_KEY");
    if let Some(key) = key {
        command.env("TICKETS_API_KEY", key);
    }
    let output = command.output().expect("run tickets typescript");
    (
        output.status.success(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

// Compiling and running the module is interop/typescript/run.sh's job (it needs node and tsc);
// this checks what `tickets typescript` writes from the live document, per key.
#[tokio::test]
async fn tickets_typescript_writes_a_client_of_what_the_key_may_call() {
    let server = TicketsServer::start(&[]);
    let (ok, owner, err) = typescript(&server, Some(&server.owner), &[]);
    assert!(ok, "{err}");
    assert!(
        owner.starts_with("// A typed client of Leantime-style tickets API"),
        "{}",
        &owner[..300]
    );
    assert!(owner.contains(&format!("// Source: rpc.discover at {}\n", server.url)));
    assert!(owner.contains("export class TicketsClient extends RpcClientCore {"));
    assert!(owner.contains("        getTicket: RpcFn<K, \"leantime.rpc.tickets.getTicket\">;\n"));
    assert!(owner.contains("        addTicket: RpcFn<K, \"leantime.rpc.tickets.addTicket\">;\n"));
    assert!(owner.contains("  \"leantime.rpc.tickets.getTicket\": {\n    params: {\n      id: number;\n    };\n    optional: false;\n    result: Ticket;\n  };"));
    assert!(owner.contains("\nexport type Ticket = {\n"));

    // A readonly key's document has no write method, and so neither has its client.
    let readonly = server.create_key(&["--role", "readonly"]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("client.ts");
    let out_arg = out.to_str().unwrap();
    let (ok, stdout, err) = typescript(
        &server,
        Some(&readonly),
        &["--class", "ReadClient", "--out", out_arg],
    );
    assert!(ok && stdout.is_empty(), "{err}");
    let module = std::fs::read_to_string(&out).unwrap();
    assert!(module.contains("export class ReadClient extends RpcClientCore {"));
    assert!(module.contains("getTicket: RpcFn<K, \"leantime.rpc.tickets.getTicket\">;"));
    assert!(
        !module.contains("addTicket"),
        "a write method for a readonly key"
    );

    // A saved answer gives the same module, but for its header's source line.
    let saved = dir.path().join("openrpc.json");
    let document = support::discover(&server, &server.owner).await;
    let answer = serde_json::json!({"jsonrpc": "2.0", "result": document, "id": 1});
    std::fs::write(&saved, answer.to_string()).unwrap();
    let (ok, from_file, err) = typescript(&server, None, &["--document", saved.to_str().unwrap()]);
    assert!(ok, "{err}");
    let body = |module: &str| module.split_once("\n\n").unwrap().1.to_owned();
    assert_eq!(body(&from_file), body(&owner));

    // No key: the server lists nothing and says so.
    let (ok, _, err) = typescript(&server, None, &[]);
    assert!(!ok);
    assert!(
        err.contains("rpc.discover at") && err.contains("-32001"),
        "{err}"
    );
    let (ok, _, err) = typescript(&server, Some(&server.owner), &["--class", "my-client"]);
    assert!(!ok);
    assert!(
        err.contains("`my-client` is not a usable TypeScript identifier"),
        "{err}"
    );
}
