//! Leantime's API as its clients call it: the calls `leantime-mcp` 2.9.0 makes (ids as strings,
//! `values`/`params`/`searchCriteria` objects, capitalized service names), and project
//! isolation for every domain: a key limited to project 1 gets -32002 or an empty list for
//! anything of project 2, and changes nothing there.

mod support;

use serde_json::{Value, json};
use support::TicketsServer;

/// Ids as `leantime-mcp` sends them: JSON strings.
fn s(id: &Value) -> String {
    id.as_i64().expect("an integer id").to_string()
}

#[tokio::test]
async fn leantime_mcp_calls_succeed_on_a_fresh_server() {
    let server = TicketsServer::start(&[]);
    let key = server.owner.clone();
    let ok = |method: &'static str, params: Value| {
        let server = &server;
        let key = key.clone();
        async move { server.ok(&key, method, params).await }
    };
    // Users: not empty on a fresh server (the key is a user of its own).
    let users = ok("users.getAll", json!({})).await;
    let me = users[0]["id"].clone();
    assert!(me.is_i64() && users[0]["firstname"].is_string(), "{users}");
    // Clients and projects.
    let clients = ok("Clients.getAll", json!({})).await;
    let client = s(&clients[0]["id"]);
    let p = ok(
        "projects.addProject",
        json!({"values": {"name": "Website", "clientId": client, "details": "<p>x</p>", "hourBudget": 10}}),
    )
    .await;
    let pid = s(&p);
    assert_eq!(ok("Projects.getAll", json!({})).await[0]["name"], "Website");
    assert_eq!(
        ok("projects.getProject", json!({"id": pid})).await["hourBudget"],
        10.0
    );
    assert_eq!(
        ok(
            "projects.patch",
            json!({"id": pid, "params": {"name": "Site", "dollarBudget": "5"}})
        )
        .await,
        json!(true)
    );
    assert_eq!(
        ok("projects.findProject", json!({"term": "Sit"})).await[0]["id"],
        p
    );
    assert_eq!(
        ok("projects.getProjectProgress", json!({"projectId": pid})).await["percent"],
        0.0
    );
    assert_eq!(
        ok("projects.getProjectProgress", json!({"id": pid})).await["totalTickets"],
        0
    );
    // As in Leantime, the author of a project is its first member.
    let members = ok(
        "projects.getUsersAssignedToProject",
        json!({"projectId": pid}),
    )
    .await;
    assert_eq!(members.as_array().map(Vec::len), Some(1), "{members}");
    assert_eq!(members[0]["id"], me, "{members}");
    // Labels.
    let labels = ok("tickets.getStatusLabels", json!({"projectId": pid})).await;
    assert_eq!(labels["3"]["name"], "New");
    assert_eq!(labels["0"]["statusType"], "DONE");
    assert_eq!(labels["1"]["class"], "label-important");
    assert_eq!(
        ok("tickets.getPriorityLabels", json!({})).await["1"],
        "Critical"
    );
    assert_eq!(ok("tickets.getEffortLabels", json!({})).await["13"], "XXL");
    assert!(
        ok("tickets.getKanbanColumns", json!({}))
            .await
            .get("-1")
            .is_none()
    );
    assert_eq!(
        ok("tickets.getTicketTypes", json!({})).await,
        json!(["task", "subtask", "story", "bug"])
    );
    // Milestones, sprints, tickets.
    let m = ok(
        "tickets.addTicket",
        json!({"values": {"headline": "v1", "type": "milestone", "projectId": pid, "editorId": s(&me), "dateToFinish": "2030-01-31"}}),
    )
    .await;
    let sprint = ok(
        "sprints.addSprint",
        json!({"params": {"name": "S1", "startDate": "2020-01-01", "endDate": "2099-12-31", "projectId": pid}}),
    )
    .await;
    let got = ok("sprints.getSprint", json!({"id": s(&sprint)})).await;
    assert_eq!(
        (got["startDate"].clone(), got["projectId"].clone()),
        (json!("2020-01-01 00:00:00"), p.clone())
    );
    assert_eq!(
        ok(
            "sprints.editSprint",
            json!({"params": {"id": s(&sprint), "projectId": got["projectId"], "name": "S1b", "startDate": "2020-01-01", "endDate": "2099-12-31"}}),
        )
        .await,
        json!(true)
    );
    assert_eq!(
        ok("sprints.getAllSprints", json!({"projectId": pid})).await[0]["name"],
        "S1b"
    );
    let t = ok(
        "tickets.addTicket",
        json!({"values": {"headline": "Fix login", "projectId": pid, "description": "<p>d</p>", "type": "bug",
            "priority": 2, "status": 3, "editorId": s(&me), "tags": "auth", "storypoints": 3,
            "dateToFinish": "2030-01-15", "planHours": 4, "milestoneid": s(&m), "sprint": s(&sprint)}}),
    )
    .await;
    let sub = ok(
        "tickets.addTicket",
        json!({"values": {"headline": "Sub", "projectId": pid, "type": "subtask", "dependingTicketId": s(&t)}}),
    )
    .await;
    let ticket = ok("tickets.getTicket", json!({"id": s(&t)})).await;
    for (field, want) in [
        ("milestoneid", m.clone()),
        ("sprint", sprint.clone()),
        ("editorId", me.clone()),
        ("priority", json!(2)),
        ("status", json!(3)),
        ("storypoints", json!(3.0)),
        ("dateToFinish", json!("2030-01-15 00:00:00")),
        ("type", json!("bug")),
    ] {
        assert_eq!(ticket[field], want, "{field}: {ticket}");
    }
    assert_eq!(
        ok("tickets.getAllSubtasks", json!({"ticketId": s(&t)})).await[0]["id"],
        sub
    );
    let list = |criteria: Value| {
        let ok = &ok;
        async move {
            ok(
                "tickets.getAll",
                json!({"searchCriteria": criteria, "limit": 500}),
            )
            .await
        }
    };
    assert_eq!(
        list(json!({"currentProject": pid}))
            .await
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        list(json!({"currentProject": pid, "type": "milestone"})).await[0]["id"],
        m
    );
    assert_eq!(
        list(json!({"currentProject": pid, "milestone": s(&m)})).await[0]["id"],
        t
    );
    assert_eq!(
        list(json!({"currentProject": pid, "sprint": s(&sprint), "users": s(&me)})).await[0]["id"],
        t
    );
    assert_eq!(
        list(json!({"currentProject": pid, "term": "login"})).await[0]["id"],
        t
    );
    assert_eq!(
        list(json!({"currentProject": pid, "status": "3,4"}))
            .await
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        list(json!({"currentProject": pid, "status": "not_done"}))
            .await
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        list(json!({"currentProject": pid, "status": "done"})).await,
        json!([])
    );
    assert_eq!(
        list(json!({"currentProject": pid, "dateFrom": "1970-01-01 00:00:00", "dateTo": "2100-01-01 00:00:00"}))
            .await
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        ok("tickets.getAllOpenUserTickets", json!({})).await[0]["id"],
        t
    );
    assert_eq!(
        ok(
            "tickets.getAllOpenUserTickets",
            json!({"userId": s(&me), "project": pid})
        )
        .await[0]["id"],
        t
    );
    assert_eq!(
        ok(
            "tickets.patch",
            json!({"id": s(&t), "params": {"status": 0, "sprint": ""}})
        )
        .await,
        json!(true)
    );
    let ticket = ok("tickets.getTicket", json!({"id": s(&t)})).await;
    assert_eq!(
        (ticket["status"].clone(), ticket["statusLabel"].clone()),
        (json!(0), json!("Done"))
    );
    assert_eq!(
        ok(
            "tickets.getMilestoneProgress",
            json!({"milestoneId": s(&m)})
        )
        .await,
        100.0
    );
    // Comments.
    let c = ok(
        "comments.addComment",
        json!({"values": {"text": "<p>hello</p>", "father": 0}, "module": "ticket", "entityId": s(&t),
               "entity": {"id": s(&t), "type": "bug", "headline": "Fix login"}}),
    )
    .await;
    let comments = ok(
        "comments.getComments",
        json!({"module": "ticket", "entityId": s(&t)}),
    )
    .await;
    assert_eq!(
        (comments[0]["id"].clone(), comments[0]["text"].clone()),
        (c.clone(), json!("<p>hello</p>"))
    );
    assert_eq!(
        ok(
            "comments.editComment",
            json!({"values": {"text": "<p>hi</p>"}, "id": s(&c)})
        )
        .await,
        json!(true)
    );
    assert_eq!(
        ok("comments.deleteComment", json!({"commentId": s(&c)})).await,
        json!(true)
    );
    assert_eq!(
        ok(
            "comments.getComments",
            json!({"module": "ticket", "entityId": s(&t)})
        )
        .await,
        json!([])
    );
    // Time.
    let params =
        json!({"kind": "GENERAL_BILLABLE", "hours": 1.5, "date": "2026-03-02", "description": "x"});
    ok(
        "timesheets.logTime",
        json!({"ticketId": s(&t), "params": params}),
    )
    .await;
    ok(
        "timesheets.logTime",
        json!({"ticketId": s(&t), "params": params}),
    )
    .await;
    assert_eq!(
        ok(
            "timesheets.getSumLoggedHoursForTicket",
            json!({"ticketId": s(&t)})
        )
        .await,
        3.0
    );
    let entry = ok(
        "timesheets.upsertTime",
        json!({"ticketId": s(&t), "params": {"kind": "TESTING", "hours": 2, "date": "2026-03-03"}}),
    )
    .await;
    let by_date = ok(
        "timesheets.getLoggedHoursForTicketByDate",
        json!({"ticketId": s(&t)}),
    )
    .await;
    assert_eq!(
        by_date,
        json!([
            {"utc": "2026-03-02", "summe": 3.0, "year": "2026", "month": "03"},
            {"utc": "2026-03-03", "summe": 2.0, "year": "2026", "month": "03"}
        ])
    );
    let sheets = ok(
        "timesheets.getAll",
        json!({"dateFrom": "2026-03-01", "dateTo": "2026-03-03 23:59:59", "projectId": pid}),
    )
    .await;
    assert_eq!(sheets.as_array().unwrap().len(), 2, "{sheets}");
    assert_eq!(
        (
            sheets[1]["id"].clone(),
            sheets[1]["ticketId"].clone(),
            sheets[1]["hours"].clone()
        ),
        (entry.clone(), t.clone(), json!(2.0))
    );
    assert_eq!(
        ok("timesheets.deleteTime", json!({"id": s(&entry)})).await,
        json!(true)
    );
    // Deletes.
    assert_eq!(
        ok("tickets.deleteMilestone", json!({"id": s(&m)})).await,
        json!(true)
    );
    assert_eq!(
        ok("tickets.getTicket", json!({"id": s(&t)})).await["milestoneid"],
        Value::Null
    );
    assert_eq!(
        ok("tickets.delete", json!({"id": s(&sub)})).await,
        json!(true)
    );
}

