//! The tickets API over real HTTP: the seed documentation's requests, every method, validation,
//! roles, scopes and project isolation.

mod support;

use serde_json::json;
use support::{TicketsServer, project, ticket};

#[tokio::test]
async fn the_seed_requests_work_verbatim() {
    let server = TicketsServer::start(&[]);
    assert!(
        server.owner.starts_with("lt_"),
        "first start prints an owner key"
    );
    assert!(
        server
            .stdout
            .lock()
            .unwrap()
            .contains("curl -s http://127.0.0.1:"),
        "and a curl line"
    );
    let p = project(&server, "Website").await;
    for i in 1..=9 {
        assert_eq!(ticket(&server, p, &format!("Ticket {i}")).await, i);
    }
    let (status, _, answer) = server
        .post(
            Some(&server.owner),
            r#"{"method":"leantime.rpc.tickets.getTicket","jsonrpc":"2.0","id":"1","params":{"id":"9"}}"#,
        )
        .await;
    let answer = answer.unwrap();
    assert_eq!(status, 200);
    assert_eq!(answer["id"], "1");
    assert_eq!(answer["result"]["id"], 9);
    assert_eq!(answer["result"]["headline"], "Ticket 9");

    let get = format!(
        "{}/?method=leantime.rpc.tickets.getTicket&jsonrpc=2.0&id=1&params=eyJpZCI6IjkifQ%3D%3D",
        server.url.replace("/api/jsonrpc", "/api/jsonRPC")
    );
    let response = server
        .client
        .get(&get)
        .header("x-api-key", &server.owner)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let answer: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        (answer["id"].clone(), answer["result"]["id"].clone()),
        (json!(1), json!(9))
    );
}

