//! Shared by the property tests and the fuzz targets (`fuzz/src/lib.rs` includes this file by
//! path, so both check the same rules): two servers with methods mounted by hand, POST and GET
//! through the HTTP endpoint (`Endpoint::handle`), and an oracle that checks any answer against the body it answers.
//!
//! The oracle works from the JSON text alone, with serde_json and none of the core's parser:
//! it decides which items are valid notifications, which answers must be errors, and which id
//! text each answer must echo byte for byte.

// Each includer uses a different subset.
#![allow(dead_code)]

use std::any::{Any, TypeId};
use std::fmt;
use std::sync::LazyLock;

use leanrpc_core::params::{self, ParamDef};
use leanrpc_core::{Access, Answer, Invocation, MethodDef, RpcError, RpcService, Server};
use leanrpc_http::HttpResponse;
use leanrpc_test_support::Request;
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// The JSON-RPC 2.0 specification's example methods, served at the root.
///
/// A hand-expanded copy of `examples/spec-server/src/lib.rs` (plus `echo` and `fail`), kept on
/// purpose: these tests and the fuzz targets do not depend on the macro crate or the
/// facade, and this copy also shows what the macro's output must look like.
#[derive(Debug)]
pub struct Spec;

/// A Leantime-style service, served as `leantime.rpc.tickets.*`.
#[derive(Debug)]
pub struct Tickets;

fn spec_type() -> TypeId {
    TypeId::of::<Spec>()
}

fn tickets_type() -> TypeId {
    TypeId::of::<Tickets>()
}

type HandlerResult<'a> = Answer<'a>;

fn write(out: &mut Vec<u8>, value: &impl serde::Serialize) -> Result<(), RpcError> {
    serde_json::to_writer(out, value).map_err(|_| RpcError::internal())
}

fn overflow() -> RpcError {
    RpcError::invalid_params("the result does not fit in a 64-bit signed integer")
}

static SUBTRACT_PARAMS: [ParamDef; 2] = [
    ParamDef {
        name: "minuend",
        camel: "minuend",
        required: true,
        ty: "i64",
        schema: params::no_schema,
        default: params::no_default,
    },
    ParamDef {
        name: "subtrahend",
        camel: "subtrahend",
        required: true,
        ty: "i64",
        schema: params::no_schema,
        default: params::no_default,
    },
];
static NO_PARAMS: [ParamDef; 0] = [];
static GET_TICKET_PARAMS: [ParamDef; 1] = [ParamDef {
    name: "id",
    camel: "id",
    required: true,
    ty: "i64",
    schema: params::no_schema,
    default: params::no_default,
}];
static LIST_PARAMS: [ParamDef; 2] = [
    ParamDef {
        name: "project_id",
        camel: "projectId",
        required: false,
        ty: "Option<i64>",
        schema: params::no_schema,
        default: params::no_default,
    },
    ParamDef {
        name: "limit",
        camel: "limit",
        required: false,
        ty: "u32",
        schema: params::no_schema,
        default: params::no_default,
    },
];

fn subtract<'a>(_: &'a (dyn Any + Send + Sync), inv: Invocation<'a>) -> HandlerResult<'a> {
    Answer::Ready((move || {
        let mut slots = (None, None);
        params::bind(inv.params, &SUBTRACT_PARAMS, &mut slots)?;
        let minuend: i64 = params::take(slots.0)?;
        let subtrahend: i64 = params::take(slots.1)?;
        write(
            inv.out,
            &minuend.checked_sub(subtrahend).ok_or_else(overflow)?,
        )
    })())
}

fn sum<'a>(_: &'a (dyn Any + Send + Sync), inv: Invocation<'a>) -> HandlerResult<'a> {
    Answer::Ready((move || {
        let terms: Vec<i64> = inv.params.sequence()?;
        let total = terms
            .iter()
            .try_fold(0i64, |acc, n| acc.checked_add(*n))
            .ok_or_else(overflow)?;
        write(inv.out, &total)
    })())
}

fn get_data<'a>(_: &'a (dyn Any + Send + Sync), inv: Invocation<'a>) -> HandlerResult<'a> {
    Answer::Ready((move || {
        params::bind(inv.params, &NO_PARAMS, &mut ())?;
        write(inv.out, &("hello", 5))
    })())
}