#[tokio::test]
async fn ticket_ids_are_never_reused() {
    let server = TicketsServer::start(&[]);
    let p = support::project(&server, "P").await;
    let a = support::ticket(&server, p, "a").await;
    let b = support::ticket(&server, p, "b").await;
    server
        .ok(&server.owner, "tickets.delete", json!({"id": b}))
        .await;
    let c = support::ticket(&server, p, "c").await;
    assert_eq!(
        (a, b, c),
        (1, 2, 3),
        "a deleted highest id is not issued again"
    );
}

#[tokio::test]
async fn a_page_has_a_default_size_and_a_limit() {
    let server = TicketsServer::start(&[]);
    let p = support::project(&server, "P").await;
    let batch: Vec<Value> = (0..105)
        .map(|i| json!({"jsonrpc": "2.0", "method": "leantime.rpc.tickets.addTicket",
                        "params": {"values": {"projectId": p, "headline": format!("t{i}")}}, "id": i}))
        .collect();
    server
        .post(Some(&server.owner), &Value::from(batch).to_string())
        .await;
    let all = |params: Value| server.ok(&server.owner, "tickets.getAll", params);
    assert_eq!(all(json!({})).await.as_array().unwrap().len(), 100);
    assert_eq!(all(json!({"limit": 3})).await.as_array().unwrap().len(), 3);
    assert_eq!(
        all(json!({"limit": "200"})).await.as_array().unwrap().len(),
        105
    );
}

