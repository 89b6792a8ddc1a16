//! jsonrpsee's HTTP client against the tickets server (run by `interop/run.sh`).
//!
//! jsonrpsee sends `Content-Type: application/json`, numeric ids counting from 0 (strings with
//! `IdKind::String`), reads no body for notifications, and its batches hold calls only. Every
//! case prints `PASS rust-jsonrpsee <case>` or `FAIL rust-jsonrpsee <case>: why`.

use std::future::Future;
use std::time::Duration;

use jsonrpsee::core::client::{ClientT, Error, IdKind};
use jsonrpsee::core::params::{BatchRequestBuilder, ObjectParams};
use jsonrpsee::http_client::{HeaderMap, HeaderValue, HttpClient, HttpClientBuilder};
use jsonrpsee::rpc_params;
use serde_json::Value;

const CLIENT: &str = "rust-jsonrpsee";
const GET_TICKET: &str = "leantime.rpc.tickets.getTicket";
const PATCH_TICKET: &str = "leantime.rpc.tickets.patch";
const GET_PROJECT: &str = "leantime.rpc.projects.getProject";
const GET_ALL_PROJECTS: &str = "leantime.rpc.projects.getAll";
const MISSING_TICKET: i64 = 999_999;
const NOT_FOUND: i32 = -32002;
/// Leantime's status id of a new ticket (3 new, 1 blocked, 4 in progress, 2 waiting, 0 done,
/// -1 archived).
const STATUS_NEW: i64 = 3;

type Outcome = Result<(), String>;

struct Env {
    url: String,
    key: String,
    own_ticket: i64,
    ticket9_headline: String,
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set (run interop/run.sh)"))
}

fn client(env: &Env, key: &str, ids: IdKind) -> HttpClient {
    let mut headers = HeaderMap::new();
    headers.insert(
        "x-api-key",
        HeaderValue::from_str(key).expect("a key is a header value"),
    );
    HttpClientBuilder::default()
        .set_headers(headers)
        .id_format(ids)
        .request_timeout(Duration::from_secs(10))
        .build(&env.url)
        .expect("a valid URL")
}

fn named(pairs: &[(&str, Value)]) -> ObjectParams {
    let mut params = ObjectParams::new();
    for (name, value) in pairs {
        params.insert(name, value).expect("serializable");
    }
    params
}

fn ensure(condition: bool, message: impl FnOnce() -> String) -> Outcome {
    if condition { Ok(()) } else { Err(message()) }
}

fn check_ticket9(env: &Env, ticket: &Value) -> Outcome {
    ensure(ticket["id"] == 9, || {
        format!("ticket 9 has id {}", ticket["id"])
    })?;
    ensure(ticket["projectId"] == 1, || {
        format!("projectId {}", ticket["projectId"])
    })?;
    ensure(ticket["headline"] == env.ticket9_headline.as_str(), || {
        format!("headline {}", ticket["headline"])
    })?;
    ensure(ticket["status"] == STATUS_NEW, || {
        format!("status {}", ticket["status"])
    })?;
    ensure(ticket["statusLabel"] == "New", || {
        format!("statusLabel {}", ticket["statusLabel"])
    })
}

fn fresh_headline(tag: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    // Non-ASCII on purpose: serde_json sends raw UTF-8 (Python's json sends \u escapes).
    format!("{CLIENT} notified {tag} {nanos:08x} \u{e9}\u{2713}\u{1f600}")
}

async fn own_ticket(env: &Env, c: &HttpClient) -> Result<Value, String> {
    c.request(GET_TICKET, named(&[("id", env.own_ticket.into())]))
        .await
        .map_err(|e| format!("getTicket {}: {e}", env.own_ticket))
}

async fn named_call(env: &Env, c: &HttpClient) -> Outcome {
    // The first call of a fresh client: its id is 0.
    let ticket: Value = c
        .request(GET_TICKET, named(&[("id", 9.into())]))
        .await
        .map_err(|e| e.to_string())?;
    check_ticket9(env, &ticket)
}

async fn positional_call(env: &Env, c: &HttpClient) -> Outcome {
    let ticket: Value = c
        .request(GET_TICKET, rpc_params![9])
        .await
        .map_err(|e| e.to_string())?;
    check_ticket9(env, &ticket)
}

async fn no_params(c: &HttpClient) -> Outcome {
    // Empty ArrayParams and ObjectParams build to no params at all.
    for projects in [
        c.request::<Value, _>(GET_ALL_PROJECTS, rpc_params![]).await,
        c.request::<Value, _>(GET_ALL_PROJECTS, ObjectParams::new())
            .await,
    ] {
        let projects = projects.map_err(|e| e.to_string())?;
        ensure(
            projects[0]["id"] == 1 && projects.as_array().map(Vec::len) == Some(1),
            || format!("got {projects}"),
        )?;
    }
    Ok(())
}

