//! Every binding rule of `#[rpc_service]`, driven through `Server::call` / `call_as` with JSON
//! text and checked against the exact answer.

use std::sync::atomic::{AtomicUsize, Ordering};

use leanrpc::{
    AuthError, Authenticator, BoxFuture, BuildError, CallContext, Caller, Credentials, Params,
    Role, RpcError, Server, rpc_service,
};
use leanrpc_test_support::caller;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// Services

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
enum Status {
    Open,
    Closed,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
struct NewTicket {
    title: String,
    status: Status,
    tags: Vec<String>,
    parent: Option<Box<NewTicket>>,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
enum Filter {
    ByProject { id: i64 },
    All,
}

/// The user error type of the tickets service.
#[derive(Debug)]
enum TicketError {
    Missing(i64),
    Closed,
}

impl From<TicketError> for RpcError {
    fn from(error: TicketError) -> Self {
        match error {
            TicketError::Missing(id) => RpcError::not_found().data(json!({ "id": id })),
            TicketError::Closed => RpcError::invalid_param("id", "the ticket is closed"),
        }
    }
}

struct Tickets {
    calls: AtomicUsize,
}

#[rpc_service("tickets")]
impl Tickets {
    #[rpc(skip)]
    fn new() -> Self {
        Tickets {
            calls: AtomicUsize::new(0),
        }
    }

    #[rpc(skip)]
    fn helper(&self) -> usize {
        self.calls.fetch_add(1, Ordering::SeqCst)
    }

    /// Async, `Result<T, E>` with a user error type.
    async fn get_ticket(&self, id: i64) -> Result<String, TicketError> {
        self.helper();
        match id {
            404 => Err(TicketError::Missing(id)),
            410 => Err(TicketError::Closed),
            _ => Ok(format!("ticket {id}")),
        }
    }

    /// Sync, plain `T`; a required, an optional and a defaulted param.
    fn list(&self, project_id: i64, status: Option<Status>, #[rpc(default)] limit: u32) -> Value {
        json!({ "projectId": project_id, "status": status, "limit": limit })
    }

    #[rpc(alias = "all", alias = "everything")]
    fn get_all_tickets(&self) -> Vec<i64> {
        vec![1, 2]
    }

    fn flag(&self, on: bool, count: u8) -> (bool, u8) {
        (on, count)
    }

    fn create(&self, ticket: NewTicket) -> NewTicket {
        ticket
    }

    fn search(&self, filter: Filter) -> String {
        match filter {
            Filter::ByProject { id } => format!("project {id}"),
            Filter::All => "all".to_owned(),
        }
    }

    fn who(&self, caller: Option<&Caller>) -> Option<String> {
        caller.map(|c| c.key_id().to_owned())
    }

    fn whoami(&self, caller: &Caller) -> String {
        caller.key_id().to_owned()
    }

    fn context(&self, ctx: &CallContext<'_>, n: i64) -> Value {
        json!({ "method": ctx.method(), "id": ctx.id().map(|id| id.as_json().to_owned()), "n": n })
    }

    fn boom(&self) -> i64 {
        panic!("a handler bug")
    }

    async fn boom_later(&self) -> i64 {
        std::future::ready(()).await;
        panic!("a handler bug after an await")
    }
}

struct Root;

#[rpc_service]
impl Root {
    /// Variadic: the raw params.
    fn sum(&self, params: Params<'_>) -> Result<i64, RpcError> {
        Ok(params.sequence::<i64>()?.iter().sum())
    }

    fn count(&self, #[rpc(raw)] params: Params<'_>, caller: Option<&Caller>) -> Value {
        let _ = caller;
        json!({ "none": params.is_none(), "positional": params.is_positional() })
    }
}

/// Leantime's behaviour: params a method does not declare are skipped, except where a method
/// says otherwise.
struct Lenient;

#[rpc_service("lenient", unknown_params = "ignore")]
impl Lenient {
    fn get(&self, id: i64, #[rpc(default)] verbose: bool) -> Value {
        json!({ "id": id, "verbose": verbose })
    }

    #[rpc(unknown_params = "reject")]
    fn strict(&self, id: i64) -> i64 {
        id
    }
}

/// The default policy, overridden on one method.
struct MostlyStrict;

#[rpc_service("mostlyStrict")]
impl MostlyStrict {
    fn get(&self, id: i64) -> i64 {
        id
    }