/// Everything of project two, made by the owner; then a key limited to project one.
#[tokio::test]
async fn a_key_limited_to_one_project_never_reaches_another() {
    let server = TicketsServer::start(&[]);
    let owner = server.owner.clone();
    let p1 = support::project(&server, "one").await;
    let p2 = support::project(&server, "two").await;
    let t1 = support::ticket(&server, p1, "mine").await;
    let t2 = support::ticket(&server, p2, "theirs").await;
    let m2 = server
        .ok(
            &owner,
            "tickets.addTicket",
            json!({"values": {"projectId": p2, "headline": "M", "type": "milestone"}}),
        )
        .await;
    let s2 = server
        .ok(&owner, "sprints.addSprint", json!({"params": {"projectId": p2, "name": "S", "startDate": "2020-01-01", "endDate": "2099-01-01"}}))
        .await;
    let c2 = server
        .ok(
            &owner,
            "comments.addComment",
            json!({"values": {"text": "secret"}, "module": "ticket", "entityId": t2}),
        )
        .await;
    let pc2 = server
        .ok(
            &owner,
            "comments.addComment",
            json!({"values": {"text": "secret"}, "module": "project", "entityId": p2}),
        )
        .await;
    let e2 = server
        .ok(
            &owner,
            "timesheets.logTime",
            json!({"ticketId": t2, "params": {"hours": 1, "date": "2026-01-01"}}),
        )
        .await;
    let client2 = server
        .ok(
            &owner,
            "clients.create",
            json!({"values": {"name": "Other"}}),
        )
        .await;
    server
        .ok(
            &owner,
            "projects.patch",
            json!({"id": p2, "params": {"clientId": client2}}),
        )
        .await;
    let u2 = server
        .ok(
            &owner,
            "users.addUser",
            json!({"values": {"user": "bob@example.com", "firstname": "Bob"}}),
        )
        .await;
    server
        .ok(
            &owner,
            "projects.addUserToProject",
            json!({"userId": u2, "projectId": p2}),
        )
        .await;
    server
        .ok(
            &owner,
            "tickets.patch",
            json!({"id": t2, "params": {"editorId": u2}}),
        )
        .await;

    let k = server.create_key(&["--role", "owner", "--project", &p1.to_string()]);
    // The scoped key's own ticket works.
    assert_eq!(
        server.ok(&k, "tickets.getTicket", json!({"id": t1})).await["headline"],
        "mine"
    );

    let not_found = [
        ("tickets.getTicket", json!({"id": t2})),
        ("tickets.getMilestone", json!({"id": m2})),
        ("tickets.getMilestoneProgress", json!({"milestoneId": m2})),
        (
            "tickets.updateTicket",
            json!({"values": {"id": t2, "headline": "x"}}),
        ),
        (
            "tickets.patch",
            json!({"id": t2, "params": {"headline": "x"}}),
        ),
        (
            "tickets.patchTicket",
            json!({"id": t2, "values": {"headline": "x"}}),
        ),
        ("tickets.markTicketDone", json!({"id": t2})),
        ("tickets.markTicketReopen", json!({"id": t2})),
        ("tickets.moveTicket", json!({"id": t2, "projectId": p1})),
        ("tickets.delete", json!({"id": t2})),
        ("tickets.deleteTicket", json!({"id": t2})),
        ("tickets.deleteMilestone", json!({"id": m2})),
        ("projects.getProject", json!({"id": p2})),
        ("projects.getProjectProgress", json!({"projectId": p2})),
        ("projects.patch", json!({"id": p2, "params": {"name": "x"}})),
        (
            "projects.editProject",
            json!({"id": p2, "values": {"name": "x"}}),
        ),
        ("projects.deleteProject", json!({"id": p2})),
        ("sprints.getSprint", json!({"id": s2})),
        (
            "sprints.editSprint",
            json!({"params": {"id": s2, "name": "x"}}),
        ),
        ("sprints.deleteSprint", json!({"id": s2})),
        (
            "comments.addComment",
            json!({"values": {"text": "x"}, "module": "ticket", "entityId": t2}),
        ),
        (
            "comments.addComment",
            json!({"values": {"text": "x"}, "module": "project", "entityId": p2}),
        ),
        (
            "comments.editComment",
            json!({"values": {"text": "x"}, "id": c2}),
        ),
        ("comments.deleteComment", json!({"commentId": pc2})),
        (
            "timesheets.logTime",
            json!({"ticketId": t2, "params": {"hours": 1}}),
        ),
        (
            "timesheets.upsertTime",
            json!({"ticketId": t2, "params": {"hours": 1}}),
        ),
        ("timesheets.getTimesheet", json!({"id": e2})),
        ("timesheets.deleteTime", json!({"id": e2})),
        (
            "timesheets.getSumLoggedHoursForTicket",
            json!({"ticketId": t2}),
        ),
        (
            "timesheets.getLoggedHoursForTicketByDate",
            json!({"ticketId": t2}),
        ),
        (
            "timesheets.getUsersTicketHours",
            json!({"ticketId": t2, "userId": 1}),
        ),
        ("users.getUser", json!({"id": u2})),
        ("users.getUserByEmail", json!({"email": "bob@example.com"})),
        ("clients.get", json!({"id": client2})),
    ];
    for (method, params) in not_found {
        let code = server.err(&k, method, params.clone()).await;
        assert!(
            code == -32002 || code == -32001,
            "{method} {params}: {code}"
        );
    }
    let forbidden = [
        (
            "tickets.addTicket",
            json!({"values": {"projectId": p2, "headline": "x"}}),
        ),
        (
            "tickets.quickAddMilestone",
            json!({"params": {"projectId": p2, "headline": "x"}}),
        ),
        ("tickets.getStatusLabels", json!({"projectId": p2})),
        (
            "sprints.addSprint",
            json!({"params": {"projectId": p2, "name": "x"}}),
        ),
        ("projects.addProject", json!({"values": {"name": "x"}})),
        (
            "projects.getUsersAssignedToProject",
            json!({"projectId": p2}),
        ),
        (
            "projects.addUserToProject",
            json!({"userId": u2, "projectId": p2}),
        ),
        (
            "projects.duplicateProject",
            json!({"projectId": p2, "clientId": 1, "projectName": "x"}),
        ),
        (
            "users.addUser",
            json!({"values": {"user": "x@example.com"}}),
        ),
        ("clients.create", json!({"values": {"name": "x"}})),
        (
            "clients.patch",
            json!({"id": client2, "params": {"name": "x"}}),
        ),
    ];
    for (method, params) in forbidden {
        assert_eq!(
            server.err(&k, method, params.clone()).await,
            -32001,
            "{method} {params}"
        );
    }
    let empty = [
        ("tickets.getAll", json!({})),
        (
            "tickets.getAll",
            json!({"searchCriteria": {"currentProject": p2}}),
        ),
        (
            "tickets.getAll",
            json!({"searchCriteria": {"currentProject": p2, "type": "milestone"}}),
        ),
        (
            "tickets.getAll",
            json!({"searchCriteria": {"term": "theirs"}}),
        ),
        ("tickets.getAllMilestones", json!({})),
        (
            "tickets.getAllMilestonesOverview",
            json!({"includeArchived": true}),
        ),
        ("tickets.getAllSubtasks", json!({"ticketId": t2})),
        ("tickets.getAllOpenUserTickets", json!({"userId": u2})),
        (
            "tickets.getAllOpenUserTickets",
            json!({"userId": u2, "project": p2}),
        ),
        (
            "tickets.findTicket",
            json!({"term": "theirs", "projectId": p1}),
        ),
        ("sprints.getAllSprints", json!({})),
        ("sprints.getAllSprints", json!({"projectId": p2})),
        ("sprints.getAllFutureSprints", json!({"projectId": p2})),
        (
            "comments.getComments",
            json!({"module": "ticket", "entityId": t2}),
        ),
        (
            "comments.getComments",
            json!({"module": "project", "entityId": p2}),
        ),
        (
            "timesheets.getAll",
            json!({"dateFrom": "2000-01-01", "dateTo": "2100-01-01"}),
        ),
        (
            "timesheets.getAll",
            json!({"dateFrom": "2000-01-01", "dateTo": "2100-01-01", "projectId": p2}),
        ),
        ("projects.getProjectIdAssignedToUser", json!({"userId": u2})),
        ("clients.getClientProjects", json!({"clientId": client2})),
    ];
    for (method, params) in empty {
        let got = server.ok(&k, method, params.clone()).await;
        let leaked = got.as_array().is_some_and(|a| !a.is_empty())
            && !(method == "tickets.getAll"
                && got.as_array().unwrap().iter().all(|t| t["projectId"] == p1));
        assert!(!leaked, "{method} {params}: {got}");
    }
    assert_eq!(
        server
            .ok(&k, "tickets.getAll", json!({}))
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        server
            .ok(&k, "sprints.getCurrentSprintId", json!({"projectId": p2}))
            .await,
        Value::Null
    );
    // Lists of people and clients hold nothing of project two.
    let names: Vec<Value> = server
        .ok(&k, "users.getAll", json!({}))
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].clone())
        .collect();
    assert!(!names.contains(&json!("bob@example.com")), "{names:?}");
    let clients = server.ok(&k, "clients.getAll", json!({})).await;
    assert!(
        clients
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"] != client2),
        "{clients}"
    );
    // Nothing of project two changed.
    let t = server
        .ok(&owner, "tickets.getTicket", json!({"id": t2}))
        .await;
    assert_eq!(
        (
            t["headline"].clone(),
            t["projectId"].clone(),
            t["status"].clone()
        ),
        (json!("theirs"), json!(p2), json!(3))
    );
    assert_eq!(
        server
            .ok(&owner, "sprints.getSprint", json!({"id": s2}))
            .await["name"],
        "S"
    );
    assert_eq!(
        server
            .ok(
                &owner,
                "timesheets.getSumLoggedHoursForTicket",
                json!({"ticketId": t2})
            )
            .await,
        1.0
    );
    assert_eq!(
        server
            .ok(
                &owner,
                "comments.getComments",
                json!({"module": "project", "entityId": p2})
            )
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        server
            .ok(&owner, "projects.getProject", json!({"id": p2}))
            .await["name"],
        "two"
    );
    assert_eq!(
        server
            .ok(&owner, "tickets.getTicket", json!({"id": m2}))
            .await["type"],
        "milestone"
    );
}

