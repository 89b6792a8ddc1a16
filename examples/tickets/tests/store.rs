//! The store suite: the domain storage of the tickets server (`tickets::store`), method by
//! method, run against both backends (every case below is a test in `sqlite::` and in
//! `postgres::`; each PostgreSQL test gets a fresh database, dropped after). The cases dwell on
//! what differs between SQLite and PostgreSQL when nobody looks: text case and collation, `LIKE`
//! wildcards, `NULL` ordering, floating-point sums, ids, transactions. `same_answers` runs one
//! long scenario on both and compares every answer, timestamps aside.
//!
//! The PostgreSQL migrations have their own tests at the end (three migrators at once on an
//! empty database, a schema newer than the build).

mod support;

use serde_json::{Value, json};
use support::pg::TestDatabase;
use tickets::model::{
    ClientValues, ProjectValues, SearchCriteria, StatusFilter, TicketValues, UserValues,
};
use tickets::store::{
    Checked, Duplicate, Filter, KeyUser, NewComment, Scope, Store, TimeEntry, When,
};
use tickets::{Db, PgDb};

/// A store on one backend, with what keeps its data alive (dropped after the store).
struct Backend {
    store: Store,
    _dir: Option<tempfile::TempDir>,
    _database: Option<TestDatabase>,
}

impl Backend {
    fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let db = Db::open(&dir.path().join("tickets.sqlite3")).expect("open SQLite");
        Self {
            store: std::sync::Arc::new(db),
            _dir: Some(dir),
            _database: None,
        }
    }

    async fn postgres() -> Self {
        let database = TestDatabase::create();
        let db = PgDb::connect(&database.url)
            .await
            .expect("connect to the test database");
        Self {
            store: std::sync::Arc::new(db),
            _dir: None,
            _database: Some(database),
        }
    }
}

/// Each case as a test on each backend.
macro_rules! on_both_backends {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    let backend = super::Backend::sqlite();
                    assert_eq!(backend.store.backend(), "sqlite");
                    super::$case(&backend.store).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $case() {
                    let backend = super::Backend::postgres().await;
                    assert_eq!(backend.store.backend(), "postgres");
                    super::$case(&backend.store).await;
                }
            )*
        }
    };
}

on_both_backends!(
    projects_are_created_listed_found_changed_and_deleted,
    ticket_references_are_checked_in_order_inside_the_project,
    a_scope_hides_every_foreign_row,
    ticket_search_folds_ascii_case_only_and_takes_wildcards_literally,
    ticket_lists_filter_and_page_by_id,
    moving_and_deleting_tickets_carry_their_rows_along,
    users_fold_ascii_case_only_and_sort_by_bytes,
    a_key_gets_one_user_however_many_calls_race,
    clients_sort_by_bytes_and_keep_their_projects,
    comments_answer_their_own_entity_and_author,
    sprints_sort_undated_first_and_tell_current_from_future,
    timesheets_add_up_to_a_day_and_sum_like_sqlite,
    duplicating_a_project_maps_its_milestones,
);

fn text(s: &str) -> Option<String> {
    Some(s.to_owned())
}

async fn person(s: &Store, username: &str, lastname: &str) -> i64 {
    let values = UserValues {
        user: text(username),
        lastname: text(lastname),
        ..UserValues::default()
    };
    s.users()
        .create(values, 20)
        .await
        .expect("create a user")
        .answer()
        .expect("a new user")
}

async fn project(s: &Store, name: &str, author: i64) -> i64 {
    let values = ProjectValues {
        name: text(name),
        ..ProjectValues::default()
    };
    s.projects()
        .create(values, author)
        .await
        .expect("create a project")
        .answer()
        .expect("a new project")
}

async fn ticket(s: &Store, project: i64, author: i64, v: TicketValues) -> i64 {
    s.tickets()
        .create(Scope::all(), project, author, v)
        .await
        .expect("create a ticket")
        .answer()
        .expect("a new ticket")
}

fn headline(h: &str) -> TicketValues {
    TicketValues {
        headline: text(h),
        ..TicketValues::default()
    }
}

async fn search(s: &Store, scope: Scope, criteria: SearchCriteria) -> Vec<i64> {
    s.tickets()
        .search(scope, criteria, 100)
        .await
        .expect("search")
        .iter()
        .map(|t| t.id)
        .collect()
}

