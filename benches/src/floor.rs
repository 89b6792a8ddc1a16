//! The hand-written serde floor: the least work any JSON-RPC server must do for a call.
//!
//! `serde_json::from_slice` into a struct that borrows `method`, `params` and `id` as raw JSON,
//! a `match` on the method name, `serde_json` into the argument types, the function, and
//! `serde_json::to_writer` of the answer into a `Vec`. No validation beyond what serde does,
//! no limits, no error detail: a floor, not a server.

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// `minuend - subtrahend`, `None` on overflow: the body every contender runs for `subtract`.
pub fn subtract(minuend: i64, subtrahend: i64) -> Option<i64> {
    minuend.checked_sub(subtrahend)
}

/// The byte length of `text`: the body every contender runs for `strlen`.
pub fn strlen(text: &str) -> usize {
    text.len()
}

/// Waits [`crate::service::SLEEP`], then returns `n`: the body every contender runs for `sleep2`.
pub async fn sleep2(n: i64) -> i64 {
    tokio::time::sleep(crate::service::SLEEP).await;
    n
}

/// A request with every member borrowed from the body.
#[derive(Debug, Deserialize)]
pub struct Request<'a> {
    /// Must be `"2.0"`.
    #[serde(borrow)]
    pub jsonrpc: &'a str,
    /// The method name.
    #[serde(borrow)]
    pub method: &'a str,
    /// The params, as raw JSON.
    #[serde(borrow, default)]
    pub params: Option<&'a RawValue>,
    /// The id, as raw JSON.
    #[serde(borrow, default)]
    pub id: Option<&'a RawValue>,
}

#[derive(Serialize)]
struct Answer<'a, T> {
    jsonrpc: &'static str,
    result: T,
    id: Option<&'a RawValue>,
}

#[derive(Serialize)]
struct Failure<'a> {
    jsonrpc: &'static str,
    error: ErrorObject,
    id: Option<&'a RawValue>,
}

#[derive(Serialize)]
struct ErrorObject {
    code: i32,
    message: &'static str,
}

#[derive(Deserialize)]
struct SubtractNamed {
    minuend: i64,
    subtrahend: i64,
}

#[derive(Deserialize)]
struct StrlenNamed {
    text: String,
}

#[derive(Deserialize)]
struct Sleep2Named {
    n: i64,
}

const INVALID_PARAMS: (i32, &str) = (-32602, "Invalid params");
const NOT_FOUND: (i32, &str) = (-32601, "Method not found");

/// Binds positional params into `P` or named params into `N`.
fn bind<'a, P: Deserialize<'a>, N: Deserialize<'a>, T>(
    params: Option<&'a RawValue>,
    positional: impl FnOnce(P) -> T,
    named: impl FnOnce(N) -> T,
) -> Result<T, (i32, &'static str)> {
    let raw = params.ok_or(INVALID_PARAMS)?.get();
    if raw.starts_with('[') {
        serde_json::from_str(raw).map(positional)
    } else {
        serde_json::from_str(raw).map(named)
    }
    .map_err(|_| INVALID_PARAMS)
}

fn write<T: Serialize>(out: &mut Vec<u8>, id: Option<&RawValue>, result: Result<T, (i32, &str)>) {
    let written = match result {
        Ok(result) => serde_json::to_writer(
            &mut *out,
            &Answer {
                jsonrpc: "2.0",
                result,
                id,
            },
        ),
        Err((code, _)) => serde_json::to_writer(
            &mut *out,
            &Failure {
                jsonrpc: "2.0",
                error: ErrorObject {
                    code,
                    message: if code == NOT_FOUND.0 {
                        NOT_FOUND.1
                    } else {
                        INVALID_PARAMS.1
                    },
                },
                id,
            },
        ),
    };
    // Writing into a Vec cannot fail and every value here serializes.
    debug_assert!(written.is_ok());
}

fn write_parse_error(out: &mut Vec<u8>) {
    out.extend_from_slice(
        br#"{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}"#,
    );
}

/// Answers one request whose method is synchronous (`subtract`, `strlen`, `get_data`).
fn answer_sync(req: &Request<'_>, out: &mut Vec<u8>) {
    match req.method {
        "subtract" => write(
            out,
            req.id,
            bind(
                req.params,
                |(m, s): (i64, i64)| subtract(m, s),
                |p: SubtractNamed| subtract(p.minuend, p.subtrahend),
            )
            .and_then(|r| r.ok_or(INVALID_PARAMS)),
        ),
        "strlen" => write(
            out,
            req.id,
            bind(
                req.params,
                |(text,): (String,)| strlen(&text),
                |p: StrlenNamed| strlen(&p.text),
            ),
        ),
        "get_data" => write(out, req.id, Ok(("hello", 5))),
        _ => write::<()>(out, req.id, Err(NOT_FOUND)),
    }
}