/// Answers with its params exactly as received (`null` without): raw client JSON in the output.
fn echo<'a>(_: &'a (dyn Any + Send + Sync), inv: Invocation<'a>) -> HandlerResult<'a> {
    let raw = inv.params.raw().map_or("null", RawValue::get);
    inv.out.extend_from_slice(raw.as_bytes());
    Answer::Ready(Ok(()))
}

/// Fails with the params as error data: client JSON inside an error object.
fn fail<'a>(_: &'a (dyn Any + Send + Sync), inv: Invocation<'a>) -> HandlerResult<'a> {
    Answer::Ready((move || {
        let data: serde_json::Value = inv.params.parse()?;
        Err(RpcError::server_error().data(data))
    })())
}

/// Does nothing and answers `null`, as a method returning `()` does.
fn ignore<'a>(_: &'a (dyn Any + Send + Sync), inv: Invocation<'a>) -> HandlerResult<'a> {
    Answer::Ready(write(inv.out, &()))
}

fn get_ticket<'a>(_: &'a (dyn Any + Send + Sync), inv: Invocation<'a>) -> HandlerResult<'a> {
    // Written as an `async` method is: a future the server awaits.
    Answer::Pending(Box::pin(async move {
        let mut slots = (None,);
        params::bind(inv.params, &GET_TICKET_PARAMS, &mut slots)?;
        let id: i64 = params::take(slots.0)?;
        if id == 404 {
            return Err(RpcError::not_found());
        }
        write(
            inv.out,
            &serde_json::json!({ "id": id, "headline": "Ticket ✓ \"quoted\"" }),
        )
    }))
}

fn get_all_tickets<'a>(_: &'a (dyn Any + Send + Sync), inv: Invocation<'a>) -> HandlerResult<'a> {
    Answer::Ready((move || {
        let mut slots = (None, None);
        params::bind(inv.params, &LIST_PARAMS, &mut slots)?;
        let project_id: Option<i64> = params::take_or_default(slots.0)?;
        let limit: u32 = params::take_or_default(slots.1)?;
        write(inv.out, &[project_id.unwrap_or(-1), i64::from(limit)])
    })())
}

const fn def(
    service: &'static str,
    name: &'static str,
    params: &'static [ParamDef],
    raw_params: bool,
    service_type: fn() -> TypeId,
    handler: leanrpc_core::registry::Handler,
) -> MethodDef {
    MethodDef {
        service,
        name,
        aliases: &[],
        rust_name: name,
        params,
        raw_params,
        result: "",
        result_schema: params::no_schema,
        errors: &[],
        doc: "",
        file: file!(),
        line: line!(),
        service_type,
        type_name: "",
        access: Access::DEFAULT,
        unknown_params: params::UnknownParams::Reject,
        handler,
    }
}

static SPEC_METHODS: [MethodDef; 8] = [
    def("", "subtract", &SUBTRACT_PARAMS, false, spec_type, subtract),
    def("", "sum", &[], true, spec_type, sum),
    def("", "get_data", &NO_PARAMS, false, spec_type, get_data),
    def("", "echo", &[], true, spec_type, echo),
    def("", "fail", &[], true, spec_type, fail),
    def("", "update", &[], true, spec_type, ignore),
    def("", "notify_hello", &[], true, spec_type, ignore),
    def("", "notify_sum", &[], true, spec_type, ignore),
];

static TICKETS_METHODS: [MethodDef; 2] = [
    def(
        "tickets",
        "getTicket",
        &GET_TICKET_PARAMS,
        false,
        tickets_type,
        get_ticket,
    ),
    def(
        "tickets",
        "getAllTickets",
        &LIST_PARAMS,
        false,
        tickets_type,
        get_all_tickets,
    ),
];

impl RpcService for Spec {
    const NAME: &'static str = "";
    fn methods() -> &'static [MethodDef] {
        &SPEC_METHODS
    }
}

impl RpcService for Tickets {
    const NAME: &'static str = "tickets";
    fn methods() -> &'static [MethodDef] {
        &TICKETS_METHODS
    }
}

/// The specification's example methods (plus `echo` and `fail`) at the root, default limits.
pub static SPEC: LazyLock<Server> = LazyLock::new(|| {
    Server::builder()
        .service_explicit(Spec)
        .build()
        .expect("the spec server builds")
});

/// `leantime.rpc.tickets.getTicket` and `getAllTickets`, default limits.
pub static LEANTIME: LazyLock<Server> = LazyLock::new(|| {
    Server::builder()
        .namespace("leantime.rpc")
        .service_explicit(Tickets)
        .build()
        .expect("the leantime server builds")
});