async fn projects_are_created_listed_found_changed_and_deleted(s: &Store) {
    let me = person(s, "me@example.com", "Me").await;
    let missing_client = ProjectValues {
        name: text("P"),
        client_id: Some(99),
        ..ProjectValues::default()
    };
    assert_eq!(
        s.projects().create(missing_client, me).await.unwrap(),
        Checked::Invalid("values.clientId", "no client 99".into())
    );
    let p1 = project(s, "Alpha", me).await;
    let p2 = project(s, "Beta", me).await;
    let found = s.projects().get(Scope::all(), p1).await.unwrap().unwrap();
    assert_eq!(
        (
            found.name.as_str(),
            found.client_id,
            found.client_name.as_deref()
        ),
        ("Alpha", Some(1), Some("Default client"))
    );
    assert_eq!(
        (found.kind.as_str(), found.state, found.number_of_tickets),
        ("project", 0, 0)
    );
    assert_eq!(
        found.created.len(),
        "2026-01-01 00:00:00".len(),
        "{found:?}"
    );
    // The author is the first member.
    let members = s
        .projects()
        .members(Scope::all(), p1, false)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(members.iter().map(|m| m.id).collect::<Vec<_>>(), [me]);
    assert_eq!(members[0].project_role, None);
    // Closing hides a project from the default list.
    let close = ProjectValues {
        state: Some(-1),
        end: text("2026-12-31 00:00:00"),
        ..ProjectValues::default()
    };
    assert_eq!(
        s.projects().patch(Scope::all(), p2, close).await.unwrap(),
        Checked::Done(true)
    );
    let open: Vec<i64> = s
        .projects()
        .list(Scope::all(), false, None, 100)
        .await
        .unwrap()
        .iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(open, [p1]);
    let every = s
        .projects()
        .list(Scope::all(), true, None, 100)
        .await
        .unwrap();
    assert_eq!(every.iter().map(|p| p.id).collect::<Vec<_>>(), [p1, p2]);
    assert_eq!(every[1].end.as_deref(), Some("2026-12-31 00:00:00"));
    // Clearing a date with "".
    let clear = ProjectValues {
        end: text(""),
        ..ProjectValues::default()
    };
    s.projects().patch(Scope::all(), p2, clear).await.unwrap();
    assert_eq!(
        s.projects()
            .get(Scope::all(), p2)
            .await
            .unwrap()
            .unwrap()
            .end,
        None
    );
    let bad_client = ProjectValues {
        client_id: Some(77),
        ..ProjectValues::default()
    };
    assert_eq!(
        s.projects()
            .patch(Scope::all(), p1, bad_client)
            .await
            .unwrap(),
        Checked::Invalid("clientId", "no client 77".into())
    );
    assert_eq!(
        s.projects()
            .patch(Scope::all(), 999, ProjectValues::default())
            .await
            .unwrap(),
        Checked::Missing
    );
    // Progress counts tickets, not milestones.
    ticket(s, p1, me, headline("open")).await;
    let done = TicketValues {
        status: Some(0),
        ..headline("done")
    };
    ticket(s, p1, me, done).await;
    let milestone = TicketValues {
        kind: text("milestone"),
        ..headline("m")
    };
    ticket(s, p1, me, milestone).await;
    let (p, counts) = s
        .projects()
        .progress(Scope::all(), p1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((p.number_of_tickets, counts), (2, (2, 1)));
    assert!(
        s.projects()
            .progress(Scope::all(), 999)
            .await
            .unwrap()
            .is_none()
    );
    // Memberships.
    let other = person(s, "other@example.com", "Other").await;
    assert_eq!(
        s.projects()
            .add_member(Scope::all(), p1, other, "30".into())
            .await
            .unwrap(),
        Checked::Done(true)
    );
    assert_eq!(
        s.projects()
            .add_member(Scope::all(), p1, 999, String::new())
            .await
            .unwrap(),
        Checked::Invalid("userId", "no user 999".into())
    );
    assert_eq!(
        s.projects()
            .add_member(Scope::all(), 999, other, String::new())
            .await
            .unwrap(),
        Checked::Missing
    );
    assert_eq!(
        s.projects().of_user(Scope::all(), other).await.unwrap(),
        [p1]
    );
    assert_eq!(
        s.projects()
            .set_memberships(Scope::all(), other, vec![p2, 999])
            .await
            .unwrap(),
        Checked::Invalid("projects", "no project 999".into())
    );
    assert_eq!(
        s.projects()
            .set_memberships(Scope::all(), other, vec![p2])
            .await
            .unwrap(),
        Checked::Done(true)
    );
    assert_eq!(
        s.projects().of_user(Scope::all(), other).await.unwrap(),
        [p2]
    );
    // Deleting takes everything along.
    assert!(s.projects().delete(Scope::all(), p1).await.unwrap());
    assert!(s.projects().get(Scope::all(), p1).await.unwrap().is_none());
    assert!(!s.projects().delete(Scope::all(), p1).await.unwrap());
    assert!(
        search(s, Scope::all(), SearchCriteria::default())
            .await
            .is_empty()
    );
}

async fn ticket_references_are_checked_in_order_inside_the_project(s: &Store) {
    let me = person(s, "me@example.com", "Me").await;
    let (p1, p2) = (project(s, "P1", me).await, project(s, "P2", me).await);
    let m2 = ticket(
        s,
        p2,
        me,
        TicketValues {
            kind: text("milestone"),
            ..headline("m2")
        },
    )
    .await;
    let t2 = ticket(s, p2, me, headline("t2")).await;
    let sprint2 = s
        .sprints()
        .create(Scope::all(), p2, "S".into(), None, None)
        .await
        .unwrap()
        .answer()
        .unwrap();
    let create = |v: TicketValues| s.tickets().create(Scope::all(), p1, me, v);
    // The assignee is checked first, then the milestone, the parent and the sprint.
    let all_bad = TicketValues {
        editor_id: Some(999),
        milestone_id: Some(m2),
        depending_ticket_id: Some(t2),
        sprint: Some(sprint2),
        ..headline("x")
    };
    assert_eq!(
        create(all_bad.clone()).await.unwrap(),
        Checked::Invalid("editorId", "no user 999".into())
    );
    let v = TicketValues {
        editor_id: Some(me),
        ..all_bad
    };
    assert_eq!(
        create(v.clone()).await.unwrap(),
        Checked::Invalid("milestoneid", format!("no milestone {m2} in project {p1}"))
    );
    let v = TicketValues {
        milestone_id: Some(0),
        ..v
    };
    assert_eq!(
        create(v.clone()).await.unwrap(),
        Checked::Invalid(
            "dependingTicketId",
            format!("no ticket {t2} in project {p1}")
        )
    );
    let v = TicketValues {
        depending_ticket_id: None,
        ..v
    };
    assert_eq!(
        create(v.clone()).await.unwrap(),
        Checked::Invalid("sprint", format!("no sprint {sprint2} in project {p1}"))
    );
    let v = TicketValues {
        sprint: Some(0),
        story_points: Some(0.5),
        plan_hours: Some(1.1),
        date_to_finish: text("2026-03-01 00:00:00"),
        edit_from: text(""),
        tags: text("a,b"),
        ..v
    };
    let id = match create(v).await.unwrap() {
        Checked::Done(id) => id,
        other => panic!("{other:?}"),
    };
    let t = s.tickets().get(Scope::all(), id).await.unwrap().unwrap();
    assert_eq!(
        (t.editor_id, t.milestone_id, t.sprint, t.depending_ticket_id),
        (Some(me), None, None, None)
    );
    assert_eq!(
        (t.story_points, t.plan_hours, t.hour_remaining),
        (Some(0.5), Some(1.1), None)
    );
    assert_eq!(
        (
            t.date_to_finish.as_deref(),
            t.edit_from.as_deref(),
            t.tags.as_str()
        ),
        (Some("2026-03-01 00:00:00"), None, "a,b")
    );
    assert_eq!(
        (t.status, t.status_label.as_deref(), t.kind.as_str()),
        (3, Some("New"), "task")
    );
    assert_eq!(t.user_lastname.as_deref(), Some("Me"));
    assert_eq!(
        s.tickets()
            .create(Scope::all(), 999, me, headline("x"))
            .await
            .unwrap(),
        Checked::Invalid("values.projectId", "no such project".into())
    );
    // Patching: ids of 0 and dates of "" clear; missing fields stay.
    let clear = TicketValues {
        editor_id: Some(0),
        date_to_finish: text(""),
        ..TicketValues::default()
    };
    assert_eq!(
        s.tickets().patch(Scope::all(), id, clear).await.unwrap(),
        Checked::Done(true)
    );
    let t = s.tickets().get(Scope::all(), id).await.unwrap().unwrap();
    assert_eq!(
        (t.editor_id, t.date_to_finish, t.tags.as_str()),
        (None, None, "a,b")
    );
    let wrong_milestone = TicketValues {
        milestone_id: Some(m2),
        ..TicketValues::default()
    };
    assert_eq!(
        s.tickets()
            .patch(Scope::all(), id, wrong_milestone)
            .await
            .unwrap(),
        Checked::Invalid("milestoneid", format!("no milestone {m2} in project {p1}"))
    );
    assert_eq!(
        s.tickets()
            .patch(Scope::all(), 999, TicketValues::default())
            .await
            .unwrap(),
        Checked::Missing
    );
}

async fn a_scope_hides_every_foreign_row(s: &Store) {
    let me = person(s, "me@example.com", "Me").await;
    let (p1, p2) = (project(s, "P1", me).await, project(s, "P2", me).await);
    let t2 = ticket(s, p2, me, headline("secret")).await;
    let only1 = || Scope::only(&[p1]);
    assert!(s.projects().get(only1(), p2).await.unwrap().is_none());
    assert!(s.tickets().get(only1(), t2).await.unwrap().is_none());
    assert!(
        search(s, only1(), SearchCriteria::default())
            .await
            .is_empty()
    );
    assert_eq!(
        s.tickets()
            .patch(only1(), t2, headline("mine now"))
            .await
            .unwrap(),
        Checked::Missing
    );
    assert!(!s.tickets().delete(only1(), t2, false).await.unwrap());
    assert_eq!(
        s.tickets()
            .create(only1(), p2, me, headline("x"))
            .await
            .unwrap(),
        Checked::Invalid("values.projectId", "no such project".into())
    );
    let entry = TimeEntry {
        ticket: t2,
        user: me,
        day: text("2026-01-05 00:00:00"),
        kind: "GENERAL_BILLABLE".into(),
        hours: 1.0,
        description: None,
        replace: false,
    };
    assert_eq!(
        s.timesheets().log(only1(), entry).await.unwrap(),
        Checked::Missing
    );
    assert_eq!(s.timesheets().hours(only1(), t2, None).await.unwrap(), None);
    let comment = NewComment {
        module: "ticket",
        entity: t2,
        author: me,
        parent: 0,
        text: "hi".into(),
        status: String::new(),
    };
    assert_eq!(
        s.comments().create(only1(), comment).await.unwrap(),
        Checked::Missing
    );
    // Every project, and the empty list of projects, are scopes too.
    assert_eq!(
        search(s, Scope::all(), SearchCriteria::default()).await,
        [t2]
    );
    assert!(
        search(s, Scope::only(&[]), SearchCriteria::default())
            .await
            .is_empty()
    );
    assert_eq!(
        search(s, Scope::only(&[p1, p2]), SearchCriteria::default()).await,
        [t2]
    );
    // A limited scope sees the members of its projects and itself only.
    let stranger = person(s, "stranger@example.com", "Stranger").await;
    let seen: Vec<i64> = s
        .users()
        .list(only1(), Some(stranger), false, 100)
        .await
        .unwrap()
        .iter()
        .map(|u| u.id)
        .collect();
    assert_eq!(seen, [me, stranger]);
    assert!(
        s.users()
            .get(only1(), None, stranger)
            .await
            .unwrap()
            .is_none()
    );
    // And the clients of its projects only.
    let acme = s
        .clients()
        .create(ClientValues {
            name: text("Acme"),
            ..ClientValues::default()
        })
        .await
        .unwrap();
    assert!(s.clients().get(only1(), acme).await.unwrap().is_none());
    assert!(s.clients().get(Scope::all(), acme).await.unwrap().is_some());
}

async fn ticket_search_folds_ascii_case_only_and_takes_wildcards_literally(s: &Store) {
    let me = person(s, "me@example.com", "Me").await;
    let p = project(s, "P", me).await;
    let login = ticket(s, p, me, headline("Fix LOGIN bug")).await;
    let page = ticket(s, p, me, headline("login page")).await;
    let described = ticket(
        s,
        p,
        me,
        TicketValues {
            description: text("see Login flow"),
            ..headline("other")
        },
    )
    .await;
    let tagged = ticket(
        s,
        p,
        me,
        TicketValues {
            tags: text("urgent,Backend"),
            ..headline("tagged")
        },
    )
    .await;
    let percent = ticket(s, p, me, headline("50% done")).await;
    let underscore = ticket(s, p, me, headline("under_score")).await;
    let umlaut = ticket(s, p, me, headline("Ärger über Äpfel")).await;
    let backslash = ticket(s, p, me, headline(r"C:\temp")).await;
    let term = |t: &str| SearchCriteria {
        term: text(t),
        ..SearchCriteria::default()
    };
    assert_eq!(
        search(s, Scope::all(), term("login")).await,
        [login, page, described]
    );
    assert_eq!(
        search(s, Scope::all(), term("  LOGIN  ")).await,
        [login, page, described]
    );
    assert_eq!(search(s, Scope::all(), term("BACKEND")).await, [tagged]);
    // `%` and `_` are the characters themselves, not wildcards.
    assert_eq!(search(s, Scope::all(), term("%")).await, [percent]);
    assert_eq!(search(s, Scope::all(), term("r_s")).await, [underscore]);
    assert_eq!(
        search(s, Scope::all(), term("r s")).await,
        Vec::<i64>::new()
    );
    assert_eq!(search(s, Scope::all(), term(r"C:\t")).await, [backslash]);
    // Only ASCII letters fold: "ärger" is not "Ärger" (as in SQLite's LIKE).
    assert_eq!(search(s, Scope::all(), term("Ärger")).await, [umlaut]);
    assert_eq!(search(s, Scope::all(), term("ÄRGER")).await, [umlaut]);
    assert!(search(s, Scope::all(), term("ärger")).await.is_empty());
    // A term that is a ticket's id finds it.
    assert!(
        search(s, Scope::all(), term(&page.to_string()))
            .await
            .contains(&page)
    );
    // Projects search the same way.
    let names = |v: Vec<tickets::model::Project>| v.into_iter().map(|p| p.name).collect::<Vec<_>>();
    project(s, "a_b", me).await;
    project(s, "aXb", me).await;
    project(s, "Éclair", me).await;
    let find = |t: &str| {
        s.projects()
            .list(Scope::all(), true, Some(t.to_owned()), 100)
    };
    assert_eq!(names(find("A_B").await.unwrap()), ["a_b"]);
    assert_eq!(names(find("ÉCLAIR").await.unwrap()), ["Éclair"]);
    assert!(find("éclair").await.unwrap().is_empty());
}

async fn ticket_lists_filter_and_page_by_id(s: &Store) {
    let me = person(s, "me@example.com", "Me").await;
    let other = person(s, "other@example.com", "Other").await;
    let (p, q) = (project(s, "P", me).await, project(s, "Q", me).await);
    let milestone = ticket(
        s,
        p,
        me,
        TicketValues {
            kind: text("milestone"),
            ..headline("M1")
        },
    )
    .await;
    let sprint = s
        .sprints()
        .create(Scope::all(), p, "S".into(), None, None)
        .await
        .unwrap()
        .answer()
        .unwrap();
    let new = ticket(
        s,
        p,
        me,
        TicketValues {
            editor_id: Some(other),
            milestone_id: Some(milestone),
            ..headline("new")
        },
    )
    .await;
    let bug = ticket(
        s,
        p,
        me,
        TicketValues {
            kind: text("bug"),
            status: Some(4),
            sprint: Some(sprint),
            editor_id: Some(me),
            ..headline("bug")
        },
    )
    .await;
    let done = ticket(
        s,
        p,
        me,
        TicketValues {
            status: Some(0),
            milestone_id: Some(milestone),
            editor_id: Some(other),
            ..headline("done")
        },
    )
    .await;
    let archived = ticket(
        s,
        q,
        me,
        TicketValues {
            status: Some(-1),
            depending_ticket_id: None,
            ..headline("archived")
        },
    )
    .await;
    let sub = ticket(
        s,
        p,
        me,
        TicketValues {
            depending_ticket_id: Some(new),
            kind: text("subtask"),
            ..headline("sub")
        },
    )
    .await;
    let all = |c: SearchCriteria| search(s, Scope::all(), c);
    assert_eq!(
        all(SearchCriteria::default()).await,
        [new, bug, done, archived, sub]
    );
    let c = |f: fn(&mut SearchCriteria)| {
        let mut c = SearchCriteria::default();
        f(&mut c);
        c
    };
    assert_eq!(all(c(|c| c.current_project = Some(2))).await, [archived]);
    assert_eq!(all(c(|c| c.kind = text(" BUG "))).await, [bug]);
    assert_eq!(all(c(|c| c.kind = text("milestone"))).await, [milestone]);
    assert_eq!(
        all(c(|c| c.status = Some(StatusFilter::Any(vec![3, 4])))).await,
        [new, bug, sub]
    );
    assert_eq!(
        all(c(|c| c.status = Some(StatusFilter::Done))).await,
        [done, archived]
    );
    assert_eq!(
        all(c(|c| c.status = Some(StatusFilter::NotDone))).await,
        [new, bug, sub]
    );
    assert_eq!(all(c(|c| c.milestone = Some(1))).await, [new, done]);
    assert_eq!(all(c(|c| c.sprint = Some(1))).await, [bug]);
    assert_eq!(all(c(|c| c.users = Some(vec![2]))).await, [new, done]);
    // Dates are strict bounds, compared as text.
    assert_eq!(
        all(c(|c| c.date_from = text("2000-01-01 00:00:00")))
            .await
            .len(),
        5
    );
    assert!(
        all(c(|c| c.date_to = text("2000-01-01 00:00:00")))
            .await
            .is_empty()
    );
    assert!(
        all(c(|c| c.date_from = text("2999-01-01 00:00:00")))
            .await
            .is_empty()
    );
    // Pages are the first rows by id.
    let page: Vec<i64> = s
        .tickets()
        .search(Scope::all(), SearchCriteria::default(), 2)
        .await
        .unwrap()
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(page, [new, bug]);
    let ids = |v: Vec<tickets::model::Ticket>| v.iter().map(|t| t.id).collect::<Vec<_>>();
    let t = s.tickets();
    assert_eq!(
        ids(t.subtasks(Scope::all(), new, 100).await.unwrap()),
        [sub]
    );
    assert_eq!(
        ids(t
            .of_user(Scope::all(), other, None, false, 100)
            .await
            .unwrap()),
        [new]
    );
    assert_eq!(
        ids(t
            .of_user(Scope::all(), other, Some(p), true, 100)
            .await
            .unwrap()),
        [done]
    );
    assert!(
        t.of_user(Scope::all(), other, Some(q), true, 100)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        ids(t.milestones(Scope::all(), None, false, 100).await.unwrap()),
        [milestone]
    );
    assert_eq!(
        t.milestone_progress(Scope::all(), milestone).await.unwrap(),
        Some((2, 1))
    );
    assert_eq!(t.milestone_progress(Scope::all(), new).await.unwrap(), None);
    // Closing the milestone hides it unless asked.
    t.patch(
        Scope::all(),
        milestone,
        TicketValues {
            status: Some(0),
            ..TicketValues::default()
        },
    )
    .await
    .unwrap();
    assert!(
        t.milestones(Scope::all(), Some(p), false, 100)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        ids(t
            .milestones(Scope::all(), Some(p), true, 100)
            .await
            .unwrap()),
        [milestone]
    );
}

async fn moving_and_deleting_tickets_carry_their_rows_along(s: &Store) {
    let me = person(s, "me@example.com", "Me").await;
    let (p1, p2) = (project(s, "P1", me).await, project(s, "P2", me).await);
    let milestone = ticket(
        s,
        p1,
        me,
        TicketValues {
            kind: text("milestone"),
            ..headline("m")
        },
    )
    .await;
    let t = ticket(
        s,
        p1,
        me,
        TicketValues {
            milestone_id: Some(milestone),
            ..headline("t")
        },
    )
    .await;
    let child = ticket(
        s,
        p1,
        me,
        TicketValues {
            depending_ticket_id: Some(t),
            milestone_id: Some(milestone),
            ..headline("child")
        },
    )
    .await;
    let entry = TimeEntry {
        ticket: t,
        user: me,
        day: text("2026-01-05 00:00:00"),
        kind: "GENERAL_BILLABLE".into(),
        hours: 2.0,
        description: text("work"),
        replace: false,
    };
    let logged = s
        .timesheets()
        .log(Scope::all(), entry)
        .await
        .unwrap()
        .answer()
        .unwrap();
    let comment = NewComment {
        module: "ticket",
        entity: t,
        author: me,
        parent: 0,
        text: "note".into(),
        status: String::new(),
    };
    s.comments().create(Scope::all(), comment).await.unwrap();
    assert_eq!(
        s.tickets().move_to(Scope::all(), t, 999).await.unwrap(),
        Checked::Invalid("projectId", "no such project".into())
    );
    assert_eq!(
        s.tickets()
            .move_to(Scope::all(), milestone, p2)
            .await
            .unwrap(),
        Checked::Missing,
        "milestones do not move"
    );
    assert_eq!(
        s.tickets().move_to(Scope::all(), t, p2).await.unwrap(),
        Checked::Done(true)
    );
    let moved = s.tickets().get(Scope::all(), t).await.unwrap().unwrap();
    assert_eq!((moved.project_id, moved.milestone_id), (p2, None));
    // Its time and comments went with it: a key of the new project sees them.
    let only2 = Scope::only(&[p2]);
    let entry = s
        .timesheets()
        .get(only2.clone(), logged)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((entry.project_id, entry.project_name.as_str()), (p2, "P2"));
    let notes = s
        .comments()
        .list(only2, "ticket", t, 0, false, 100)
        .await
        .unwrap();
    assert_eq!(notes.len(), 1);
    // Deleting the milestone frees its tickets; deleting a ticket frees its subtasks and takes
    // its time and comments.
    assert!(
        !s.tickets()
            .delete(Scope::all(), milestone, false)
            .await
            .unwrap()
    );
    assert!(
        s.tickets()
            .delete(Scope::all(), milestone, true)
            .await
            .unwrap()
    );
    let c = s.tickets().get(Scope::all(), child).await.unwrap().unwrap();
    assert_eq!((c.milestone_id, c.depending_ticket_id), (None, Some(t)));
    assert!(s.tickets().delete(Scope::all(), t, false).await.unwrap());
    let c = s.tickets().get(Scope::all(), child).await.unwrap().unwrap();
    assert_eq!(c.depending_ticket_id, None);
    assert!(
        s.timesheets()
            .get(Scope::all(), logged)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        s.comments()
            .list(Scope::all(), "ticket", t, 0, false, 100)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn users_fold_ascii_case_only_and_sort_by_bytes(s: &Store) {
    let ada = person(s, "ada@example.com", "alpha").await;
    let taken = UserValues {
        user: text("ADA@Example.COM"),
        ..UserValues::default()
    };
    assert_eq!(s.users().create(taken, 20).await.unwrap(), Checked::Taken);
    let zed = person(s, "Émile@example.com", "Zed").await;
    // Non-ASCII letters do not fold (SQLite's NOCASE): "émile" is another user name.
    let emile = person(s, "émile@example.com", "Émile").await;
    let nobody = person(s, "nobody@example.com", "").await;
    let users = s
        .users()
        .list(Scope::all(), None, false, 100)
        .await
        .unwrap();
    // By last name as bytes: "" < "Zed" < "alpha" < "Émile".
    assert_eq!(
        users.iter().map(|u| u.id).collect::<Vec<_>>(),
        [nobody, zed, ada, emile]
    );
    // An empty first name shows the user name, as Leantime does.
    assert_eq!(users[0].firstname, "nobody@example.com");
    assert_eq!((users[0].role, users[0].status.as_str()), (20, "a"));
    let by_name = |n: &str| s.users().by_username(Scope::all(), None, n.to_owned());
    assert_eq!(
        by_name("ADA@EXAMPLE.COM").await.unwrap().map(|u| u.id),
        Some(ada)
    );
    assert_eq!(
        by_name("ÉMILE@example.com").await.unwrap().map(|u| u.id),
        Some(zed)
    );
    assert_eq!(
        by_name("émile@EXAMPLE.com").await.unwrap().map(|u| u.id),
        Some(emile)
    );
    assert!(by_name("ada").await.unwrap().is_none());
    let taken = |n: &str, except| s.users().username_taken(n.to_owned(), except);
    assert!(taken("Ada@example.com", None).await.unwrap());
    assert!(!taken("Ada@example.com", Some(ada)).await.unwrap());
    assert!(!taken("ada@example.org", None).await.unwrap());
    // Changes: a taken name, then a missing client, then a missing person.
    let rename = |to: &str| UserValues {
        user: text(to),
        client_id: Some(55),
        ..UserValues::default()
    };
    assert_eq!(
        s.users()
            .patch(zed, rename("NOBODY@example.com"), None)
            .await
            .unwrap(),
        Checked::Taken
    );
    assert_eq!(
        s.users()
            .patch(zed, rename("zed@example.com"), None)
            .await
            .unwrap(),
        Checked::Invalid("clientId", "no client 55".into())
    );
    let fine = UserValues {
        firstname: text("Zed"),
        status: text("i"),
        ..UserValues::default()
    };
    assert_eq!(
        s.users().patch(zed, fine.clone(), Some(40)).await.unwrap(),
        Checked::Done(true)
    );
    assert_eq!(
        s.users().patch(999, fine, None).await.unwrap(),
        Checked::Missing
    );
    let z = s
        .users()
        .get(Scope::all(), None, zed)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (z.firstname.as_str(), z.role, z.status.as_str()),
        ("Zed", 40, "i")
    );
    let active = s.users().list(Scope::all(), None, true, 100).await.unwrap();
    assert!(active.iter().all(|u| u.id != zed));
    // Deleting a person unassigns their tickets.
    let p = project(s, "P", ada).await;
    let t = ticket(
        s,
        p,
        ada,
        TicketValues {
            editor_id: Some(emile),
            ..headline("t")
        },
    )
    .await;
    assert!(s.users().delete(emile).await.unwrap());
    assert!(!s.users().delete(emile).await.unwrap());
    assert_eq!(
        s.tickets()
            .get(Scope::all(), t)
            .await
            .unwrap()
            .unwrap()
            .editor_id,
        None
    );
}

async fn a_key_gets_one_user_however_many_calls_race(s: &Store) {
    let key = |id: &str| KeyUser {
        key_id: id.to_owned(),
        name: "ci".to_owned(),
        role: 30,
    };
    assert_eq!(s.users().of_key("k1".into()).await.unwrap(), None);
    let first = s.users().ensure_key_user(key("k1")).await.unwrap();
    assert_eq!(s.users().ensure_key_user(key("k1")).await.unwrap(), first);
    assert_eq!(s.users().of_key("k1".into()).await.unwrap(), Some(first));
    let u = s
        .users()
        .get(Scope::all(), None, first)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            u.username.as_str(),
            u.source.as_str(),
            u.role,
            u.firstname.as_str()
        ),
        ("api_k1", "api", 30, "ci")
    );
    // A key's user is not a person: it cannot be changed or deleted here.
    assert_eq!(
        s.users()
            .patch(first, UserValues::default(), None)
            .await
            .unwrap(),
        Checked::Missing
    );
    assert!(!s.users().delete(first).await.unwrap());
    // Eight first calls of a new key at once: one user.
    let calls = (0..8).map(|_| s.users().ensure_key_user(key("k2")));
    let ids: Vec<i64> = join_all(calls)
        .await
        .into_iter()
        .map(|id| id.expect("ensure_key_user"))
        .collect();
    assert!(ids.windows(2).all(|w| w[0] == w[1]), "{ids:?}");
    let users = s
        .users()
        .list(Scope::all(), None, false, 100)
        .await
        .unwrap();
    assert_eq!(users.iter().filter(|u| u.username == "api_k2").count(), 1);
}