#[tokio::test]
async fn both_name_forms_and_any_case_resolve() {
    let server = TicketsServer::start(&[]);
    let p = support::project(&server, "P").await;
    let t = support::ticket(&server, p, "t").await;
    for method in [
        "tickets.getTicket",
        "Tickets.Tickets.getTicket",
        "tickets.tickets.getTicket",
        "Tickets.getTicket",
    ] {
        assert_eq!(
            server
                .ok(&server.owner, method, json!({"id": t.to_string()}))
                .await["id"],
            t,
            "{method}"
        );
    }
    for method in [
        "Projects.getAll",
        "Projects.Projects.getAll",
        "Clients.getAll",
        "Clients.Clients.getAll",
        "Users.Users.getAll",
    ] {
        assert!(
            server.ok(&server.owner, method, json!({})).await.is_array(),
            "{method}"
        );
    }
}

#[tokio::test]
async fn roles_guard_the_new_domains() {
    let server = TicketsServer::start(&[]);
    let p = support::project(&server, "P").await;
    let t = support::ticket(&server, p, "t").await;
    let readonly = server.create_key(&["--role", "readonly"]);
    let commenter = server.create_key(&["--role", "commenter"]);
    let editor = server.create_key(&["--role", "editor"]);
    for (method, params) in [
        (
            "comments.addComment",
            json!({"values": {"text": "x"}, "module": "ticket", "entityId": t}),
        ),
        (
            "timesheets.logTime",
            json!({"ticketId": t, "params": {"hours": 1}}),
        ),
        (
            "sprints.addSprint",
            json!({"params": {"projectId": p, "name": "S"}}),
        ),
        (
            "users.addUser",
            json!({"values": {"user": "a@example.com"}}),
        ),
        ("clients.create", json!({"values": {"name": "C"}})),
    ] {
        assert_eq!(
            server.err(&readonly, method, params).await,
            -32001,
            "{method}"
        );
    }
    let c = server
        .ok(
            &commenter,
            "comments.addComment",
            json!({"values": {"text": "x"}, "module": "ticket", "entityId": t}),
        )
        .await;
    assert_eq!(
        server
            .err(
                &commenter,
                "timesheets.logTime",
                json!({"ticketId": t, "params": {"hours": 1}})
            )
            .await,
        -32001
    );
    // Another commenter's comment is not the editor's to change (a manager's would be).
    assert_eq!(
        server
            .err(&editor, "comments.deleteComment", json!({"commentId": c}))
            .await,
        -32002
    );
    assert_eq!(
        server
            .ok(
                &server.owner,
                "comments.deleteComment",
                json!({"commentId": c})
            )
            .await,
        json!(true)
    );
    assert_eq!(
        server
            .err(
                &editor,
                "users.addUser",
                json!({"values": {"user": "a@example.com"}})
            )
            .await,
        -32001
    );
    assert_eq!(
        server
            .err(&editor, "sprints.deleteSprint", json!({"id": 1}))
            .await,
        -32001
    );
    // Hours: at most 24 a day per ticket and kind.
    assert_eq!(
        server
            .err(
                &editor,
                "timesheets.logTime",
                json!({"ticketId": t, "params": {"hours": 25}})
            )
            .await,
        -32602
    );
    server
        .ok(
            &editor,
            "timesheets.logTime",
            json!({"ticketId": t, "params": {"hours": 20, "date": "2026-01-01"}}),
        )
        .await;
    assert_eq!(
        server
            .err(
                &editor,
                "timesheets.logTime",
                json!({"ticketId": t, "params": {"hours": 5, "date": "2026-01-01"}})
            )
            .await,
        -32602
    );
    assert_eq!(
        server
            .ok(
                &editor,
                "timesheets.getSumLoggedHoursForTicket",
                json!({"ticketId": t})
            )
            .await,
        20.0
    );
}