    #[rpc(unknown_params = "ignore")]
    fn lenient(&self, id: i64) -> i64 {
        id
    }
}

struct Unmounted;

#[rpc_service("unmounted")]
impl Unmounted {
    fn ping(&self) -> &'static str {
        "pong"
    }
}

fn server() -> Server {
    Server::builder()
        .namespace("leantime.rpc")
        .service(Tickets::new())
        .service(Root)
        .service(Lenient)
        .service(MostlyStrict)
        .build()
        .unwrap()
}

// ---------------------------------------------------------------------------------------------
// Helpers

fn answer(server: &Server, caller: Option<&Caller>, body: &str) -> Option<Value> {
    let out = futures_executor::block_on(server.call_as(body, caller))?;
    Some(serde_json::from_slice(&out).expect("the server answers JSON"))
}

/// Calls `leantime.rpc.tickets.{method}` with `params` and checks the whole answer.
#[track_caller]
fn check(server: &Server, method: &str, params: &str, expected: &str) {
    let body = format!(
        r#"{{"jsonrpc":"2.0","method":"leantime.rpc.tickets.{method}","params":{params},"id":1}}"#
    );
    check_body(server, None, &body, expected);
}

#[track_caller]
fn check_body(server: &Server, caller: Option<&Caller>, body: &str, expected: &str) {
    let expected: Value = serde_json::from_str(expected).expect("valid expected JSON");
    assert_eq!(answer(server, caller, body), Some(expected), "{body}");
}

fn result(json: &str) -> String {
    format!(r#"{{"jsonrpc":"2.0","result":{json},"id":1}}"#)
}

fn error(code: i32, message: &str, data: Option<&str>) -> String {
    let message = Value::String(message.to_owned());
    match data {
        Some(data) => format!(
            r#"{{"jsonrpc":"2.0","error":{{"code":{code},"message":{message},"data":{data}}},"id":1}}"#
        ),
        None => {
            format!(r#"{{"jsonrpc":"2.0","error":{{"code":{code},"message":{message}}},"id":1}}"#)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Params by name and by position

#[test]
fn named_params_bind_by_rust_name_and_by_camel_name() {
    let s = server();
    let expected = result(r#"{"projectId":3,"status":null,"limit":0}"#);
    check(&s, "list", r#"{"project_id":3}"#, &expected);
    check(&s, "list", r#"{"projectId":3}"#, &expected);
}

#[test]
fn positional_params_bind_in_declaration_order() {
    let s = server();
    check(
        &s,
        "list",
        r#"[3,"open",25]"#,
        &result(r#"{"projectId":3,"status":"open","limit":25}"#),
    );
    check(
        &s,
        "list",
        "[3]",
        &result(r#"{"projectId":3,"status":null,"limit":0}"#),
    );
}

#[test]
fn option_params_may_be_absent_or_null() {
    let s = server();
    let expected = result(r#"{"projectId":3,"status":null,"limit":0}"#);
    check(&s, "list", r#"{"projectId":3}"#, &expected);
    check(&s, "list", r#"{"projectId":3,"status":null}"#, &expected);
    check(&s, "list", "[3,null]", &expected);
    check(
        &s,
        "list",
        r#"{"projectId":3,"status":"closed"}"#,
        &result(r#"{"projectId":3,"status":"closed","limit":0}"#),
    );
}

#[test]
fn default_params_fall_back_to_default_and_take_a_given_value() {
    let s = server();
    check(
        &s,
        "list",
        r#"{"projectId":3}"#,
        &result(r#"{"projectId":3,"status":null,"limit":0}"#),
    );
    check(
        &s,
        "list",
        r#"{"projectId":3,"limit":"7"}"#,
        &result(r#"{"projectId":3,"status":null,"limit":7}"#),
    );
}

#[test]
fn a_missing_required_param_is_named() {
    let s = server();
    let missing = error(
        -32602,
        "Invalid params: missing required param `projectId`",
        Some(r#"{"param":"projectId","reason":"missing required param","expected":"i64"}"#),
    );
    check(&s, "list", r#"{"limit":1}"#, &missing);
    check(&s, "list", "[]", &missing);
    check(&s, "list", "{}", &missing);
    let body = r#"{"jsonrpc":"2.0","method":"leantime.rpc.tickets.list","id":1}"#;
    check_body(&s, None, body, &missing);
}

#[test]
fn unknown_named_params_are_listed_with_the_expected_ones() {
    let s = server();
    check(
        &s,
        "list",
        r#"{"projectId":3,"projectid":4,"page":2}"#,
        &error(
            -32602,
            "Invalid params: unknown params `projectid`, `page` (expected `projectId`, `status`, `limit`)",
            Some(
                r#"{"reason":"unknown params","unknown":["projectid","page"],"expected":["projectId","status","limit"]}"#,
            ),
        ),
    );
    check(
        &s,
        "getAllTickets",
        r#"{"x":1}"#,
        &error(
            -32602,
            "Invalid params: unknown param `x` (this method takes no params)",
            Some(r#"{"reason":"unknown params","unknown":["x"],"expected":[]}"#),
        ),
    );
}

/// Calls `leantime.rpc.{method}` (service included) with `params` and checks the whole answer.
#[track_caller]
fn check_in(server: &Server, method: &str, params: &str, expected: &str) {
    let body =
        format!(r#"{{"jsonrpc":"2.0","method":"leantime.rpc.{method}","params":{params},"id":1}}"#);
    check_body(server, None, &body, expected);
}

#[test]
fn unknown_params_are_skipped_where_the_service_says_ignore() {
    let s = server();
    // Extras of every JSON type, before, between and after the declared params, nested too.
    check_in(
        &s,
        "lenient.get",
        r#"{"limit":5,"id":"7","dryRun":true,"x":{"deep":[1,{"a":null}]},"verbose":"true","y":null}"#,
        &result(r#"{"id":7,"verbose":true}"#),
    );
    check_in(
        &s,
        "lenient.get",
        r#"{"id":7,"projectId":2}"#,
        &result(r#"{"id":7,"verbose":false}"#),
    );
    // Everything else is still checked: a missing or mistyped declared param, a repeat.
    check_in(
        &s,
        "lenient.get",
        r#"{"projectId":2}"#,
        &error(
            -32602,
            "Invalid params: missing required param `id`",
            Some(r#"{"param":"id","reason":"missing required param","expected":"i64"}"#),
        ),
    );
    check_in(
        &s,
        "lenient.get",
        r#"{"extra":1,"id":"seven"}"#,
        &error(
            -32602,
            "Invalid params: `id`: invalid value: string \"seven\", expected i64",
            Some(
                r#"{"param":"id","expected":"i64","reason":"invalid value: string \"seven\", expected i64"}"#,
            ),
        ),
    );
    check_in(
        &s,
        "lenient.get",
        r#"{"id":1,"extra":1,"id":2}"#,
        &error(
            -32602,
            "Invalid params: `id` given more than once",
            Some(r#"{"param":"id","reason":"given more than once"}"#),
        ),
    );
    // Surplus positional values are an arity mistake, not an extra: still rejected.
    check_in(
        &s,
        "lenient.get",
        "[1,true,3]",
        &error(
            -32602,
            "Invalid params: too many positional params: expected at most 2, got 3",
            Some(
                r#"{"reason":"too many positional params: expected at most 2, got 3","expected":["id","verbose"]}"#,
            ),
        ),
    );
}

#[test]
fn a_method_overrides_its_services_unknown_params_policy() {
    let s = server();
    let rejected = |method: &str| {
        check_in(
            &s,
            method,
            r#"{"id":1,"limit":5}"#,
            &error(
                -32602,
                "Invalid params: unknown param `limit` (expected `id`)",
                Some(r#"{"reason":"unknown params","unknown":["limit"],"expected":["id"]}"#),
            ),
        );
    };
    rejected("lenient.strict");
    rejected("mostlyStrict.get");
    check_in(
        &s,
        "mostlyStrict.lenient",
        r#"{"id":1,"limit":5}"#,
        &result("1"),
    );
}

#[test]
fn scalar_results_come_in_arrays_for_leantime_3_8_clients_when_asked() {
    let old_clients = Server::builder()
        .namespace("leantime.rpc")
        .service(Tickets::new())
        .scalar_results_in_arrays(true)
        .build()
        .unwrap();
    // Scalars (number, string, bool) and null are wrapped; arrays and objects are not.
    check(
        &old_clients,
        "getTicket",
        r#"{"id":9}"#,
        &result(r#"["ticket 9"]"#),
    );
    check(&old_clients, "flag", r#"[true,2]"#, &result("[true,2]"));
    check(
        &old_clients,
        "list",
        r#"{"projectId":3}"#,
        &result(r#"{"projectId":3,"status":null,"limit":0}"#),
    );
    let body = r#"{"jsonrpc":"2.0","method":"leantime.rpc.tickets.who","id":1}"#;
    check_body(&old_clients, None, body, &result("[]"));
    // Errors are errors either way.
    check(
        &old_clients,
        "getTicket",
        r#"{"id":404}"#,
        &error(-32002, "Not found", Some(r#"{"id":404}"#)),
    );
    // Off by default: the specification's (and Leantime 3.9's) plain values.
    check(
        &server(),
        "getTicket",
        r#"{"id":9}"#,
        &result(r#""ticket 9""#),
    );
}

#[test]
fn too_many_positional_params_are_rejected() {
    let s = server();
    check(
        &s,
        "list",
        "[3,null,1,4]",
        &error(
            -32602,
            "Invalid params: too many positional params: expected at most 3, got 4",
            Some(
                r#"{"reason":"too many positional params: expected at most 3, got 4","expected":["projectId","status","limit"]}"#,
            ),
        ),
    );
}

#[test]
fn a_param_given_twice_is_rejected() {
    let s = server();
    check(
        &s,
        "list",
        r#"{"project_id":3,"projectId":3}"#,
        &error(
            -32602,
            "Invalid params: `projectId` given more than once",
            Some(r#"{"param":"projectId","reason":"given more than once"}"#),
        ),
    );
}

// ---------------------------------------------------------------------------------------------
// Values

#[test]
fn strings_coerce_to_numbers_and_booleans() {
    let s = server();
    check(&s, "getTicket", r#"{"id":"9"}"#, &result(r#""ticket 9""#));
    check(&s, "getTicket", r#"["9"]"#, &result(r#""ticket 9""#));
    check(
        &s,
        "flag",
        r#"{"on":"true","count":"2"}"#,
        &result("[true,2]"),
    );
    check(&s, "flag", r#"["false",3]"#, &result("[false,3]"));
}

#[test]
fn a_type_mismatch_names_the_param_and_the_expected_type() {
    let s = server();
    check(
        &s,
        "getTicket",
        r#"{"id":"nine"}"#,
        &error(
            -32602,
            "Invalid params: `id`: invalid value: string \"nine\", expected i64",
            Some(
                r#"{"param":"id","expected":"i64","reason":"invalid value: string \"nine\", expected i64"}"#,
            ),
        ),
    );
    check(
        &s,
        "flag",
        r#"{"on":true,"count":300}"#,
        &error(
            -32602,
            "Invalid params: `count`: invalid value: integer `300`, expected u8",
            Some(
                r#"{"param":"count","expected":"u8","reason":"invalid value: integer `300`, expected u8"}"#,
            ),
        ),
    );
    check(
        &s,
        "list",
        r#"{"projectId":1,"status":"pending"}"#,
        &error(
            -32602,
            "Invalid params: `status`: unknown variant `pending`, expected `open` or `closed`",
            Some(
                r#"{"param":"status","expected":"Option<Status>","reason":"unknown variant `pending`, expected `open` or `closed`"}"#,
            ),
        ),
    );
}

#[test]
fn nested_structs_and_enums_bind_through_serde() {
    let s = server();
    let ticket = r#"{"title":"Child","status":"open","tags":["a","b"],"parent":{"title":"Root","status":"closed","tags":[],"parent":null}}"#;
    check(
        &s,
        "create",
        &format!(r#"{{"ticket":{ticket}}}"#),
        &result(ticket),
    );
    check(
        &s,
        "search",
        r#"{"filter":{"kind":"byProject","id":5}}"#,
        &result(r#""project 5""#),
    );
    check(&s, "search", r#"[{"kind":"all"}]"#, &result(r#""all""#));
    check(
        &s,
        "create",
        r#"{"ticket":{"title":"x","status":"open"}}"#,
        &error(
            -32602,
            "Invalid params: `ticket`: missing field `tags`",
            Some(r#"{"param":"ticket","expected":"NewTicket","reason":"missing field `tags`"}"#),
        ),
    );
}

#[test]
fn raw_params_reach_the_handler_unparsed() {
    let s = server();
    let call = |params: &str, expected: &str| {
        let body =
            format!(r#"{{"jsonrpc":"2.0","method":"leantime.rpc.sum","params":{params},"id":1}}"#);
        check_body(&s, None, &body, expected);
    };
    call("[1,2,4]", &result("7"));
    call(r#"[1,"2",3]"#, &result("6"));
    call("[]", &result("0"));
    call(
        r#"{"a":1}"#,
        &error(
            -32602,
            "Invalid params: expected positional params (an array)",
            Some(r#""expected positional params (an array)""#),
        ),
    );
    let body = r#"{"jsonrpc":"2.0","method":"leantime.rpc.sum","id":1}"#;
    check_body(&s, None, body, &result("0"));
    let body = r#"{"jsonrpc":"2.0","method":"leantime.rpc.count","params":{"any":"shape"},"id":1}"#;
    check_body(
        &s,
        None,
        body,
        &result(r#"{"none":false,"positional":false}"#),
    );
    let body = r#"{"jsonrpc":"2.0","method":"leantime.rpc.count","id":1}"#;
    check_body(
        &s,
        None,
        body,
        &result(r#"{"none":true,"positional":false}"#),
    );
}

// ---------------------------------------------------------------------------------------------
// Context params

#[test]
fn context_params_come_from_the_call() {
    let s = server();
    let key = caller(Role::Readonly);
    let body = |method: &str| {
        format!(r#"{{"jsonrpc":"2.0","method":"leantime.rpc.tickets.{method}","id":1}}"#)
    };
    check_body(&s, None, &body("who"), &result("null"));
    check_body(&s, Some(&key), &body("who"), &result(r#""k1""#));
    check_body(&s, Some(&key), &body("whoami"), &result(r#""k1""#));
    check_body(
        &s,
        None,
        &body("whoami"),
        &error(-32001, "this method requires an API key", None),
    );
    check_body(
        &s,
        None,
        r#"{"jsonrpc":"2.0","method":"leantime.rpc.tickets.context","params":{"n":5},"id":"abc"}"#,
        r#"{"jsonrpc":"2.0","result":{"method":"leantime.rpc.tickets.context","id":"\"abc\"","n":5},"id":"abc"}"#,
    );
    // Context params take no JSON: `[5]` binds `n`, the only JSON param.
    check(
        &s,
        "context",
        "[5]",
        &result(r#"{"method":"leantime.rpc.tickets.context","id":"1","n":5}"#),
    );
}

// ---------------------------------------------------------------------------------------------
// Methods and results

#[test]
fn sync_and_async_methods_return_values_and_user_errors() {
    let s = server();
    check(&s, "getTicket", "[1]", &result(r#""ticket 1""#));
    check(
        &s,
        "getTicket",
        "[404]",
        &error(-32002, "Not found", Some(r#"{"id":404}"#)),
    );
    check(
        &s,
        "getTicket",
        "[410]",
        &error(
            -32602,
            "Invalid params: `id`: the ticket is closed",
            Some(r#"{"param":"id","reason":"the ticket is closed"}"#),
        ),
    );
    check(&s, "getAllTickets", "[]", &result("[1,2]"));
}

#[test]
fn aliases_reach_the_method() {
    let s = server();
    for name in [
        "getAllTickets",
        "all",
        "everything",
        "get_all_tickets",
        "EVERYTHING",
    ] {
        check(&s, name, "[]", &result("[1,2]"));
    }
    let def = s.resolve("leantime.rpc.tickets.all").unwrap().def;
    assert_eq!(def.aliases, ["all", "everything"]);
}

#[test]
fn names_match_ignoring_case_underscores_and_dashes() {
    let s = server();
    for name in [
        "leantime.rpc.tickets.get_ticket",
        "leantime.rpc.tickets.getTicket",
        "leantime.rpc.tickets.GetTicket",
        "leantime.rpc.tickets.get-ticket",
        "leantime.rpc.Tickets.Tickets.getTicket",
        "Leantime.RPC.tickets.GETTICKET",
    ] {
        let body = format!(r#"{{"jsonrpc":"2.0","method":"{name}","params":[2],"id":1}}"#);
        check_body(&s, None, &body, &result(r#""ticket 2""#));
    }
}

#[test]
fn skipped_methods_and_unmounted_services_are_not_reachable() {
    let s = server();
    let not_found = error(-32601, "Method not found", None);
    check(&s, "helper", "[]", &not_found);
    check(&s, "new", "[]", &not_found);
    let body = r#"{"jsonrpc":"2.0","method":"leantime.rpc.unmounted.ping","id":1}"#;
    check_body(&s, None, body, &not_found);
    // It is registered, and answers once mounted.
    let mounted = Server::builder().service(Unmounted).build().unwrap();
    let body = r#"{"jsonrpc":"2.0","method":"unmounted.ping","id":1}"#;
    check_body(&mounted, None, body, &result(r#""pong""#));
}

#[test]
fn a_panicking_handler_answers_internal_error_and_the_server_keeps_serving() {
    let s = server();
    for method in ["boom", "boomLater"] {
        check(&s, method, "[]", &error(-32603, "Internal error", None));
        check(&s, "getTicket", "[3]", &result(r#""ticket 3""#));
    }
}

#[test]
fn methods_record_their_definition() {
    let s = server();
    let def = s.resolve("leantime.rpc.tickets.getTicket").unwrap().def;
    assert_eq!(def.service, "tickets");
    assert_eq!(def.rust_name, "get_ticket");
    assert_eq!(def.result, "Result<String, TicketError>");
    assert_eq!(def.doc, "Async, `Result<T, E>` with a user error type.");
    assert_eq!(def.type_name, "Tickets");
    assert_eq!(def.file, file!());
    let source = include_str!("binding.rs");
    let line = source
        .lines()
        .position(|l| l.contains("async fn get_ticket(&self"))
        .unwrap();
    assert_eq!(def.line as usize, line + 1);
    let def = s.resolve("leantime.rpc.tickets.list").unwrap().def;
    let params: Vec<_> = def
        .params
        .iter()
        .map(|p| (p.name, p.camel, p.required, p.ty))
        .collect();
    assert_eq!(
        params,
        [
            ("project_id", "projectId", true, "i64"),
            ("status", "status", false, "Option<Status>"),
            ("limit", "limit", false, "u32"),
        ]
    );
    assert!(!def.raw_params);
    let def = s.resolve("leantime.rpc.sum").unwrap().def;
    assert!(def.raw_params && def.params.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Startup collisions

struct FirstClash;

#[rpc_service("clash")]
impl FirstClash {
    fn get_ticket(&self) {}
}

struct SecondClash;

#[rpc_service("clash")]
impl SecondClash {
    #[rpc(name = "Get-Ticket")]
    fn fetch(&self) {}
}

#[test]
fn a_name_collision_between_services_fails_the_build_naming_both_places() {
    let source = include_str!("binding.rs");
    let line_of = |needle: &str| source.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let error = Server::builder()
        .service(FirstClash)
        .service(SecondClash)
        .build()
        .unwrap_err();
    assert_eq!(
        error,
        BuildError::Collision {
            name: "clash.getticket".to_owned(),
            first: format!(
                "{}:{} (FirstClash::get_ticket)",
                file!(),
                line_of("fn get_ticket(&self) {}")
            ),
            second: format!(
                "{}:{} (SecondClash::fetch)",
                file!(),
                line_of("fn fetch(&self)")
            ),
        }
    );
    assert!(
        error
            .to_string()
            .contains("rename one with #[rpc(name = \"...\")]")
    );
}

// ---------------------------------------------------------------------------------------------
// Roles, scopes and projects

/// Authenticates nobody: the tests call `call_as` with a ready-made caller.
struct NoKeys;

impl Authenticator for NoKeys {
    fn authenticate<'a>(
        &'a self,
        _credentials: Credentials<'a>,
    ) -> BoxFuture<'a, Result<std::sync::Arc<Caller>, AuthError>> {
        Box::pin(async { Err(AuthError::Rejected) })
    }
}

struct Guarded;

#[rpc_service("guarded", min_role = "commenter")]
impl Guarded {
    fn read(&self) -> &'static str {
        "read"
    }

    #[rpc(min_role = "editor")]
    fn edit(&self) -> &'static str {
        "edit"
    }

    #[rpc(scope = "tickets:write", scope = "tickets:delete")]
    fn delete(&self) -> &'static str {
        "delete"
    }

    #[rpc(project = "project_id")]
    fn in_project(&self, project_id: i64) -> i64 {
        project_id
    }

    #[rpc(project = "projects")]
    fn in_projects(&self, #[rpc(default)] projects: Vec<i64>) -> usize {
        projects.len()
    }
}

struct Unguarded;

#[rpc_service("unguarded")]
impl Unguarded {
    fn admin_only(&self) -> &'static str {
        "admin"
    }
}

fn guarded() -> Server {
    Server::builder()
        .authenticator(NoKeys)
        .service(Guarded)
        .service(Unguarded)
        .build()
        .unwrap()
}

#[track_caller]
fn check_as(server: &Server, key: Option<&Caller>, method: &str, params: &str, expected: &str) {
    let body = format!(r#"{{"jsonrpc":"2.0","method":"{method}","params":{params},"id":1}}"#);
    check_body(server, key, &body, expected);
}

#[test]
fn roles_are_enforced_with_the_service_default_and_the_server_default() {
    let s = guarded();
    let readonly = caller(Role::Readonly);
    let commenter = caller(Role::Commenter);
    let editor = caller(Role::Editor);
    let admin = caller(Role::Admin);
    let needs = |role: &str| {
        error(
            -32001,
            &format!("this method requires role `{role}` or higher"),
            None,
        )
    };
    check_as(
        &s,
        None,
        "guarded.read",
        "[]",
        &error(-32001, "Unauthorized", None),
    );
    check_as(
        &s,
        Some(&readonly),
        "guarded.read",
        "[]",
        &needs("commenter"),
    );
    check_as(
        &s,
        Some(&commenter),
        "guarded.read",
        "[]",
        &result(r#""read""#),
    );
    check_as(&s, Some(&commenter), "guarded.edit", "[]", &needs("editor"));
    check_as(
        &s,
        Some(&editor),
        "guarded.edit",
        "[]",
        &result(r#""edit""#),
    );
    // No role declared anywhere: the server's default, admin.
    check_as(
        &s,
        Some(&editor),
        "unguarded.adminOnly",
        "[]",
        &needs("admin"),
    );
    check_as(
        &s,
        Some(&admin),
        "unguarded.adminOnly",
        "[]",
        &result(r#""admin""#),
    );
}

#[test]
fn scopes_are_enforced_all_of_them() {
    let s = guarded();
    let mut both = caller(Role::Owner);
    both.grant_mut().scopes = vec!["tickets:write".into(), "tickets:delete".into()];
    let mut one = caller(Role::Owner);
    one.grant_mut().scopes = vec!["tickets:write".into()];
    let unscoped = caller(Role::Owner);
    check_as(
        &s,
        Some(&one),
        "guarded.delete",
        "[]",
        &error(-32001, "this method requires scope `tickets:delete`", None),
    );
    check_as(
        &s,
        Some(&both),
        "guarded.delete",
        "[]",
        &result(r#""delete""#),
    );
    // A key without scopes holds all of them.
    check_as(
        &s,
        Some(&unscoped),
        "guarded.delete",
        "[]",
        &result(r#""delete""#),
    );
}

#[test]
fn projects_are_enforced_on_the_named_param() {
    let s = guarded();
    let mut limited = caller(Role::Commenter);
    limited.grant_mut().projects = vec![1, 2];
    let everywhere = caller(Role::Commenter);
    let forbidden = error(-32001, "this key may not access that project", None);
    check_as(
        &s,
        Some(&limited),
        "guarded.inProject",
        r#"{"projectId":2}"#,
        &result("2"),
    );
    check_as(
        &s,
        Some(&limited),
        "guarded.inProject",
        r#"{"projectId":"3"}"#,
        &forbidden,
    );
    check_as(
        &s,
        Some(&everywhere),
        "guarded.inProject",
        "[3]",
        &result("3"),
    );
    check_as(
        &s,
        Some(&limited),
        "guarded.inProjects",
        "[[1,2]]",
        &result("2"),
    );
    check_as(
        &s,
        Some(&limited),
        "guarded.inProjects",
        "[[1,3]]",
        &forbidden,
    );
    check_as(&s, Some(&limited), "guarded.inProjects", "[]", &result("0"));
}