async fn clients_sort_by_bytes_and_keep_their_projects(s: &Store) {
    let c = |name: &str| ClientValues {
        name: text(name),
        ..ClientValues::default()
    };
    let beta = s.clients().create(c("beta")).await.unwrap();
    let upper = s.clients().create(c("Alpha")).await.unwrap();
    let lower = s.clients().create(c("alpha")).await.unwrap();
    let names: Vec<String> = s
        .clients()
        .list(Scope::all(), 100)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["Alpha", "Default client", "alpha", "beta"]);
    let change = ClientValues {
        city: text("Basel"),
        ..ClientValues::default()
    };
    assert!(s.clients().patch(beta, change.clone()).await.unwrap());
    assert!(!s.clients().patch(999, change).await.unwrap());
    let b = s.clients().get(Scope::all(), beta).await.unwrap().unwrap();
    assert_eq!(
        (b.name.as_str(), b.city.as_str(), b.number_of_projects),
        ("beta", "Basel", 0)
    );
    // A client with projects stays; one without goes, and its users lose it.
    let me = person(s, "me@example.com", "Me").await;
    let p = s
        .projects()
        .create(
            ProjectValues {
                name: text("P"),
                client_id: Some(upper),
                ..ProjectValues::default()
            },
            me,
        )
        .await
        .unwrap()
        .answer()
        .unwrap();
    assert_eq!(
        s.clients()
            .get(Scope::only(&[p]), upper)
            .await
            .unwrap()
            .unwrap()
            .number_of_projects,
        1
    );
    assert_eq!(
        s.clients().delete(upper).await.unwrap(),
        Checked::Invalid("id", "the client still has projects".into())
    );
    assert_eq!(s.clients().delete(999).await.unwrap(), Checked::Missing);
    let worker = s
        .users()
        .create(
            UserValues {
                user: text("w@example.com"),
                client_id: Some(lower),
                ..UserValues::default()
            },
            5,
        )
        .await
        .unwrap()
        .answer()
        .unwrap();
    assert_eq!(
        s.users()
            .get(Scope::all(), None, worker)
            .await
            .unwrap()
            .unwrap()
            .client_name
            .as_deref(),
        Some("alpha")
    );
    assert_eq!(
        s.clients().delete(lower).await.unwrap(),
        Checked::Done(true)
    );
    assert_eq!(
        s.users()
            .get(Scope::all(), None, worker)
            .await
            .unwrap()
            .unwrap()
            .client_id,
        None
    );
}