#[tokio::test]
async fn every_method_round_trips() {
    let server = TicketsServer::start(&[]);
    let key = server.owner.clone();
    let p = server
        .ok(
            &key,
            "projects.addProject",
            json!({"values": {"name": "Ops", "details": "on call"}}),
        )
        .await;
    let got = server
        .ok(&key, "projects.getProject", json!({"id": p}))
        .await;
    assert_eq!(
        (
            &got["id"],
            &got["name"],
            &got["details"],
            &got["clientId"],
            &got["state"]
        ),
        (&p, &json!("Ops"), &json!("on call"), &json!(1), &json!(0)),
        "{got}"
    );
    assert_eq!(got["clientName"], "Default client");
    assert_eq!(
        server
            .ok(&key, "projects.getAll", json!({}))
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let t = server
        .ok(
            &key,
            "tickets.addTicket",
            json!({"values": {"projectId": p, "headline": "Disk full", "description": "db01", "status": "1"}}),
        )
        .await;
    let got = server.ok(&key, "tickets.getTicket", json!({"id": t})).await;
    assert_eq!(
        (
            got["projectId"].clone(),
            got["headline"].clone(),
            got["description"].clone(),
            got["status"].clone(),
            got["statusLabel"].clone(),
            got["type"].clone(),
        ),
        (
            p.clone(),
            json!("Disk full"),
            json!("db01"),
            json!(1),
            json!("Blocked"),
            json!("task"),
        )
    );
    let date = got["date"].as_str().unwrap();
    assert_eq!(
        (date.len(), &date[10..11]),
        (19, " "),
        "Y-m-d H:i:s: {date}"
    );
    assert!(
        got["userId"].as_i64().is_some(),
        "the key's user wrote it: {got}"
    );
    assert_eq!(
        server
            .ok(
                &key,
                "tickets.updateTicket",
                json!({"values": {"id": t, "status": 0}})
            )
            .await,
        json!(true)
    );
    assert_eq!(
        server
            .ok(
                &key,
                "tickets.getAll",
                json!({"searchCriteria": {"status": "done"}})
            )
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        server
            .ok(
                &key,
                "tickets.getAll",
                json!({"searchCriteria": {"currentProject": p, "status": "3"}})
            )
            .await,
        json!([])
    );
    assert_eq!(
        server
            .ok(&key, "tickets.deleteTicket", json!({"id": t}))
            .await,
        json!(true)
    );
    assert_eq!(
        server
            .err(&key, "tickets.getTicket", json!({"id": t}))
            .await,
        -32002
    );
    assert_eq!(
        server
            .err(
                &key,
                "tickets.patch",
                json!({"id": t, "params": {"headline": "x"}})
            )
            .await,
        -32002
    );
    assert_eq!(
        server.err(&key, "tickets.delete", json!({"id": t})).await,
        -32002
    );
    assert_eq!(
        server
            .err(&key, "projects.getProject", json!({"id": 99}))
            .await,
        -32002
    );
}

#[tokio::test]
async fn bad_input_names_the_field_and_the_reason() {
    let server = TicketsServer::start(&[]);
    let key = server.owner.clone();
    let p = project(&server, "P").await;
    for (values, param, reason) in [
        (
            json!({"projectId": p, "headline": "  "}),
            "values.headline",
            "must not be empty",
        ),
        (
            json!({"projectId": 77, "headline": "x"}),
            "values.projectId",
            "no such project",
        ),
        (
            json!({"projectId": p, "headline": "x", "status": 9}),
            "status",
            "unknown status 9",
        ),
        (
            json!({"projectId": p, "headline": "x", "status": "bogus"}),
            "values",
            "expected an integer",
        ),
        (json!({"projectId": p}), "values.headline", "is required"),
        (json!({"headline": "x"}), "values.projectId", "is required"),
        (
            json!({"projectId": "one", "headline": "x"}),
            "values",
            "expected an integer",
        ),
        (
            json!({"projectId": p, "headline": "x", "dateToFinish": "soon"}),
            "dateToFinish",
            "expected a date",
        ),
    ] {
        let params = json!({"values": values});
        let (status, answer) = server.call(&key, "tickets.addTicket", params.clone()).await;
        assert_eq!(
            (status, answer["error"]["code"].clone()),
            (200, json!(-32602)),
            "{params}: {answer}"
        );
        assert_eq!(
            answer["error"]["data"]["param"], param,
            "{params}: {answer}"
        );
        assert!(
            answer["error"]["data"]["reason"]
                .as_str()
                .unwrap()
                .contains(reason),
            "{params}: {answer}"
        );
    }
    let (_, answer) = server
        .call(&key, "tickets.getAll", json!({"limit": 10_001}))
        .await;
    assert_eq!(answer["error"]["data"]["param"], "limit", "{answer}");
}

/// PostgreSQL cannot store NUL (U+0000) in text, so no backend takes it: every call that would
/// pass such text to the store is refused naming the param, and nothing is written.
#[tokio::test]
async fn text_holding_nul_is_refused_on_every_backend() {
    let server = TicketsServer::start(&[]);
    let key = server.owner.clone();
    let p = project(&server, "P").await;
    let t = ticket(&server, p, "t").await;
    let nul = "a\u{0}b";
    for (method, params, param) in [
        (
            "tickets.addTicket",
            json!({"values": {"projectId": p, "headline": nul}}),
            "values",
        ),
        (
            "tickets.patch",
            json!({"id": t, "params": {"description": nul}}),
            "params",
        ),
        (
            "projects.addProject",
            json!({"values": {"name": nul}}),
            "values",
        ),
        (
            "tickets.findTicket",
            json!({"term": nul, "projectId": p}),
            "term",
        ),
        ("projects.findProject", json!({"term": nul}), "term"),
        ("users.getUserByEmail", json!({"email": nul}), "email"),
        (
            "projects.duplicateProject",
            json!({"projectId": p, "clientId": 1, "projectName": nul}),
            "projectName",
        ),
        (
            "comments.addComment",
            json!({"values": {"text": nul}, "module": "ticket", "entityId": t}),
            "values",
        ),
        (
            "timesheets.getAll",
            json!({"dateFrom": "2026-01-01", "dateTo": "2026-12-31", "kind": nul}),
            "kind",
        ),
    ] {
        let (status, answer) = server.call(&key, method, params.clone()).await;
        assert_eq!(
            (status, answer["error"]["code"].clone()),
            (200, json!(-32602)),
            "{method} {params}: {answer}"
        );
        assert_eq!(
            answer["error"]["data"]["param"], param,
            "{method} {params}: {answer}"
        );
        assert!(
            answer["error"]["data"]["reason"]
                .as_str()
                .unwrap()
                .contains("NUL (U+0000)"),
            "{method} {params}: {answer}"
        );
    }
    let all = server.ok(&key, "tickets.getAll", json!({})).await;
    assert_eq!(all.as_array().unwrap().len(), 1, "{all}");
    assert_eq!(all[0]["description"], "", "{all}");
    let projects = server.ok(&key, "projects.getAll", json!({})).await;
    assert_eq!(projects.as_array().unwrap().len(), 1, "{projects}");
}

#[tokio::test]
async fn a_project_scoped_key_sees_and_touches_only_its_projects() {
    let server = TicketsServer::start(&[]);
    let (p1, p2) = (project(&server, "one").await, project(&server, "two").await);
    let (t1, t2) = (
        ticket(&server, p1, "mine").await,
        ticket(&server, p2, "theirs").await,
    );
    let scoped = server.create_key(&["--role", "manager", "--project", &p1.to_string()]);

    let projects = server.ok(&scoped, "projects.getAll", json!({})).await;
    assert_eq!(
        projects
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].clone())
            .collect::<Vec<_>>(),
        vec![json!(p1)]
    );
    assert_eq!(
        server
            .ok(&scoped, "tickets.getAll", json!({}))
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        server
            .ok(
                &scoped,
                "tickets.getAll",
                json!({"searchCriteria": {"currentProject": p2}}),
            )
            .await,
        json!([])
    );
    assert_eq!(
        server
            .ok(&scoped, "tickets.getTicket", json!({"id": t1}))
            .await["headline"],
        "mine"
    );
    // Another project's objects answer exactly like missing ones: no existence oracle.
    for (method, params, code) in [
        ("projects.getProject", json!({"id": p2}), -32002),
        ("tickets.getTicket", json!({"id": t2}), -32002),
        (
            "tickets.updateTicket",
            json!({"values": {"id": t2, "headline": "pwned"}}),
            -32002,
        ),
        ("tickets.deleteTicket", json!({"id": t2}), -32002),
        (
            "tickets.addTicket",
            json!({"values": {"projectId": p2, "headline": "x"}}),
            -32001,
        ),
        (
            "projects.addProject",
            json!({"values": {"name": "three"}}),
            -32001,
        ),
    ] {
        assert_eq!(server.err(&scoped, method, params).await, code, "{method}");
    }
    // Nothing changed in project two.
    assert_eq!(
        server
            .ok(&server.owner, "tickets.getTicket", json!({"id": t2}))
            .await["headline"],
        "theirs"
    );
}