fn is_batch(body: &[u8]) -> bool {
    body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[')
}

/// Answers a body (one request or a batch) of synchronous calls, in process.
pub fn call(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(128);
    if is_batch(body) {
        let Ok(requests) = serde_json::from_slice::<Vec<Request<'_>>>(body) else {
            write_parse_error(&mut out);
            return out;
        };
        out.push(b'[');
        for (i, req) in requests.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            answer_sync(req, &mut out);
        }
        out.push(b']');
    } else {
        match serde_json::from_slice::<Request<'_>>(body) {
            Ok(req) => answer_sync(&req, &mut out),
            Err(_) => write_parse_error(&mut out),
        }
    }
    out
}

/// Answers one request, awaiting `sleep2`.
async fn answer_async(req: &Request<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    if req.method == "sleep2" {
        match bind(req.params, |(n,): (i64,)| n, |p: Sleep2Named| p.n) {
            Ok(n) => write(&mut out, req.id, Ok(sleep2(n).await)),
            Err(e) => write::<()>(&mut out, req.id, Err(e)),
        }
    } else {
        answer_sync(req, &mut out);
    }
    out
}

/// Answers a body over HTTP: batch calls run concurrently, answers keep request order.
pub async fn call_async(body: &[u8]) -> Vec<u8> {
    if !is_batch(body) {
        return match serde_json::from_slice::<Request<'_>>(body) {
            Ok(req) => answer_async(&req).await,
            Err(_) => {
                let mut out = Vec::new();
                write_parse_error(&mut out);
                out
            }
        };
    }
    let Ok(requests) = serde_json::from_slice::<Vec<Request<'_>>>(body) else {
        let mut out = Vec::new();
        write_parse_error(&mut out);
        return out;
    };
    let answers = futures_util::future::join_all(requests.iter().map(answer_async)).await;
    let mut out = Vec::with_capacity(answers.iter().map(|a| a.len() + 1).sum::<usize>() + 1);
    out.push(b'[');
    for (i, answer) in answers.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(answer);
    }
    out.push(b']');
    out
}

/// Turns a Leantime GET query (`method`, `jsonrpc`, `id`, `params` as url-encoded base64 JSON)
/// into the equivalent POST body, the least that GET support costs; `None` if it is malformed.
pub fn query_to_body(query: &str) -> Option<String> {
    let (mut method, mut id, mut params) = (None, None, None);
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=')?;
        match key {
            "method" => method = Some(value),
            "id" => id = Some(value),
            "params" => params = Some(value),
            _ => {}
        }
    }
    let params = percent_decode(params?)?;
    let params = base64::engine::general_purpose::STANDARD
        .decode(params.trim_end_matches('='))
        .or_else(|_| base64::engine::general_purpose::STANDARD.decode(&params))
        .ok()?;
    let params = std::str::from_utf8(&params).ok()?;
    Some(format!(
        r#"{{"jsonrpc":"2.0","method":{},"params":{params},"id":{}}}"#,
        serde_json::to_string(&percent_decode(method?)?).ok()?,
        id?,
    ))
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bodies;

    #[test]
    fn floor_answers_every_case() {
        let answer = |body: &str| String::from_utf8(call(body.as_bytes())).unwrap();
        assert_eq!(
            answer(bodies::SUBTRACT_POSITIONAL),
            r#"{"jsonrpc":"2.0","result":19,"id":1}"#
        );
        assert_eq!(
            answer(bodies::SUBTRACT_NAMED),
            r#"{"jsonrpc":"2.0","result":19,"id":3}"#
        );
        assert_eq!(
            answer(&bodies::strlen_call(65_536)),
            r#"{"jsonrpc":"2.0","result":65536,"id":1}"#
        );
        let batch = answer(&bodies::batch(bodies::SUBTRACT_POSITIONAL, 3));
        assert_eq!(batch.matches(r#""result":19"#).count(), 3, "{batch}");
        let body = query_to_body(&bodies::get_query()).unwrap();
        assert_eq!(answer(&body), r#"{"jsonrpc":"2.0","result":19,"id":1}"#);
    }
}