async fn comments_answer_their_own_entity_and_author(s: &Store) {
    let me = person(s, "me@example.com", "Me").await;
    let other = person(s, "other@example.com", "Other").await;
    let p = project(s, "P", me).await;
    let (t1, t2) = (
        ticket(s, p, me, headline("1")).await,
        ticket(s, p, me, headline("2")).await,
    );
    let comment = |entity, parent, author, text: &str| NewComment {
        module: "ticket",
        entity,
        author,
        parent,
        text: text.to_owned(),
        status: String::new(),
    };
    let create = |c| s.comments().create(Scope::all(), c);
    let first = create(comment(t1, 0, me, "<p>first</p>"))
        .await
        .unwrap()
        .answer()
        .unwrap();
    let answer = create(comment(t1, first, other, "answer"))
        .await
        .unwrap()
        .answer()
        .unwrap();
    assert_eq!(
        create(comment(t2, first, me, "elsewhere")).await.unwrap(),
        Checked::Invalid(
            "values.father",
            format!("no comment {first} on this ticket")
        )
    );
    assert_eq!(
        create(comment(999, 0, me, "x")).await.unwrap(),
        Checked::Missing
    );
    let on_project = NewComment {
        module: "project",
        ..comment(p, 0, me, "on the project")
    };
    let project_note = create(on_project).await.unwrap().answer().unwrap();
    let list = |parent, newest| {
        s.comments()
            .list(Scope::all(), "ticket", t1, parent, newest, 100)
    };
    let ids = |v: Vec<tickets::model::Comment>| v.iter().map(|c| c.id).collect::<Vec<_>>();
    assert_eq!(ids(list(0, false).await.unwrap()), [first, answer]);
    assert_eq!(ids(list(0, true).await.unwrap()), [answer, first]);
    assert_eq!(ids(list(first, false).await.unwrap()), [answer]);
    let c = &list(0, false).await.unwrap()[1];
    assert_eq!(
        (c.comment_parent, c.lastname.as_str(), c.text.as_str()),
        (first, "Other", "answer")
    );
    assert_eq!(
        ids(s
            .comments()
            .list(Scope::all(), "project", p, 0, false, 100)
            .await
            .unwrap()),
        [project_note]
    );
    // Only the author changes a comment, unless any author may.
    let edit = |author, text: &str| {
        s.comments()
            .edit(Scope::all(), first, author, text.to_owned())
    };
    assert!(!edit(Some(other), "hijacked").await.unwrap());
    assert!(edit(Some(me), "edited").await.unwrap());
    assert!(edit(None, "moderated").await.unwrap());
    assert_eq!(list(0, false).await.unwrap()[0].text, "moderated");
    assert!(
        !s.comments()
            .delete(Scope::all(), first, Some(other))
            .await
            .unwrap()
    );
    assert!(
        s.comments()
            .delete(Scope::all(), first, Some(me))
            .await
            .unwrap()
    );
    assert!(
        list(0, false).await.unwrap().is_empty(),
        "the answers went too"
    );
}