async fn notification(env: &Env, c: &HttpClient) -> Outcome {
    let headline = fresh_headline("single");
    // Leantime's `tickets.patch {id, params: {...}}`.
    c.notification(
        PATCH_TICKET,
        named(&[
            ("id", env.own_ticket.into()),
            ("params", serde_json::json!({ "headline": headline })),
        ]),
    )
    .await
    .map_err(|e| e.to_string())?;
    let ticket = own_ticket(env, c).await?;
    ensure(ticket["headline"] == headline.as_str(), || {
        format!("notification not applied: {}", ticket["headline"])
    })
}

async fn batch(env: &Env, c: &HttpClient) -> Outcome {
    let mut batch = BatchRequestBuilder::new();
    batch
        .insert(GET_TICKET, named(&[("id", 9.into())]))
        .expect("serializable");
    batch
        .insert(GET_TICKET, rpc_params![9])
        .expect("serializable");
    batch
        .insert(GET_PROJECT, named(&[("id", 1.into())]))
        .expect("serializable");
    batch
        .insert(GET_TICKET, named(&[("id", MISSING_TICKET.into())]))
        .expect("serializable");
    let answers = c
        .batch_request::<Value>(batch)
        .await
        .map_err(|e| e.to_string())?;
    ensure(answers.len() == 4, || {
        format!("{} answers to 4 calls", answers.len())
    })?;
    ensure(
        answers.num_successful_calls() == 3 && answers.num_failed_calls() == 1,
        || {
            format!(
                "{} ok, {} failed",
                answers.num_successful_calls(),
                answers.num_failed_calls()
            )
        },
    )?;
    // jsonrpsee puts each answer back in request order by its id.
    let entries: Vec<_> = answers.into_iter().collect();
    let ok = |i: usize| entries[i].as_ref().map_err(|e| format!("call {i}: {e}"));
    check_ticket9(env, ok(0)?)?;
    check_ticket9(env, ok(1)?)?;
    ensure(ok(2)?["id"] == 1, || {
        "getProject answered another project".into()
    })?;
    match &entries[3] {
        Err(e) if e.code() == NOT_FOUND => Ok(()),
        other => Err(format!("missing ticket answered {other:?}")),
    }
}

async fn string_ids(env: &Env) -> Outcome {
    let c = client(env, &env.key, IdKind::String);
    let ticket: Value = c
        .request(GET_TICKET, named(&[("id", 9.into())]))
        .await
        .map_err(|e| e.to_string())?;
    check_ticket9(env, &ticket)?;
    let mut batch = BatchRequestBuilder::new();
    batch
        .insert(GET_TICKET, rpc_params![9])
        .expect("serializable");
    batch
        .insert(GET_PROJECT, rpc_params![1])
        .expect("serializable");
    let answers = c
        .batch_request::<Value>(batch)
        .await
        .map_err(|e| e.to_string())?;
    ensure(answers.num_successful_calls() == 2, || {
        format!("{answers:?}")
    })
}

async fn error(c: &HttpClient) -> Outcome {
    match c
        .request::<Value, _>(GET_TICKET, named(&[("id", MISSING_TICKET.into())]))
        .await
    {
        Err(Error::Call(e)) if e.code() == NOT_FOUND => {
            println!("NOTE {CLIENT} error: Error::Call({e:?})");
            Ok(())
        }
        other => Err(format!("expected Error::Call -32002, got {other:?}")),
    }
}

async fn unauthorized(env: &Env) -> Outcome {
    let c = client(env, "lt_notakey_000000000000000000000000", IdKind::Number);
    match c
        .request::<Value, _>(GET_TICKET, named(&[("id", 9.into())]))
        .await
    {
        Err(Error::Transport(e)) if e.to_string().contains("401") => {
            println!(
                "NOTE {CLIENT} unauthorized: a non-2xx status is Error::Transport({e}); \
                 the JSON-RPC error body (-32001) is never read"
            );
            Ok(())
        }
        other => Err(format!(
            "expected a transport error naming 401, got {other:?}"
        )),
    }
}

async fn run(name: &str, failed: &mut u32, case: impl Future<Output = Outcome>) {
    match case.await {
        Ok(()) => println!("PASS {CLIENT} {name}"),
        Err(why) => {
            *failed += 1;
            println!("FAIL {CLIENT} {name}: {why}");
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let env = Env {
        url: env("LEANRPC_URL"),
        key: env("LEANRPC_KEY"),
        own_ticket: env("LEANRPC_TICKET")
            .parse()
            .expect("LEANRPC_TICKET is a number"),
        ticket9_headline: env("LEANRPC_TICKET9_HEADLINE"),
    };
    let c = client(&env, &env.key, IdKind::Number);
    let mut failed = 0;
    run("named-call", &mut failed, named_call(&env, &c)).await;
    run("positional-call", &mut failed, positional_call(&env, &c)).await;
    run("no-params", &mut failed, no_params(&c)).await;
    run("notification", &mut failed, notification(&env, &c)).await;
    run("batch", &mut failed, batch(&env, &c)).await;
    println!(
        "NOTE {CLIENT} batch: BatchRequestBuilder holds calls only; a notification cannot be batched, \
         so there is no notification-only batch either"
    );
    run("string-ids", &mut failed, string_ids(&env)).await;
    run("error", &mut failed, error(&c)).await;
    run("unauthorized", &mut failed, unauthorized(&env)).await;
    if failed == 0 {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}
