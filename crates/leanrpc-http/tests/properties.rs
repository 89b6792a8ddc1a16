//! Property tests over generated ids, params, request objects (valid and broken) and batches:
//!
//! - **answer count**: one answer per item that needs one, in order, none for valid
//!   notifications (an empty body when all are), each echoing its request's id byte for byte,
//!   -32600 for each invalid request; and the shared oracle (`support`) agrees;
//! - **POST/GET equivalence**: a single request written as a GET query (params as base64 JSON,
//!   then url-encoded, in any of the accepted spellings) gets the byte-identical answer of the
//!   same request POSTed;
//! - **round trip**: a generated envelope, serialized with any whitespace, member order,
//!   escapes and unknown members, parses back to the same method, id text and params text.
//!
//! Each property runs proptest's default 256 cases (`PROPTEST_CASES` overrides it).

pub mod support;

use leanrpc_core::envelope::{self, Envelope, Item};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

// ---------------------------------------------------------------------------------------------
// JSON text

/// Whitespace between tokens.
fn ws() -> impl Strategy<Value = &'static str> {
    select(vec!["", "", " ", "\n", "\t", "\r\n  "])
}

/// Any JSON value, a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            vec((any::<String>(), inner), 0..4)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

/// A value as JSON text, compact or pretty-printed.
fn render(value: &Value, pretty: bool) -> String {
    if pretty {
        serde_json::to_string_pretty(value).expect("a Value serializes")
    } else {
        value.to_string()
    }
}

/// A JSON string literal with every character written as a `\uXXXX` escape (surrogate pairs
/// beyond the BMP): the same string as serde_json's, in different bytes.
fn escape_all(text: &str) -> String {
    let mut out = String::from("\"");
    let mut units = [0u16; 2];
    for c in text.chars() {
        for unit in c.encode_utf16(&mut units) {
            out.push_str(&format!("\\u{unit:04x}"));
        }
    }
    out.push('"');
    out
}

/// A string as a JSON literal, plainly or fully escaped.
fn string_literal(text: &str, escaped: bool) -> String {
    if escaped {
        escape_all(text)
    } else {
        serde_json::to_string(text).expect("a str serializes")
    }
}

/// Number ids as their JSON text: ints, ints beyond 64 bits, decimals and exponents
/// (including ones beyond `f64`, which stay text).
fn number_id() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        "-?[1-9][0-9]{19,40}",
        "-?(0|[1-9][0-9]{0,5})(\\.[0-9]{1,8})?([eE][+-]?[0-9]{1,3})?",
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(|n| n.to_string())),
    ]
}

/// Any valid id as JSON text: a number, a string with any characters and escapes, or null.
fn id_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => number_id(),
        3 => (any::<String>(), any::<bool>()).prop_map(|(s, escaped)| string_literal(&s, escaped)),
        1 => "[a-z0-9 ]{0,8}".prop_map(|s| string_literal(&s, false)),
        1 => Just("null".to_owned()),
    ]
}

/// Method names: the mounted ones in several spellings, and anything.
fn method_name() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => select(vec![
            "subtract", "sum", "get_data", "echo", "fail", "update", "notify_hello",
            "notify_sum", "GET_DATA", "get-data", "getData", "foobar",
        ])
        .prop_map(str::to_owned),
        1 => any::<String>(),
    ]
}

/// Params as JSON text: an array or an object (`None` for absent; `null` is included).
fn params_text() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        2 => Just(None),
        1 => Just(Some("null".to_owned())),
        2 => (any::<i32>(), any::<i32>()).prop_map(|(a, b)| Some(format!("[{a},{b}]"))),
        3 => (vec(json_value(), 0..4), any::<bool>())
            .prop_map(|(items, pretty)| Some(render(&Value::Array(items), pretty))),
        3 => (vec((any::<String>(), json_value()), 0..4), any::<bool>()).prop_map(
            |(members, pretty)| Some(render(&Value::Object(members.into_iter().collect()), pretty))
        ),
    ]
}

// ---------------------------------------------------------------------------------------------
// Request objects

/// What a generated request item must get.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    /// A valid call: an answer that is not -32600/-32700, with this id text.
    Call { id: String },
    /// A valid notification: nothing.
    Notification,
    /// An invalid request: -32600 with this id text.
    Invalid { id: String },
}

/// A generated request item, rendered, with what it must get and (for a valid one) what it
/// must parse back to.
#[derive(Debug, Clone)]
struct Request {
    text: String,
    expect: Expect,
    /// For a valid request: the method (decoded), the params text (`None` when absent or
    /// `null`) and the id text.
    parts: Option<(String, Option<String>, Option<String>)>,
}