async fn sprints_sort_undated_first_and_tell_current_from_future(s: &Store) {
    let me = person(s, "me@example.com", "Me").await;
    let (p, q) = (project(s, "P", me).await, project(s, "Q", me).await);
    let create = |project, name: &str, start: Option<&str>, end: Option<&str>| {
        s.sprints().create(
            Scope::all(),
            project,
            name.to_owned(),
            start.map(str::to_owned),
            end.map(str::to_owned),
        )
    };
    let id = |c: Checked<i64>| c.answer().unwrap();
    let running = id(create(
        p,
        "running",
        text("2000-01-01 00:00:00").as_deref(),
        Some("2999-12-31 00:00:00"),
    )
    .await
    .unwrap());
    let undated = id(create(p, "undated", None, None).await.unwrap());
    let future = id(create(
        p,
        "future",
        Some("2999-01-01 00:00:00"),
        Some("2999-01-14 00:00:00"),
    )
    .await
    .unwrap());
    let past = id(create(
        p,
        "past",
        Some("2000-01-01 00:00:00"),
        Some("2000-01-02 00:00:00"),
    )
    .await
    .unwrap());
    let open_end = id(create(p, "open end", Some("2000-01-01 00:00:00"), None)
        .await
        .unwrap());
    let elsewhere = id(create(q, "elsewhere", Some("1999-01-01 00:00:00"), None)
        .await
        .unwrap());
    assert_eq!(
        create(999, "x", None, None).await.unwrap(),
        Checked::Invalid("params.projectId", "no such project".into())
    );
    let list = |project, when| s.sprints().list(Scope::all(), project, when, 100);
    let ids = |v: Vec<tickets::model::Sprint>| v.iter().map(|s| s.id).collect::<Vec<_>>();
    // Undated first (as SQLite sorts NULL), then by start, ties by id.
    assert_eq!(
        ids(list(Some(p), When::All).await.unwrap()),
        [undated, running, past, open_end, future]
    );
    assert_eq!(
        ids(list(None, When::All).await.unwrap()),
        [undated, elsewhere, running, past, open_end, future]
    );
    assert_eq!(ids(list(Some(p), When::Current).await.unwrap()), [running]);
    assert_eq!(ids(list(Some(p), When::Future).await.unwrap()), [future]);
    assert!(list(Some(q), When::Future).await.unwrap().is_empty());
    // Changes, and tickets leaving a deleted sprint.
    assert!(
        s.sprints()
            .update(
                Scope::all(),
                past,
                text("renamed"),
                None,
                text("2000-01-03 00:00:00")
            )
            .await
            .unwrap()
    );
    let got = s.sprints().get(Scope::all(), past).await.unwrap().unwrap();
    assert_eq!(
        (
            got.name.as_str(),
            got.start_date.as_deref(),
            got.end_date.as_deref()
        ),
        (
            "renamed",
            Some("2000-01-01 00:00:00"),
            Some("2000-01-03 00:00:00")
        )
    );
    assert!(
        !s.sprints()
            .update(Scope::only(&[q]), past, None, None, None)
            .await
            .unwrap()
    );
    let t = ticket(
        s,
        p,
        me,
        TicketValues {
            sprint: Some(past),
            ..headline("t")
        },
    )
    .await;
    assert!(s.sprints().delete(Scope::all(), past).await.unwrap());
    assert!(!s.sprints().delete(Scope::all(), past).await.unwrap());
    assert_eq!(
        s.tickets()
            .get(Scope::all(), t)
            .await
            .unwrap()
            .unwrap()
            .sprint,
        None
    );
}