/// Both servers.
pub fn servers() -> [&'static Server; 2] {
    [&SPEC, &LEANTIME]
}

/// POSTs `body` to `server`'s endpoint.
pub fn post(server: &Server, body: &[u8]) -> HttpResponse {
    Request::post(body).send(server)
}

/// GETs `server`'s endpoint with `query`.
pub fn get(server: &Server, query: &str) -> HttpResponse {
    Request::get(query).send(server)
}

/// The members of a JSON object in order, duplicates kept, values undecoded.
struct Members<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut members = Vec::new();
                while let Some(entry) = map.next_entry::<String, &'de RawValue>()? {
                    members.push(entry);
                }
                Ok(Members(members))
            }
        }
        d.deserialize_map(V)
    }
}

impl<'a> Members<'a> {
    fn all<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'a RawValue> + 's {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| *v)
    }

    fn one(&self, name: &str) -> Option<&'a RawValue> {
        let mut all = self.all(name);
        let first = all.next();
        if all.next().is_some() { None } else { first }
    }

    fn count(&self, name: &str) -> usize {
        self.all(name).count()
    }
}

/// The JSON kind of a raw value, from its first byte.
fn kind(raw: &RawValue) -> u8 {
    match raw.get().as_bytes()[0] {
        b'-' | b'0'..=b'9' => b'0',
        b't' | b'f' => b'b',
        other => other,
    }
}

/// Whether the raw value is a string, a number or null: an id the server can echo.
fn scalar_id(raw: &RawValue) -> bool {
    matches!(kind(raw), b'"' | b'0' | b'n')
}

fn decoded_string(raw: &RawValue) -> Option<String> {
    (kind(raw) == b'"')
        .then(|| serde_json::from_str::<String>(raw.get()).ok())
        .flatten()
}

/// What one request item must get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemAnswer {
    /// A valid notification: no answer at all.
    None,
    /// A valid call: a result or any error, with exactly this id text.
    Call {
        /// The id text to echo.
        id: String,
    },
    /// An invalid request: -32600 with one of these id texts.
    Invalid {
        /// Acceptable id texts (`null`, or an id member the request carried).
        ids: Vec<String>,
    },
}

/// What a whole body must get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyAnswer {
    /// HTTP 413: the body is over the size limit.
    TooLarge,
    /// One error object with this code and a `null` id.
    Error(i32),
    /// The answer to a single request object.
    Single(ItemAnswer),
    /// The answers to a batch, in order (valid notifications left out); an empty list means an
    /// empty body.
    Batch(Vec<ItemAnswer>),
}

impl BodyAnswer {
    /// Whether the body must get an empty answer (valid notifications only).
    pub fn is_empty(&self) -> bool {
        match self {
            BodyAnswer::Single(item) => *item == ItemAnswer::None,
            BodyAnswer::Batch(items) => items.is_empty(),
            BodyAnswer::TooLarge | BodyAnswer::Error(_) => false,
        }
    }
}

/// Nesting depth of a valid JSON text (1 for `[]`, 0 for a scalar).
fn depth(text: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for b in text.bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth -= 1,
            _ => {}
        }
    }
    max
}

/// Classifies one item. `Err(())` when the server cannot read it at all, which is -32700 for
/// the whole body: its member names, or the item itself when it is a scalar, do not decode
/// (a lone surrogate escape such as `"\ud800"`, a number beyond `f64` such as `1e400`).
/// Values the server skips or keeps raw are not decoded, so they never fail this way.
fn classify(raw: &RawValue) -> Result<ItemAnswer, ()> {
    let null = || ItemAnswer::Invalid {
        ids: vec!["null".to_owned()],
    };
    match kind(raw) {
        b'{' => {}
        b'"' | b'0' if serde_json::from_str::<serde_json::Value>(raw.get()).is_err() => {
            return Err(());
        }
        _ => return Ok(null()),
    }
    let members: Members<'_> = serde_json::from_str(raw.get()).map_err(|_| ())?;
    let ids: Vec<&RawValue> = members.all("id").collect();
    let invalid = || {
        let mut ids: Vec<String> = ids
            .iter()
            .filter(|id| scalar_id(id))
            .map(|id| id.get().to_owned())
            .collect();
        ids.push("null".to_owned());
        ItemAnswer::Invalid { ids }
    };
    let version_ok = members
        .one("jsonrpc")
        .and_then(decoded_string)
        .is_some_and(|v| v == "2.0");
    let method_ok = members.one("method").and_then(decoded_string).is_some();
    let params_ok = match members.count("params") {
        0 => true,
        1 => members
            .one("params")
            .is_some_and(|p| matches!(kind(p), b'[' | b'{' | b'n')),
        _ => false,
    };
    let id_ok = match ids.as_slice() {
        [] => true,
        [id] => scalar_id(id),
        _ => false,
    };
    if !(version_ok && method_ok && params_ok && id_ok) {
        return Ok(invalid());
    }
    Ok(match ids.first() {
        None => ItemAnswer::None,
        Some(id) => ItemAnswer::Call {
            id: id.get().to_owned(),
        },
    })
}