#[tokio::test]
async fn roles_and_scopes_guard_every_write() {
    let server = TicketsServer::start(&[]);
    let p = project(&server, "P").await;
    let t = ticket(&server, p, "t").await;
    let readonly = server.create_key(&["--role", "readonly"]);
    let editor = server.create_key(&["--role", "editor"]);
    let read_scoped = server.create_key(&["--role", "owner", "--scope", "tickets:read"]);
    let writes = [
        ("projects.addProject", json!({"values": {"name": "x"}})),
        (
            "tickets.addTicket",
            json!({"values": {"projectId": p, "headline": "x"}}),
        ),
        (
            "tickets.updateTicket",
            json!({"values": {"id": t, "headline": "x"}}),
        ),
        ("tickets.deleteTicket", json!({"id": t})),
    ];
    for (method, params) in &writes {
        assert_eq!(
            server.err(&readonly, method, params.clone()).await,
            -32001,
            "readonly {method}"
        );
        assert_eq!(
            server.err(&read_scoped, method, params.clone()).await,
            -32001,
            "scoped {method}"
        );
    }
    assert_eq!(
        server
            .ok(&readonly, "tickets.getTicket", json!({"id": t}))
            .await["id"],
        t
    );
    // An editor may add and update tickets but not delete them or add projects.
    assert!(
        server
            .ok(
                &editor,
                "tickets.addTicket",
                json!({"values": {"projectId": p, "headline": "e"}})
            )
            .await
            .is_i64()
    );
    assert_eq!(
        server
            .ok(
                &editor,
                "tickets.updateTicket",
                json!({"values": {"id": t, "headline": "e"}})
            )
            .await,
        json!(true)
    );
    assert_eq!(
        server
            .err(&editor, "tickets.deleteTicket", json!({"id": t}))
            .await,
        -32001
    );
    assert_eq!(
        server
            .err(
                &editor,
                "projects.addProject",
                json!({"values": {"name": "x"}})
            )
            .await,
        -32001
    );
}