async fn timesheets_add_up_to_a_day_and_sum_like_sqlite(s: &Store) {
    let me = person(s, "me@example.com", "Me").await;
    let other = person(s, "other@example.com", "Other").await;
    let p = project(s, "P", me).await;
    let t = ticket(s, p, me, headline("t")).await;
    let entry = |user, day: &str, kind: &str, hours, replace| TimeEntry {
        ticket: t,
        user,
        day: text(day),
        kind: kind.to_owned(),
        hours,
        description: None,
        replace,
    };
    let log = |e| s.timesheets().log(Scope::all(), e);
    let day = "2026-01-05 00:00:00";
    let first = log(entry(me, day, "DEVELOPMENT", 10.0, false))
        .await
        .unwrap()
        .answer()
        .unwrap();
    // The same ticket, user, day and kind add up in one entry, to 24 hours at most.
    assert_eq!(
        log(entry(me, day, "DEVELOPMENT", 10.0, false))
            .await
            .unwrap(),
        Checked::Done(first)
    );
    assert_eq!(
        log(entry(me, day, "DEVELOPMENT", 5.0, false))
            .await
            .unwrap(),
        Checked::Invalid(
            "params.hours",
            "the entry for this ticket, day and kind would exceed 24 hours".into()
        )
    );
    let got = s
        .timesheets()
        .get(Scope::all(), first)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got.hours, 20.0, "the refused change was rolled back");
    assert_eq!(
        log(entry(me, day, "DEVELOPMENT", 3.0, true)).await.unwrap(),
        Checked::Done(first)
    );
    assert_eq!(
        s.timesheets()
            .get(Scope::all(), first)
            .await
            .unwrap()
            .unwrap()
            .hours,
        3.0
    );
    // 0.1 + 0.2 + 0.3 is 0.6, as SQLite's SUM() says, on either backend.
    log(entry(other, "2026-01-06 00:00:00", "TESTING", 0.1, false))
        .await
        .unwrap();
    log(entry(
        other,
        "2026-01-06 00:00:00",
        "DEVELOPMENT",
        0.2,
        false,
    ))
    .await
    .unwrap();
    log(entry(
        other,
        "2026-01-06 00:00:00",
        "PROJECTMANAGEMENT",
        0.3,
        false,
    ))
    .await
    .unwrap();
    let hours = |user| s.timesheets().hours(Scope::all(), t, user);
    assert_eq!(hours(Some(other)).await.unwrap(), Some(0.6));
    assert_eq!(hours(None).await.unwrap(), Some(3.6));
    assert_eq!(hours(Some(999)).await.unwrap(), Some(0.0));
    let days = s
        .timesheets()
        .by_date(Scope::all(), t)
        .await
        .unwrap()
        .unwrap();
    let days: Vec<(String, f64, String, String)> = days
        .into_iter()
        .map(|d| (d.utc, d.summe, d.year, d.month))
        .collect();
    assert_eq!(
        days,
        [
            ("2026-01-05".into(), 3.0, "2026".into(), "01".into()),
            ("2026-01-06".into(), 0.6, "2026".into(), "01".into())
        ]
    );
    // Today, when no day is given.
    let today = TimeEntry {
        day: None,
        ..entry(me, "", "TESTING", 1.0, false)
    };
    let id = log(today).await.unwrap().answer().unwrap();
    let work_date = s
        .timesheets()
        .get(Scope::all(), id)
        .await
        .unwrap()
        .unwrap()
        .work_date;
    assert!(
        work_date.ends_with(" 00:00:00") && work_date.len() == 19,
        "{work_date}"
    );
    // Lists by work date, then id.
    let filter = Filter {
        from: "2026-01-01 00:00:00".into(),
        to: "2026-01-31 23:59:59".into(),
        ..Filter::default()
    };
    let listed: Vec<i64> = s
        .timesheets()
        .list(Scope::all(), filter.clone(), 100)
        .await
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(listed.len(), 4);
    assert_eq!(listed[0], first);
    let mine = Filter {
        user: Some(other),
        kind: text("TESTING"),
        ..filter
    };
    assert_eq!(
        s.timesheets()
            .list(Scope::all(), mine, 100)
            .await
            .unwrap()
            .len(),
        1
    );
    // Only the author deletes an entry, unless any author may.
    assert!(
        !s.timesheets()
            .delete(Scope::all(), first, Some(other))
            .await
            .unwrap()
    );
    assert!(
        s.timesheets()
            .delete(Scope::all(), first, Some(me))
            .await
            .unwrap()
    );
    assert!(
        !s.timesheets()
            .delete(Scope::all(), first, None)
            .await
            .unwrap()
    );
}