/// What `server` must answer to `body`, decided from the JSON text alone.
pub fn expected(server: &Server, body: &[u8]) -> BodyAnswer {
    let limits = server.limits();
    if body.len() > limits.max_body_bytes {
        return BodyAnswer::TooLarge;
    }
    let Ok(text) = std::str::from_utf8(body) else {
        return BodyAnswer::Error(-32700);
    };
    let Ok(raw) = serde_json::from_str::<&RawValue>(text) else {
        return BodyAnswer::Error(-32700);
    };
    if depth(raw.get()) > limits.max_depth {
        return BodyAnswer::Error(-32700);
    }
    if kind(raw) != b'[' {
        return match classify(raw) {
            Ok(answer) => BodyAnswer::Single(answer),
            Err(()) => BodyAnswer::Error(-32700),
        };
    }
    let items: Vec<&RawValue> = serde_json::from_str(raw.get()).expect("an array of values");
    if items.is_empty() {
        return BodyAnswer::Error(-32600);
    }
    let mut answers = Vec::with_capacity(items.len());
    // The server reads item by item and stops at the first it cannot read or the first over
    // the batch limit, whichever comes first.
    for (i, item) in items.iter().enumerate() {
        let Ok(answer) = classify(item) else {
            return BodyAnswer::Error(-32700);
        };
        if i == limits.max_batch_len {
            return BodyAnswer::Error(-32600);
        }
        if answer != ItemAnswer::None {
            answers.push(answer);
        }
    }
    BodyAnswer::Batch(answers)
}

/// Checks `response` against what the oracle expects for `body`; panics with the details.
pub fn check_answer(server: &Server, body: &[u8], response: &HttpResponse) {
    let expected = expected(server, body);
    let fail = |why: &str| -> ! {
        panic!(
            "{why}\n  body:     {:?}\n  expected: {expected:?}\n  status:   {}\n  answer:   {:?}",
            String::from_utf8_lossy(body),
            response.status,
            String::from_utf8_lossy(&response.body),
        )
    };
    if expected == BodyAnswer::TooLarge {
        if response.status != 413 {
            fail("a body over the limit must be answered with 413");
        }
        return;
    }
    if response.status != 200 {
        fail("status must be 200");
    }
    let answer = match &expected {
        _ if expected.is_empty() => {
            if !response.body.is_empty() || !response.headers.is_empty() {
                fail("notifications only: the answer must be empty");
            }
            return;
        }
        _ => {
            if response.body.is_empty() {
                fail("the answer is empty but not every item was a valid notification");
            }
            if response.header("content-type") != Some("application/json") {
                fail("a JSON answer needs content-type application/json");
            }
            match std::str::from_utf8(&response.body)
                .ok()
                .and_then(|t| serde_json::from_str::<&RawValue>(t).ok())
            {
                Some(raw) => raw,
                None => fail("the answer is not valid JSON"),
            }
        }
    };
    let outcome = match &expected {
        BodyAnswer::TooLarge => Ok(()),
        BodyAnswer::Error(code) => check_item(answer, *code, &["null".to_owned()]),
        BodyAnswer::Single(item) => check_one(answer, item),
        BodyAnswer::Batch(items) => match serde_json::from_str::<Vec<&RawValue>>(answer.get()) {
            Err(_) => Err("a batch must be answered with an array".to_owned()),
            Ok(got) if got.len() != items.len() => Err(format!(
                "{} answers for {} items that need one",
                got.len(),
                items.len()
            )),
            Ok(got) => got
                .iter()
                .zip(items)
                .enumerate()
                .try_for_each(|(i, (got, want))| {
                    check_one(got, want).map_err(|e| format!("answer {i}: {e}"))
                }),
        },
    };
    if let Err(why) = outcome {
        fail(&why);
    }
}