#[tokio::test]
async fn users_cli_adds_people_that_the_api_lists() {
    let server = TicketsServer::start(&[]);
    let p = support::project(&server, "P").await;
    let out = std::process::Command::new(support::BIN)
        .args([
            "users",
            "add",
            "--email",
            "ada@example.com",
            "--firstname",
            "Ada",
            "--role",
            "manager",
            "--project",
        ])
        .arg(p.to_string())
        .args(server.store_args())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id: i64 = String::from_utf8(out.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let users = server.ok(&server.owner, "users.getAll", json!({})).await;
    let ada = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == id)
        .unwrap()
        .clone();
    assert_eq!(
        (
            ada["firstname"].clone(),
            ada["role"].clone(),
            ada["source"].clone()
        ),
        (json!("Ada"), json!(30), json!(""))
    );
    let members = server
        .ok(
            &server.owner,
            "projects.getUsersAssignedToProject",
            json!({"projectId": p}),
        )
        .await;
    // The project's author (the owner key's user) and the user added with `--project`.
    let ids: Vec<&Value> = members
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["id"])
        .collect();
    assert!(ids.contains(&&json!(id)) && ids.len() == 2, "{members}");
    let out = std::process::Command::new(support::BIN)
        .args(["users", "list"])
        .args(server.store_args())
        .output()
        .unwrap();
    let listed = String::from_utf8(out.stdout).unwrap();
    assert!(
        listed.contains("ada@example.com") && listed.contains("\tapi\t"),
        "{listed}"
    );
    // The same user name again is refused.
    let again = std::process::Command::new(support::BIN)
        .args(["users", "add", "--email", "ADA@example.com"])
        .args(server.store_args())
        .output()
        .unwrap();
    assert!(!again.status.success());
}