async fn duplicating_a_project_maps_its_milestones(s: &Store) {
    let me = person(s, "me@example.com", "Me").await;
    let other = person(s, "other@example.com", "Other").await;
    let p = project(s, "Original", me).await;
    s.projects()
        .add_member(Scope::all(), p, other, "20".into())
        .await
        .unwrap();
    let m = ticket(
        s,
        p,
        me,
        TicketValues {
            kind: text("milestone"),
            ..headline("M")
        },
    )
    .await;
    let sprint = s
        .sprints()
        .create(Scope::all(), p, "S".into(), None, None)
        .await
        .unwrap()
        .answer()
        .unwrap();
    ticket(
        s,
        p,
        me,
        TicketValues {
            milestone_id: Some(m),
            sprint: Some(sprint),
            status: Some(0),
            plan_hours: Some(2.5),
            ..headline("T")
        },
    )
    .await;
    let what = |from, client| Duplicate {
        from,
        client,
        name: "Copy".into(),
        start: text("2026-02-01 00:00:00"),
        members: true,
    };
    assert_eq!(
        s.projects()
            .duplicate(Scope::all(), what(999, 1))
            .await
            .unwrap(),
        Checked::Missing
    );
    assert_eq!(
        s.projects()
            .duplicate(Scope::all(), what(p, 999))
            .await
            .unwrap(),
        Checked::Invalid("clientId", "no client 999".into())
    );
    let copy = s
        .projects()
        .duplicate(Scope::all(), what(p, 1))
        .await
        .unwrap()
        .answer()
        .unwrap();
    let c = s.projects().get(Scope::all(), copy).await.unwrap().unwrap();
    assert_eq!(
        (c.name.as_str(), c.start.as_deref(), c.number_of_tickets),
        ("Copy", Some("2026-02-01 00:00:00"), 1)
    );
    let copied = s
        .tickets()
        .search(
            Scope::all(),
            SearchCriteria {
                current_project: Some(copy),
                ..SearchCriteria::default()
            },
            100,
        )
        .await
        .unwrap();
    let milestones = s
        .tickets()
        .milestones(Scope::all(), Some(copy), true, 100)
        .await
        .unwrap();
    assert_eq!(milestones.len(), 1);
    let t = &copied[0];
    // New again, out of sprints, in the copied milestone, with its remaining hours reset.
    assert_eq!(
        (t.status, t.sprint, t.milestone_id, t.hour_remaining),
        (3, None, Some(milestones[0].id), Some(2.5))
    );
    let members = s
        .projects()
        .members(Scope::all(), copy, false)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        members
            .iter()
            .map(|m| (m.id, m.project_role.clone()))
            .collect::<Vec<_>>(),
        [(me, None), (other, Some("20".to_owned()))]
    );
}

/// One long run through every store method, recording each answer as JSON; timestamps (set by
/// the database) are blanked.
async fn scenario(s: &Store) -> Vec<Value> {
    fn record<T: serde::Serialize + std::fmt::Debug>(log: &mut Vec<Value>, what: &str, value: T) {
        let mut value =
            serde_json::to_value(&value).unwrap_or_else(|_| json!(format!("{value:?}")));
        blank_times(&mut value);
        log.push(json!({ what: value }));
    }
    let mut log = Vec::new();
    let all = Scope::all;
    let me = s
        .users()
        .ensure_key_user(KeyUser {
            key_id: "key1".into(),
            name: "Owner key".into(),
            role: 50,
        })
        .await
        .unwrap();
    let mut people = Vec::new();
    for (user, first, last) in [
        ("zoë@example.com", "Zoë", "Ünal"),
        ("Bob@example.com", "", "bob"),
        ("carl@example.com", "Carl", "Bob"),
        ("dee@example.com", "Dee", "bob"),
    ] {
        let v = UserValues {
            user: text(user),
            firstname: text(first),
            lastname: text(last),
            job_title: text("dev"),
            ..UserValues::default()
        };
        let id = s.users().create(v, 20).await.unwrap();
        record(&mut log, "user", format!("{id:?}"));
        people.push(id.answer().unwrap());
    }
    let client = s
        .clients()
        .create(ClientValues {
            name: text("Ünïcode GmbH"),
            email: text("a@b.c"),
            ..ClientValues::default()
        })
        .await
        .unwrap();
    let mut projects = Vec::new();
    for (name, client_id, budget) in [("Zeta", Some(client), 10.5), ("alpha", None, 0.1)] {
        let v = ProjectValues {
            name: text(name),
            client_id,
            hour_budget: Some(budget),
            dollar_budget: Some(budget * 3.0),
            start: text("2026-01-01 00:00:00"),
            ..ProjectValues::default()
        };
        projects.push(s.projects().create(v, me).await.unwrap().answer().unwrap());
    }
    let (p, q) = (projects[0], projects[1]);
    s.projects()
        .add_member(all(), p, people[0], "editor".into())
        .await
        .unwrap();
    let sprint = s
        .sprints()
        .create(
            all(),
            p,
            "Sprint 1".into(),
            text("2026-01-05 00:00:00"),
            None,
        )
        .await
        .unwrap()
        .answer()
        .unwrap();
    let milestone = ticket(
        s,
        p,
        me,
        TicketValues {
            kind: text("milestone"),
            edit_from: text("2026-01-01 00:00:00"),
            edit_to: text("2026-02-01 00:00:00"),
            ..headline("Release 1")
        },
    )
    .await;
    let mut tickets_made = Vec::new();
    for (i, h) in [
        "Ärger im Login",
        "login – dash",
        "100% sure",
        "snake_case",
        "plain",
    ]
    .iter()
    .enumerate()
    {
        let v = TicketValues {
            description: text(&format!("<p>{h}</p>")),
            editor_id: people.get(i % 3).copied(),
            milestone_id: (i % 2 == 0 && i < 4).then_some(milestone),
            sprint: (i == 1).then_some(sprint),
            priority: Some(i as i64 % 5 + 1),
            story_points: Some(0.5 * i as f64),
            plan_hours: Some(1.0 / 3.0),
            status: Some([3, 1, 4, 0, -1][i]),
            tags: text(if i == 2 { "Backend,urgent" } else { "" }),
            date_to_finish: text("2026-03-01 12:00:00"),
            ..headline(h)
        };
        tickets_made.push(ticket(s, if i == 4 { q } else { p }, me, v).await);
    }
    for (i, hours) in [0.1, 0.2, 0.3, 7.25].iter().enumerate() {
        let e = TimeEntry {
            ticket: tickets_made[0],
            user: if i == 3 { people[1] } else { me },
            day: text(["2026-01-05", "2026-01-05", "2026-01-06", "2026-01-06"][i])
                .map(|d| d + " 00:00:00"),
            kind: ["DEVELOPMENT", "TESTING", "DEVELOPMENT", "DEVELOPMENT"][i].into(),
            hours: *hours,
            description: text("did things"),
            replace: false,
        };
        let logged = s.timesheets().log(all(), e).await.unwrap();
        record(&mut log, "log", format!("{logged:?}"));
    }
    let note = s
        .comments()
        .create(
            all(),
            NewComment {
                module: "ticket",
                entity: tickets_made[0],
                author: people[0],
                parent: 0,
                text: "Ça va? <b>bold</b>".into(),
                status: "open".into(),
            },
        )
        .await
        .unwrap()
        .answer()
        .unwrap();
    s.comments()
        .create(
            all(),
            NewComment {
                module: "ticket",
                entity: tickets_made[0],
                author: me,
                parent: note,
                text: "answer".into(),
                status: String::new(),
            },
        )
        .await
        .unwrap();
    // Every read, on every project and on one.
    for scope in [Scope::all(), Scope::only(&[p]), Scope::only(&[q])] {
        let me = Some(me);
        record(
            &mut log,
            "projects",
            s.projects()
                .list(scope.clone(), true, None, 100)
                .await
                .unwrap(),
        );
        record(
            &mut log,
            "find",
            s.projects()
                .list(scope.clone(), true, text("A"), 100)
                .await
                .unwrap(),
        );
        record(
            &mut log,
            "progress",
            s.projects().progress(scope.clone(), p).await.unwrap(),
        );
        record(
            &mut log,
            "members",
            s.projects().members(scope.clone(), p, false).await.unwrap(),
        );
        record(
            &mut log,
            "team",
            s.projects().members(scope.clone(), p, true).await.unwrap(),
        );
        record(
            &mut log,
            "of_user",
            s.projects()
                .of_user(scope.clone(), people[0])
                .await
                .unwrap(),
        );
        for term in ["login", "LOGIN", "%", "_", "ärger", "Ärger", "backend", "–"] {
            let c = SearchCriteria {
                term: text(term),
                ..SearchCriteria::default()
            };
            record(&mut log, term, search(s, scope.clone(), c).await);
        }
        record(
            &mut log,
            "tickets",
            s.tickets()
                .search(scope.clone(), SearchCriteria::default(), 100)
                .await
                .unwrap(),
        );
        record(
            &mut log,
            "milestones",
            s.tickets()
                .milestones(scope.clone(), None, true, 100)
                .await
                .unwrap(),
        );
        record(
            &mut log,
            "mprogress",
            s.tickets()
                .milestone_progress(scope.clone(), milestone)
                .await
                .unwrap(),
        );
        record(
            &mut log,
            "open",
            s.tickets()
                .of_user(scope.clone(), people[0], None, false, 100)
                .await
                .unwrap(),
        );
        record(
            &mut log,
            "users",
            s.users().list(scope.clone(), me, false, 100).await.unwrap(),
        );
        record(
            &mut log,
            "by_name",
            s.users()
                .by_username(scope.clone(), me, "BOB@example.com".into())
                .await
                .unwrap(),
        );
        record(
            &mut log,
            "clients",
            s.clients().list(scope.clone(), 100).await.unwrap(),
        );
        record(
            &mut log,
            "sprints",
            s.sprints()
                .list(scope.clone(), None, When::All, 100)
                .await
                .unwrap(),
        );
        record(
            &mut log,
            "comments",
            s.comments()
                .list(scope.clone(), "ticket", tickets_made[0], 0, true, 100)
                .await
                .unwrap(),
        );
        let filter = Filter {
            from: "0000-00-00 00:00:00".into(),
            to: "9999-12-31 23:59:59".into(),
            ..Filter::default()
        };
        record(
            &mut log,
            "times",
            s.timesheets()
                .list(scope.clone(), filter, 100)
                .await
                .unwrap(),
        );
        record(
            &mut log,
            "hours",
            s.timesheets()
                .hours(scope.clone(), tickets_made[0], None)
                .await
                .unwrap(),
        );
        record(
            &mut log,
            "my hours",
            s.timesheets()
                .hours(scope.clone(), tickets_made[0], me)
                .await
                .unwrap(),
        );
        record(
            &mut log,
            "by_date",
            s.timesheets()
                .by_date(scope.clone(), tickets_made[0])
                .await
                .unwrap(),
        );
    }
    // Some changes, and the reads again.
    let moved = s
        .tickets()
        .move_to(all(), tickets_made[1], q)
        .await
        .unwrap();
    record(&mut log, "move", format!("{moved:?}"));
    let copy = s
        .projects()
        .duplicate(
            all(),
            Duplicate {
                from: p,
                client: 1,
                name: "Copy".into(),
                start: None,
                members: true,
            },
        )
        .await
        .unwrap();
    record(&mut log, "dup", format!("{copy:?}"));
    record(
        &mut log,
        "del",
        s.tickets().delete(all(), milestone, true).await.unwrap(),
    );
    record(
        &mut log,
        "deluser",
        s.users().delete(people[1]).await.unwrap(),
    );
    record(
        &mut log,
        "tickets",
        s.tickets()
            .search(all(), SearchCriteria::default(), 100)
            .await
            .unwrap(),
    );
    record(
        &mut log,
        "projects",
        s.projects().list(all(), true, None, 100).await.unwrap(),
    );
    record(
        &mut log,
        "users",
        s.users().list(all(), None, false, 100).await.unwrap(),
    );
    log
}