fn check_one(answer: &RawValue, want: &ItemAnswer) -> Result<(), String> {
    match want {
        ItemAnswer::None => Err("a notification got an answer".to_owned()),
        ItemAnswer::Call { id } => check_item(answer, 0, std::slice::from_ref(id)),
        ItemAnswer::Invalid { ids } => check_item(answer, -32600, ids),
    }
}

/// Checks one response object: exactly `jsonrpc`, `id` and one of `result` / `error`; an id
/// among `ids`, byte for byte; an error with code `code` unless `code` is 0 (any outcome).
fn check_item(answer: &RawValue, code: i32, ids: &[String]) -> Result<(), String> {
    let members: Members<'_> =
        serde_json::from_str(answer.get()).map_err(|_| "an answer is not an object")?;
    for (name, _) in &members.0 {
        if !matches!(name.as_str(), "jsonrpc" | "id" | "result" | "error") {
            return Err(format!("unexpected member {name:?}"));
        }
    }
    if members.one("jsonrpc").map(RawValue::get) != Some(r#""2.0""#) {
        return Err("\"jsonrpc\" must be \"2.0\", once".to_owned());
    }
    let id = members.one("id").ok_or("\"id\" must appear once")?.get();
    if !ids.iter().any(|want| want == id) {
        return Err(format!("id {id} is not one of {ids:?}"));
    }
    match (members.one("result"), members.one("error")) {
        (Some(_), None) if code == 0 => Ok(()),
        (Some(_), None) => Err(format!("expected error {code}, got a result")),
        (None, Some(error)) => check_error(error, code),
        _ => Err("exactly one of \"result\" and \"error\" must appear".to_owned()),
    }
}

fn check_error(error: &RawValue, code: i32) -> Result<(), String> {
    let members: Members<'_> =
        serde_json::from_str(error.get()).map_err(|_| "\"error\" is not an object")?;
    for (name, _) in &members.0 {
        if !matches!(name.as_str(), "code" | "message" | "data") {
            return Err(format!("unexpected error member {name:?}"));
        }
    }
    let got: i32 = members
        .one("code")
        .and_then(|c| c.get().parse().ok())
        .ok_or("the error code must be an integer, once")?;
    if members.one("message").and_then(decoded_string).is_none() {
        return Err("the error message must be a string, once".to_owned());
    }
    if code != 0 && got != code {
        return Err(format!("expected error {code}, got {got}"));
    }
    Ok(())
}

/// POSTs `body` to both servers and checks both answers.
pub fn check_post(body: &[u8]) {
    for server in servers() {
        check_answer(server, body, &post(server, body));
    }
}

/// GETs `query` from both servers; where the query decodes, the answer must be byte-identical
/// to POSTing the equivalent JSON, and that answer must pass the oracle.
pub fn check_get(query: &str) {
    for server in servers() {
        let got = get(server, query);
        if query.len() > server.limits().max_query_bytes {
            assert_eq!(got.status, 414, "query {query:?}");
            continue;
        }
        match leanrpc_http::query_to_json(query) {
            Err(error) => {
                assert_eq!(got.status, 200, "query {query:?}");
                assert_eq!(error.code().code(), -32700, "query {query:?}");
                check_item_text(&got.body, -32700);
            }
            Ok(json) => {
                assert!(
                    serde_json::from_str::<&RawValue>(&json).is_ok_and(|raw| kind(raw) == b'{'),
                    "query {query:?} became invalid JSON {json:?}"
                );
                let posted = post(server, json.as_bytes());
                assert_eq!(
                    got,
                    posted,
                    "GET and POST differ\n  query: {query:?}\n  json:  {json}\n  get:   {:?}\n  post:  {:?}",
                    String::from_utf8_lossy(&got.body),
                    String::from_utf8_lossy(&posted.body),
                );
                check_answer(server, json.as_bytes(), &got);
            }
        }
    }
}

fn check_item_text(body: &[u8], code: i32) {
    let raw = std::str::from_utf8(body)
        .ok()
        .and_then(|t| serde_json::from_str::<&RawValue>(t).ok())
        .unwrap_or_else(|| panic!("not JSON: {:?}", String::from_utf8_lossy(body)));
    if let Err(why) = check_item(raw, code, &["null".to_owned()]) {
        panic!("{why}: {:?}", raw.get());
    }
}