#[tokio::test]
async fn unknown_params_are_ignored_as_leantime_does() {
    let server = TicketsServer::start(&[]);
    let key = server.owner.clone();
    let p = support::project(&server, "P").await;
    let t = support::ticket(&server, p, "t").await;
    // Extras real clients send: `projectId` on label lookups, `limit`, `dryRun` leftovers, typos.
    assert_eq!(
        server
            .ok(
                &key,
                "tickets.getTicketTypes",
                json!({"projectId": p.to_string()})
            )
            .await,
        json!(["task", "subtask", "story", "bug"])
    );
    assert_eq!(
        server
            .ok(&key, "tickets.getTicket", json!({"id": t, "dryRun": true}))
            .await["id"],
        t
    );
    assert!(
        server
            .ok(
                &key,
                "projects.getAll",
                json!({"showClosedProjects": true, "extra": 1})
            )
            .await
            .is_array()
    );
    assert!(
        server
            .ok(
                &key,
                "users.getAll",
                json!({"activeOnly": true, "foo": "bar"})
            )
            .await
            .is_array()
    );
    assert_eq!(
        server
            .ok(
                &key,
                "tickets.addTicket",
                json!({"values": {"projectId": p, "headline": "x"}, "dryRun": false})
            )
            .await,
        json!(t + 1)
    );
    // An ignored param still binds nothing: the ticket's project is untouched by a stray one.
    server
        .ok(
            &key,
            "tickets.patch",
            json!({"id": t, "params": {"headline": "y"}, "projectId": 77}),
        )
        .await;
    assert_eq!(
        server.ok(&key, "tickets.getTicket", json!({"id": t})).await["projectId"],
        p
    );
    // Discovery says so.
    let doc = support::discover(&server, &key).await;
    let add = doc["methods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "leantime.rpc.tickets.addTicket")
        .unwrap()
        .clone();
    assert_eq!(add["x-unknown-params"], "ignore", "{add}");
}