/// The members of a request object before rendering: (name, value text).
type Members = Vec<(&'static str, String)>;

/// Renders members in the given order with any whitespace and, per member name, plain or
/// fully escaped.
fn render_object(members: &[(&str, String)], spacing: &[(&str, bool)]) -> String {
    let mut out = String::from("{");
    for (i, (name, value)) in members.iter().enumerate() {
        let (space, escaped) = spacing[i % spacing.len()];
        if i > 0 {
            out.push(',');
        }
        out.push_str(space);
        out.push_str(&string_literal(name, escaped));
        out.push_str(space);
        out.push(':');
        out.push_str(space);
        out.push_str(value);
        out.push_str(space);
    }
    out.push('}');
    out
}

/// The parts of a valid request: method (decoded and as a literal), params, id, unknown
/// members, and how to lay it out.
fn valid_parts() -> impl Strategy<Value = (String, Members, Option<String>, Option<String>)> {
    (
        method_name(),
        any::<bool>(),
        params_text(),
        prop::option::weighted(0.75, id_text()),
        vec(
            (
                select(vec!["x", "extra", "ID", "Method", "jsonrpc2", "result"]),
                json_value(),
            ),
            0..2,
        ),
    )
        .prop_map(|(method, escaped, params, id, extra)| {
            let mut members: Members = vec![
                ("jsonrpc", "\"2.0\"".to_owned()),
                ("method", string_literal(&method, escaped)),
            ];
            if let Some(params) = &params {
                members.push(("params", params.clone()));
            }
            if let Some(id) = &id {
                members.push(("id", id.clone()));
            }
            members.extend(extra.iter().map(|(name, value)| (*name, value.to_string())));
            (method, members, params, id)
        })
}

fn layout() -> impl Strategy<Value = Vec<(&'static str, bool)>> {
    vec((ws(), prop::bool::weighted(0.2)), 1..4)
}

/// A valid request object.
fn valid_request() -> impl Strategy<Value = Request> {
    (valid_parts(), layout()).prop_flat_map(|((method, members, params, id), spacing)| {
        Just(members).prop_shuffle().prop_map(move |members| {
            let expect = match &id {
                Some(id) => Expect::Call { id: id.clone() },
                None => Expect::Notification,
            };
            let params = params.clone().filter(|p| p != "null");
            Request {
                text: render_object(&members, &spacing),
                expect,
                parts: Some((method.clone(), params, id.clone())),
            }
        })
    })
}

/// How to break a valid request.
#[derive(Debug, Clone)]
enum Break {
    NoVersion,
    Version(&'static str),
    NoMethod,
    Method(&'static str),
    Params(&'static str),
    Id(&'static str),
    Duplicate(&'static str),
}

fn breakage() -> impl Strategy<Value = Break> {
    prop_oneof![
        Just(Break::NoVersion),
        select(vec![
            "\"1.0\"",
            "2.0",
            "2",
            "\"2\"",
            "\"2.0 \"",
            "\" 2.0\"",
            "\"2.00\"",
            "null",
            "[\"2.0\"]",
            "{}",
        ])
        .prop_map(Break::Version),
        Just(Break::NoMethod),
        select(vec!["1", "null", "true", "[\"sum\"]", "{}"]).prop_map(Break::Method),
        select(vec!["1", "\"bar\"", "true", "false", "-0.5"]).prop_map(Break::Params),
        select(vec!["{}", "[1]", "true", "false", "{\"id\":1}", "[]"]).prop_map(Break::Id),
        select(vec!["jsonrpc", "method", "params"]).prop_map(Break::Duplicate),
    ]
}

/// An invalid request object.
fn invalid_request() -> impl Strategy<Value = Request> {
    (valid_parts(), breakage(), layout()).prop_flat_map(
        |((_, mut members, _, id), how, spacing)| {
            let mut answer_id = id.unwrap_or_else(|| "null".to_owned());
            let set = |members: &mut Members, name: &'static str, value: &str| {
                members.retain(|(n, _)| *n != name);
                members.push((name, value.to_owned()));
            };
            match how {
                Break::NoVersion => members.retain(|(n, _)| *n != "jsonrpc"),
                Break::Version(v) => set(&mut members, "jsonrpc", v),
                Break::NoMethod => members.retain(|(n, _)| *n != "method"),
                Break::Method(v) => set(&mut members, "method", v),
                Break::Params(v) => set(&mut members, "params", v),
                Break::Id(v) => {
                    set(&mut members, "id", v);
                    answer_id = "null".to_owned();
                }
                Break::Duplicate(name) => {
                    if !members.iter().any(|(n, _)| *n == name) {
                        members.push((name, "[]".to_owned()));
                    }
                    members.push((name, "[]".to_owned()));
                }
            }
            Just(members)
                .prop_shuffle()
                .prop_map(move |members| Request {
                    text: render_object(&members, &spacing),
                    expect: Expect::Invalid {
                        id: answer_id.clone(),
                    },
                    parts: None,
                })
        },
    )
}

/// A value that is not an object; `arrays` allows arrays (a batch item, not a whole body).
fn not_an_object(arrays: bool) -> impl Strategy<Value = Request> {
    let mut values = vec!["1", "-2.5", "\"str\"", "true", "false", "null", "\"\""];
    if arrays {
        values.extend([
            "[]",
            "[1,2]",
            "[{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"id\":1}]",
        ]);
    }
    select(values).prop_map(|text| Request {
        text: text.to_owned(),
        expect: Expect::Invalid {
            id: "null".to_owned(),
        },
        parts: None,
    })
}

fn any_request(arrays: bool) -> impl Strategy<Value = Request> {
    prop_oneof![
        6 => valid_request(),
        3 => invalid_request(),
        1 => not_an_object(arrays),
    ]
}

/// A body: one request, or a batch of 1 to 8, with whitespace between items.
fn envelope() -> impl Strategy<Value = (String, bool, Vec<Request>)> {
    prop_oneof![
        any_request(false).prop_map(|r| (r.text.clone(), false, vec![r])),
        (vec(any_request(true), 1..8), ws()).prop_map(|(items, space)| {
            let texts: Vec<&str> = items.iter().map(|r| r.text.as_str()).collect();
            let body = format!("[{space}{}{space}]", texts.join(&format!(",{space}")));
            (body, true, items)
        }),
    ]
}

// ---------------------------------------------------------------------------------------------
// Answers

#[derive(Deserialize)]
struct Answer<'a> {
    #[serde(borrow)]
    id: &'a RawValue,
    error: Option<ErrorObject>,
}

#[derive(Deserialize)]
struct ErrorObject {
    code: i32,
}

/// Checks an answer against what each generated item must get.
fn check_labels(body: &str, batch: bool, items: &[Request], answer: &[u8]) -> Result<(), String> {
    let want: Vec<&Expect> = items
        .iter()
        .map(|r| &r.expect)
        .filter(|e| **e != Expect::Notification)
        .collect();
    if want.is_empty() {
        return match answer.is_empty() {
            true => Ok(()),
            false => Err("notifications only, but the answer is not empty".to_owned()),
        };
    }
    let text = std::str::from_utf8(answer).map_err(|_| "the answer is not UTF-8")?;
    let answers: Vec<&RawValue> = if batch {
        serde_json::from_str(text).map_err(|e| format!("not an array of answers: {e}"))?
    } else {
        vec![serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?]
    };
    if answers.len() != want.len() {
        return Err(format!(
            "{} answers, want {} for {body}",
            answers.len(),
            want.len()
        ));
    }
    for (i, (answer, want)) in answers.iter().zip(want).enumerate() {
        let answer: Answer<'_> = serde_json::from_str(answer.get())
            .map_err(|e| format!("answer {i} is not an answer object: {e}"))?;
        let code = answer.error.map(|e| e.code);
        let (id, ok) = match want {
            Expect::Call { id } => (id, !matches!(code, Some(-32600 | -32700))),
            Expect::Invalid { id } => (id, code == Some(-32600)),
            Expect::Notification => unreachable!("filtered out"),
        };
        if answer.id.get() != id {
            return Err(format!("answer {i}: id {} is not {id}", answer.id.get()));
        }
        if !ok {
            return Err(format!("answer {i}: code {code:?} does not fit {want:?}"));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// GET queries

/// Percent-encodes every byte but the unreserved ones; `plus` writes spaces as `+`.
fn percent_encode(text: &str, plus: bool) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(char::from(b));
            }
            b' ' if plus => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// How params are spelled in a query: which base64 alphabet, whether padded, whether the
/// base64 is percent-encoded.
fn encode_params(json: &str, url_safe: bool, padded: bool, escaped: bool) -> String {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let engine = match (url_safe, padded) {
        (false, true) => &STANDARD,
        (false, false) => &STANDARD_NO_PAD,
        (true, true) => &URL_SAFE,
        (true, false) => &URL_SAFE_NO_PAD,
    };
    let b64 = engine.encode(json);
    if escaped {
        percent_encode(&b64, false)
    } else {
        b64
    }
}

/// Whether a GET `id` value is read as a number.
fn reads_as_number(text: &str) -> bool {
    text.starts_with(|c: char| c == '-' || c.is_ascii_digit())
        && serde_json::from_str::<&RawValue>(text).is_ok()
}

/// A single request written both ways: (query, equivalent POST body).
fn get_and_post() -> impl Strategy<Value = (String, String)> {
    let id = prop_oneof![
        Just(None),
        number_id().prop_map(|n| Some((n.clone(), n))),
        any::<String>()
            .prop_filter("reads as a number", |s| !reads_as_number(s))
            .prop_map(|s| Some((s.clone(), serde_json::to_string(&s).unwrap()))),
    ];
    let params = prop_oneof![
        Just(None),
        (
            params_text().prop_filter_map("array or object", |p| p.filter(|p| p != "null")),
            any::<bool>(),
            any::<bool>(),
            any::<bool>()
        )
            .prop_map(|(json, url_safe, padded, escaped)| Some((
                encode_params(&json, url_safe, padded, escaped),
                json
            ))),
    ];
    (
        method_name(),
        any::<bool>(),
        params,
        id,
        select(vec!["", "x-api-key=lt_secret", "other=1&=&&", "jsonrpcx=1"]),
    )
        .prop_flat_map(|(method, plus, params, id, extra)| {
            let mut pairs = vec![
                (
                    format!("method={}", percent_encode(&method, plus)),
                    format!("\"method\":{}", serde_json::to_string(&method).unwrap()),
                ),
                ("jsonrpc=2.0".to_owned(), "\"jsonrpc\":\"2.0\"".to_owned()),
            ];
            if let Some((query, json)) = params {
                pairs.push((format!("params={query}"), format!("\"params\":{json}")));
            }
            if let Some((query, json)) = id {
                pairs.push((
                    format!("id={}", percent_encode(&query, false)),
                    format!("\"id\":{json}"),
                ));
            }
            if !extra.is_empty() {
                pairs.push((extra.to_owned(), String::new()));
            }
            Just(pairs).prop_shuffle().prop_map(|pairs| {
                let query: Vec<&str> = pairs.iter().map(|(q, _)| q.as_str()).collect();
                let json: Vec<&str> = pairs
                    .iter()
                    .map(|(_, j)| j.as_str())
                    .filter(|j| !j.is_empty())
                    .collect();
                (query.join("&"), format!("{{{}}}", json.join(",")))
            })
        })
}

// ---------------------------------------------------------------------------------------------
// Properties

proptest! {
    /// (a) One answer per item that needs one, in order; none for valid notifications; ids
    /// echoed byte for byte; -32600 for invalid requests. The shared oracle agrees, on both
    /// servers.
    #[test]
    fn answers_match_items((body, batch, items) in envelope()) {
        let answer = support::post(&support::SPEC, body.as_bytes());
        prop_assert_eq!(answer.status, 200);
        if let Err(why) = check_labels(&body, batch, &items, &answer.body) {
            return Err(TestCaseError::fail(format!(
                "{why}\n  body:   {body}\n  answer: {}",
                String::from_utf8_lossy(&answer.body)
            )));
        }
        support::check_post(body.as_bytes());
    }

    /// (b) A single request as a GET query gets the byte-identical answer of the same request
    /// POSTed, on both servers.
    #[test]
    fn get_answers_like_post((query, body) in get_and_post()) {
        for server in support::servers() {
            let got = support::get(server, &query);
            let posted = support::post(server, body.as_bytes());
            prop_assert_eq!(
                &got,
                &posted,
                "\n  query: {}\n  body:  {}\n  get:   {}\n  post:  {}",
                query,
                body,
                String::from_utf8_lossy(&got.body),
                String::from_utf8_lossy(&posted.body)
            );
        }
        support::check_get(&query);
    }

    /// (c) A generated envelope parses back to the same method, id text and params text;
    /// invalid items parse as invalid, with the id they must be answered with.
    #[test]
    fn envelopes_round_trip((body, batch, items) in envelope()) {
        let parsed = envelope::parse(body.as_bytes(), 64, 1000)
            .map_err(|e| TestCaseError::fail(format!("{e:?} for {body}")))?;
        let parsed: Vec<Item<'_>> = match (parsed, batch) {
            (Envelope::Single(item), false) => vec![item],
            (Envelope::Batch(items), true) => items,
            (other, _) => return Err(TestCaseError::fail(format!("{other:?} for {body}"))),
        };
        prop_assert_eq!(parsed.len(), items.len());
        for (got, want) in parsed.iter().zip(&items) {
            match (got, &want.parts) {
                (Item::Call(call), Some((method, params, id))) => {
                    prop_assert_eq!(&call.method, method);
                    prop_assert_eq!(call.id.map(|id| id.as_json()), id.as_deref());
                    prop_assert_eq!(call.params.raw().map(RawValue::get), params.as_deref());
                }
                (Item::Invalid { id, .. }, None) => {
                    let Expect::Invalid { id: want_id } = &want.expect else {
                        unreachable!("only invalid requests have no parts")
                    };
                    prop_assert_eq!(id.map_or("null", |id| id.as_json()), want_id.as_str());
                }
                (got, _) => {
                    return Err(TestCaseError::fail(format!(
                        "{got:?} for item {} in {body}",
                        want.text
                    )));
                }
            }
        }
    }
}