/// Blanks the values the database sets from its clock.
fn blank_times(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if matches!(key.as_str(), "modified" | "created" | "date") && v.is_string() {
                    *v = json!("(now)");
                } else {
                    blank_times(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(blank_times),
        _ => {}
    }
}

#[tokio::test]
async fn same_answers_on_both_backends() {
    let sqlite = Backend::sqlite();
    let postgres = Backend::postgres().await;
    let (a, b) = (
        scenario(&sqlite.store).await,
        scenario(&postgres.store).await,
    );
    assert!(a.len() > 80, "the scenario recorded {} answers", a.len());
    for (i, (a, b)) in a.iter().zip(&b).enumerate() {
        assert_eq!(a, b, "answer {i} differs (left SQLite, right PostgreSQL)");
    }
    assert_eq!(a.len(), b.len());
    // And as bytes, as the API would send them.
    assert_eq!(
        serde_json::to_vec(&a).unwrap(),
        serde_json::to_vec(&b).unwrap()
    );
}

/// Three servers starting at once against an empty database: the schema is created once, and
/// every one of them comes up.
#[tokio::test]
async fn concurrent_migrators_apply_each_migration_once() {
    let database = TestDatabase::create();
    let mut clients = Vec::new();
    for _ in 0..3 {
        clients.push(support::pg::connect(&database.url).await.expect("connect"));
    }
    let runs = clients.iter_mut().map(tickets::pg::migrations::migrate);
    let mut applied = Vec::new();
    for outcome in join_all(runs).await {
        applied.push(outcome.expect("a migrator failed"));
    }
    let versions: Vec<i64> = tickets::pg::migrations::MIGRATIONS
        .iter()
        .map(|m| m.version)
        .collect();
    // One of them applied everything, the others nothing.
    applied.sort();
    assert_eq!(applied, [vec![], vec![], versions.clone()]);
    let recorded: Vec<i64> = clients[0]
        .query(
            "SELECT version FROM schema_migrations ORDER BY version",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(recorded, versions);
    // Servers on the migrated database come up too, and find nothing to do.
    let store = PgDb::connect(&database.url).await.expect("connect again");
    assert!(
        tickets::pg::migrations::migrate(&mut clients[1])
            .await
            .unwrap()
            .is_empty()
    );
    drop(store);
}

#[tokio::test]
async fn a_schema_newer_than_the_build_is_refused() {
    let database = TestDatabase::create();
    PgDb::connect(&database.url).await.expect("the first start");
    let client = support::pg::connect(&database.url).await.unwrap();
    client
        .execute(
            "INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')",
            &[],
        )
        .await
        .unwrap();
    let error = PgDb::connect(&database.url).await.unwrap_err().to_string();
    assert!(
        error.contains("schema version 999, newer than this build knows"),
        "{error}"
    );
}

#[tokio::test]
async fn an_unreachable_database_fails_the_start_saying_where() {
    // Port 1 on loopback: nothing listens there.
    let error = PgDb::connect("postgres://nobody:secret@127.0.0.1:1/none")
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("127.0.0.1:1"), "{error}");
    assert!(!error.contains("secret"), "the password leaked: {error}");
}

/// Polls the futures together until all are done; answers in order.
async fn join_all<F: std::future::Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = futures.map(Box::pin).collect();
    let mut results: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, slot) in pinned.iter_mut().zip(results.iter_mut()) {
            if slot.is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(r) => *slot = Some(r),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    results.into_iter().flatten().collect()
}