#[tokio::test]
async fn a_batch_is_authorized_call_by_call() {
    let server = TicketsServer::start(&[]);
    let p = project(&server, "P").await;
    let t = ticket(&server, p, "t").await;
    let readonly = server.create_key(&["--role", "readonly"]);
    let batch = json!([
        {"jsonrpc": "2.0", "method": "leantime.rpc.tickets.getTicket", "params": {"id": t}, "id": "read"},
        {"jsonrpc": "2.0", "method": "leantime.rpc.tickets.deleteTicket", "params": {"id": t}, "id": "delete"},
        {"jsonrpc": "2.0", "method": "leantime.rpc.tickets.addTicket", "params": {"values": {"projectId": p, "headline": "x"}}},
        {"jsonrpc": "2.0", "method": "leantime.rpc.projects.getAll", "id": "list"}
    ]);
    let (status, _, answer) = server.post(Some(&readonly), &batch.to_string()).await;
    let answers = answer.unwrap();
    let answers = answers.as_array().unwrap();
    assert_eq!((status, answers.len()), (200, 3));
    let by_id = |id: &str| answers.iter().find(|a| a["id"] == id).unwrap().clone();
    assert_eq!(by_id("read")["result"]["id"], t);
    assert_eq!(by_id("delete")["error"]["code"], -32001);
    assert_eq!(by_id("list")["result"].as_array().unwrap().len(), 1);
    // The forbidden notification did not run.
    assert_eq!(
        server
            .ok(&server.owner, "tickets.getAll", json!({}))
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

/// `--scalar-results-in-arrays`: what clients written for Leantime 3.8 read (`result[0]`).
#[tokio::test]
async fn scalar_results_come_in_arrays_for_leantime_3_8_clients() {
    let old = TicketsServer::start(&["--scalar-results-in-arrays"]);
    let key = old.owner.clone();
    let p = old
        .ok(
            &key,
            "projects.addProject",
            json!({"values": {"name": "Old"}}),
        )
        .await;
    assert!(p.is_array(), "addProject answers [id]: {p}");
    let t = old
        .ok(
            &key,
            "tickets.addTicket",
            json!({"values": {"projectId": p[0], "headline": "Legacy"}}),
        )
        .await;
    assert_eq!(
        t.as_array().map(Vec::len),
        Some(1),
        "addTicket answers [id]: {t}"
    );
    let patched = old
        .ok(
            &key,
            "tickets.patch",
            json!({"id": t[0], "params": {"headline": "Renamed"}}),
        )
        .await;
    assert!(patched.is_array(), "patch answers [bool]: {patched}");
    // Objects are answered as they are.
    let ticket = old.ok(&key, "tickets.getTicket", json!({"id": t[0]})).await;
    assert_eq!(ticket["headline"], "Renamed");
    // Without the flag (the default), the same calls answer plain values.
    let new = TicketsServer::start(&[]);
    let p = new
        .ok(
            &new.owner,
            "projects.addProject",
            json!({"values": {"name": "New"}}),
        )
        .await;
    assert!(p.is_i64(), "addProject answers the id itself: {p}");
}
