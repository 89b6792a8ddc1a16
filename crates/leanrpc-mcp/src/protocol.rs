//! The MCP messages: one JSON-RPC message per POST body, the protocol revision it speaks, and
//! its answer.
//!
//! # Revisions and how a request picks one
//!
//! - **2026-07-28** (no handshake, no session): every request carries
//!   `params._meta["io.modelcontextprotocol/protocolVersion"]` and
//!   `["io.modelcontextprotocol/clientCapabilities"]`, and the `MCP-Protocol-Version` and
//!   `Mcp-Method` headers (plus `Mcp-Name` for `tools/call`) repeat what the body says. A
//!   client finds the revisions with `server/discover`. Results carry `resultType`; list
//!   results carry `ttlMs` and `cacheScope`.
//! - **2025-11-25** and **2025-06-18**: `initialize` (answered with the client's revision
//!   when it is one of these two, otherwise 2025-11-25, the newest with a handshake), then
//!   `notifications/initialized`; later requests carry `MCP-Protocol-Version`. No session is
//!   kept (`Mcp-Session-Id` is never issued; sessions are optional), so every POST stands on
//!   its own.
//!
//! A request takes the 2026-07-28 rules when it is `server/discover`, when its `_meta` names a
//! protocol version, or when its `MCP-Protocol-Version` header names 2026-07-28; `initialize`
//! never does. Otherwise it takes the handshake rules. A header naming a revision this server
//! does not speak is -32022 (with `data: {supported, requested}`) and HTTP 400.
//!
//! The checks of a 2026-07-28 request, in order (the first failure answers): `_meta` holds the
//! two required keys (else -32602); the headers match the body (else -32020, "header
//! mismatch"); the revision is served (else -32022). These are the rules of the official
//! Python SDK's server (`mcp` 2.3.0, `mcp/shared/inbound.py`) and the Rust SDK's (`rmcp`).
//!
//! # HTTP status of an error
//!
//! Under 2026-07-28, as the specification maps it: -32700, -32600, -32602, -32020, -32021 and
//! -32022 are 400, -32601 is 404, anything else 200. Under the handshake revisions a JSON-RPC
//! error is 200, except a request that is not well-formed or names a revision not served
//! (-32700, -32600, -32022: 400).

use std::borrow::Cow;

use http::HeaderMap;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value, json};

use crate::Inner;
use crate::registry_view::{Caller, RATE_LIMITED, RateStatus, RpcError};

/// The revision without a handshake (per-request `_meta`, `server/discover`).
pub(crate) const MODERN: &str = "2026-07-28";
/// The revisions with the `initialize` handshake, oldest first.
pub(crate) const HANDSHAKE: [&str; 2] = ["2025-06-18", "2025-11-25"];
/// Every revision served, oldest first.
pub const SUPPORTED_VERSIONS: [&str; 3] = ["2025-06-18", "2025-11-25", MODERN];
/// The newest revision with a handshake: the answer to an `initialize` naming another.
const LATEST_HANDSHAKE: &str = "2025-11-25";

const PROTOCOL_VERSION_KEY: &str = "io.modelcontextprotocol/protocolVersion";
const CLIENT_CAPABILITIES_KEY: &str = "io.modelcontextprotocol/clientCapabilities";
const SERVER_INFO_KEY: &str = "io.modelcontextprotocol/serverInfo";

/// The header that names the revision.
pub(crate) const VERSION_HEADER: &str = "mcp-protocol-version";
const METHOD_HEADER: &str = "mcp-method";
const NAME_HEADER: &str = "mcp-name";

/// JSON-RPC error codes.
pub(crate) mod code {
    pub(crate) const PARSE_ERROR: i64 = -32700;
    pub(crate) const INVALID_REQUEST: i64 = -32600;
    pub(crate) const METHOD_NOT_FOUND: i64 = -32601;
    pub(crate) const INVALID_PARAMS: i64 = -32602;
    pub(crate) const UNAUTHORIZED: i64 = -32001;
    pub(crate) const HEADER_MISMATCH: i64 = -32020;
    pub(crate) const UNSUPPORTED_PROTOCOL_VERSION: i64 = -32022;
}

/// What the transport sends back.
#[derive(Debug)]
pub(crate) struct Reply {
    /// The HTTP status.
    pub(crate) status: u16,
    /// The JSON body; `None` for 202 Accepted.
    pub(crate) body: Option<Vec<u8>>,
    /// Extra headers (rate limit).
    pub(crate) headers: Vec<(&'static str, String)>,
}

impl Reply {
    fn json(status: u16, body: Vec<u8>) -> Self {
        Self {
            status,
            body: Some(body),
            headers: Vec::new(),
        }
    }

    fn accepted() -> Self {
        Self {
            status: 202,
            body: None,
            headers: Vec::new(),
        }
    }

    /// An error answer with no id (the body was not read, or has no usable id).
    pub(crate) fn error(status: u16, code: i64, message: &str, data: Option<Value>) -> Self {
        Self::json(status, error_body(None, code, message, data.as_ref()))
    }
}

/// One POST body, parsed as far as routing needs.
#[derive(Deserialize)]
struct Message<'a> {
    #[serde(borrow, default)]
    jsonrpc: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "present")]
    method: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    id: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    params: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    result: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    error: Option<&'a RawValue>,
}

/// A member that is present, even when it is `null`.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue>::deserialize(d).map(Some)
}

/// Which rules a request follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Era {
    /// 2026-07-28.
    Modern,
    /// 2025-11-25 or 2025-06-18 (or a client that sent no version header).
    Handshake,
}

/// A JSON-RPC error on its way to the client.
struct Failure {
    code: i64,
    message: Cow<'static, str>,
    data: Option<Value>,
}

impl Failure {
    fn new(code: i64, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            code,
            message: message.into(),
            data: None,
        }
    }

    fn data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }
}

/// Answers one POST body from an authenticated caller.
pub(crate) async fn handle(
    inner: &Inner,
    body: &[u8],
    headers: &HeaderMap,
    caller: Option<&Caller>,
) -> Reply {
    if body
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'[')
    {
        return Reply::error(
            400,
            code::INVALID_REQUEST,
            "Invalid Request",
            Some(json!(
                "a batch is not accepted: send one JSON-RPC request per POST (MCP removed \
                 batching in 2025-06-18)"
            )),
        );
    }
    let message: Message<'_> = match serde_json::from_slice(body) {
        Ok(message) => message,
        Err(error) if error.is_data() => {
            return Reply::error(
                400,
                code::INVALID_REQUEST,
                "Invalid Request",
                Some(json!(
                    "the body must be one JSON-RPC request or notification object"
                )),
            );
        }
        Err(error) => {
            return Reply::error(
                400,
                code::PARSE_ERROR,
                "Parse error",
                Some(json!(format!("the body is not valid JSON: {error}"))),
            );
        }
    };
    let invalid = |why: &str| {
        Reply::error(
            400,
            code::INVALID_REQUEST,
            "Invalid Request",
            Some(json!(why)),
        )
    };
    if message.jsonrpc.as_deref() != Some("2.0") {
        return invalid("`jsonrpc` must be \"2.0\"");
    }
    let Some(method) = message.method else {
        if message.result.is_some() || message.error.is_some() {
            return invalid("this server sends no requests, so it takes no responses");
        }
        return invalid("a request needs a `method`");
    };
    let Ok(method) = serde_json::from_str::<Cow<'_, str>>(method.get()) else {
        return invalid("`method` must be a string");
    };
    let header_version = match single_header(headers, VERSION_HEADER) {
        Ok(version) => version,
        Err(()) => {
            return Reply::error(
                400,
                code::HEADER_MISMATCH,
                "MCP-Protocol-Version header appears more than once or is not text",
                None,
            );
        }
    };
    let Some(id) = message.id else {
        // A notification (`notifications/initialized`, `notifications/cancelled`, ...):
        // accepted and dropped; nothing here keeps state for one to act on.
        if let Some(version) = header_version
            && !SUPPORTED_VERSIONS.contains(&version)
        {
            let failure = unsupported(version);
            return Reply::error(400, failure.code, &failure.message, failure.data);
        }
        return Reply::accepted();
    };
    if !is_valid_id(id) {
        return invalid("`id` must be a string or a number");
    }
    let params = message.params.filter(|p| p.get() != "null");
    let meta_version = params.and_then(meta_version);
    let era = if method == "initialize" {
        Era::Handshake
    } else if method == "server/discover"
        || meta_version.is_some()
        || header_version == Some(MODERN)
    {
        Era::Modern
    } else {
        Era::Handshake
    };
    let request = Request {
        era,
        method: &method,
        id,
        params,
        headers,
        header_version,
    };
    let outcome = match era {
        Era::Modern => match check_modern(&method, params, headers) {
            Ok(()) => dispatch(inner, request, caller).await,
            Err(failure) => Err(failure.into()),
        },
        Era::Handshake => match header_version {
            Some(version) if !SUPPORTED_VERSIONS.contains(&version) => {
                Err(unsupported(version).into())
            }
            _ => dispatch(inner, request, caller).await,
        },
    };
    match outcome {
        Ok(Success { result, rate }) => {
            let mut out = Vec::with_capacity(result.len() + 64);
            out.extend_from_slice(br#"{"jsonrpc":"2.0","id":"#);
            out.extend_from_slice(id.get().as_bytes());
            out.extend_from_slice(br#","result":"#);
            out.extend_from_slice(&result);
            if era == Era::Modern {
                // Close the result object with the fields every 2026-07-28 result carries.
                out.pop();
                if result.len() > 2 {
                    out.push(b',');
                }
                out.extend_from_slice(br#""resultType":"complete","_meta":{""#);
                out.extend_from_slice(SERVER_INFO_KEY.as_bytes());
                out.extend_from_slice(br#"":"#);
                out.extend_from_slice(inner.server_info_json.as_bytes());
                out.extend_from_slice(b"}}");
            }
            out.push(b'}');
            let mut reply = Reply::json(200, out);
            if let Some(RateStatus::Limited { limit, remaining }) = rate {
                reply.headers.push(("x-ratelimit-limit", limit.to_string()));
                reply
                    .headers
                    .push(("x-ratelimit-remaining", remaining.to_string()));
            }
            reply
        }
        Err(Refused::Throttled { retry_after, limit }) => {
            let mut reply = Reply::json(
                429,
                error_body(
                    Some(id),
                    RATE_LIMITED,
                    "Too many requests",
                    Some(&json!(format!(
                        "this key's calls are limited to {limit} a minute; retry after {retry_after} s"
                    ))),
                ),
            );
            reply.headers.push(("retry-after", retry_after.to_string()));
            reply.headers.push(("x-ratelimit-limit", limit.to_string()));
            reply
                .headers
                .push(("x-ratelimit-remaining", "0".to_owned()));
            reply
        }
        Err(Refused::Failure(failure)) => {
            let status = match (era, failure.code) {
                (
                    Era::Modern,
                    code::PARSE_ERROR
                    | code::INVALID_REQUEST
                    | code::INVALID_PARAMS
                    | code::HEADER_MISMATCH
                    | -32021
                    | code::UNSUPPORTED_PROTOCOL_VERSION,
                ) => 400,
                (Era::Modern, code::METHOD_NOT_FOUND) => 404,
                (
                    Era::Handshake,
                    code::PARSE_ERROR | code::INVALID_REQUEST | code::UNSUPPORTED_PROTOCOL_VERSION,
                ) => 400,
                _ => 200,
            };
            Reply::json(
                status,
                error_body(
                    Some(id),
                    failure.code,
                    &failure.message,
                    failure.data.as_ref(),
                ),
            )
        }
    }
}

/// A request's answer: the result object's JSON, and the caller's rate standing when a call
/// was charged.
struct Success {
    result: Vec<u8>,
    rate: Option<RateStatus>,
}

enum Refused {
    Failure(Failure),
    Throttled { retry_after: u64, limit: u64 },
}

impl From<Failure> for Refused {
    fn from(failure: Failure) -> Self {
        Refused::Failure(failure)
    }
}

/// One request, past the checks of its revision.
struct Request<'a> {
    era: Era,
    method: &'a str,
    id: &'a RawValue,
    params: Option<&'a RawValue>,
    headers: &'a HeaderMap,
    header_version: Option<&'a str>,
}

async fn dispatch(
    inner: &Inner,
    request: Request<'_>,
    caller: Option<&Caller>,
) -> Result<Success, Refused> {
    let Request {
        era,
        method,
        params,
        header_version,
        ..
    } = request;
    let result = match method {
        "initialize" => initialize(inner, params, header_version)?,
        "ping" if era == Era::Handshake => b"{}".to_vec(),
        "server/discover" => discover(inner),
        "tools/list" => list_tools(inner, era, params, caller)?,
        "tools/call" => return call_tool(inner, &request, caller).await,
        _ => {
            return Err(Failure::new(code::METHOD_NOT_FOUND, "Method not found")
                .data(json!(format!(
                    "this server offers tools only: `tools/list` and `tools/call`{}",
                    if era == Era::Handshake {
                        ", after `initialize`"
                    } else {
                        ", and `server/discover`"
                    }
                )))
                .into());
        }
    };
    Ok(Success { result, rate: None })
}

fn initialize(
    inner: &Inner,
    params: Option<&RawValue>,
    header_version: Option<&str>,
) -> Result<Vec<u8>, Failure> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct InitializeParams {
        protocol_version: String,
    }
    let params: InitializeParams = params
        .and_then(|p| serde_json::from_str(p.get()).ok())
        .ok_or_else(|| {
            Failure::new(code::INVALID_PARAMS, "Invalid params")
                .data(json!("initialize needs `protocolVersion` (a string)"))
        })?;
    if let Some(header) = header_version
        && header != params.protocol_version
    {
        return Err(
            Failure::new(code::INVALID_REQUEST, "Invalid Request").data(json!(format!(
                "the MCP-Protocol-Version header ({header}) does not match protocolVersion ({})",
                params.protocol_version
            ))),
        );
    }
    let version = HANDSHAKE
        .iter()
        .find(|v| **v == params.protocol_version)
        .copied()
        .unwrap_or(LATEST_HANDSHAKE);
    let mut result = Map::new();
    result.insert("protocolVersion".into(), json!(version));
    result.insert("capabilities".into(), capabilities());
    result.insert("serverInfo".into(), inner.server_info.clone());
    if let Some(instructions) = &inner.instructions {
        result.insert("instructions".into(), json!(instructions));
    }
    Ok(serde_json::to_vec(&result).unwrap_or_default())
}

fn capabilities() -> Value {
    json!({ "tools": { "listChanged": false } })
}

fn discover(inner: &Inner) -> Vec<u8> {
    let mut result = Map::new();
    result.insert("supportedVersions".into(), json!(SUPPORTED_VERSIONS));
    result.insert("capabilities".into(), capabilities());
    if let Some(instructions) = &inner.instructions {
        result.insert("instructions".into(), json!(instructions));
    }
    // The same for every key: which tools a key sees is `tools/list`'s business.
    result.insert("cacheScope".into(), json!("public"));
    result.insert("ttlMs".into(), json!(0));
    serde_json::to_vec(&result).unwrap_or_default()
}

fn list_tools(
    inner: &Inner,
    era: Era,
    params: Option<&RawValue>,
    caller: Option<&Caller>,
) -> Result<Vec<u8>, Failure> {
    #[derive(Deserialize)]
    struct ListParams {
        #[serde(default)]
        cursor: Option<String>,
    }
    if let Some(params) = params {
        let params: ListParams = serde_json::from_str(params.get()).map_err(|_| {
            Failure::new(code::INVALID_PARAMS, "Invalid params")
                .data(json!("tools/list takes an object of params"))
        })?;
        if params.cursor.is_some() {
            return Err(
                Failure::new(code::INVALID_PARAMS, "Invalid params").data(json!(
                    "unknown cursor: every tool is listed on the first page"
                )),
            );
        }
    }
    let visible = inner
        .catalog
        .tools
        .iter()
        .filter(|t| inner.view.may_call(t.method, caller));
    let mut out = Vec::with_capacity(4096);
    out.extend_from_slice(br#"{"tools":["#);
    for (i, tool) in visible.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(tool.json.as_bytes());
    }
    out.push(b']');
    if era == Era::Modern {
        // Each key sees its own list; keys and their grants change, so it is never fresh.
        out.extend_from_slice(br#","ttlMs":0,"cacheScope":"private""#);
    }
    out.push(b'}');
    Ok(out)
}

async fn call_tool(
    inner: &Inner,
    request: &Request<'_>,
    caller: Option<&Caller>,
) -> Result<Success, Refused> {
    #[derive(Deserialize)]
    struct CallParams<'a> {
        #[serde(borrow)]
        name: Cow<'a, str>,
        #[serde(borrow, default)]
        arguments: Option<&'a RawValue>,
    }
    let params: CallParams<'_> = request
        .params
        .and_then(|p| serde_json::from_str(p.get()).ok())
        .ok_or_else(|| {
            Failure::new(code::INVALID_PARAMS, "Invalid params").data(json!(
                "tools/call needs `name` (a string) and may have `arguments` (an object)"
            ))
        })?;
    let Some(tool) = inner.catalog.get(&params.name) else {
        return Err(Failure::new(code::INVALID_PARAMS, "Invalid params")
            .data(json!(format!("unknown tool `{}`", params.name)))
            .into());
    };
    let arguments = match params.arguments {
        None => None,
        Some(raw) if raw.get() == "null" => None,
        Some(raw) if raw.get().starts_with('{') => Some(raw),
        Some(_) => {
            return Err(Failure::new(code::INVALID_PARAMS, "Invalid params")
                .data(json!("`arguments` must be an object: the params by name"))
                .into());
        }
    };
    // One tools/call is one call against the key's rate, as one JSON-RPC call is.
    let rate = match caller {
        Some(caller) => match inner.view.charge(caller, 1).await {
            Ok(rate) => Some(rate),
            Err(throttled) => {
                return Err(Refused::Throttled {
                    retry_after: throttled.retry_after,
                    limit: throttled.limit,
                });
            }
        },
        None => None,
    };
    let result = match inner
        .view
        .invoke(tool.method, arguments, caller, request.id, request.headers)
        .await
    {
        Ok(result) => tool_result(result.get(), tool.wraps_result),
        Err(error) => tool_error(&error),
    };
    Ok(Success { result, rate })
}

/// A successful call: `structuredContent` and its text serialisation.
fn tool_result(result: &str, wrap: bool) -> Vec<u8> {
    let structured: Cow<'_, str> = if wrap {
        Cow::Owned(format!(r#"{{"result":{result}}}"#))
    } else {
        Cow::Borrowed(result)
    };
    let mut out = Vec::with_capacity(structured.len() * 2 + 96);
    out.extend_from_slice(br#"{"content":[{"type":"text","text":"#);
    // Writing a str into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut out, structured.as_ref());
    out.extend_from_slice(br#"}],"structuredContent":"#);
    out.extend_from_slice(structured.as_bytes());
    out.extend_from_slice(br#","isError":false}"#);
    out
}

/// A call the method answered with a JSON-RPC error: a tool result with `isError`, the error's
/// code, message and data as JSON text (`{"error":{"code":...}}`, the error object of a
/// JSON-RPC answer), so that the model sees what went wrong and can correct its arguments.
fn tool_error(error: &RpcError) -> Vec<u8> {
    // Serializing an RpcError cannot fail: its data is already a JSON value.
    let object = serde_json::to_string(error)
        .unwrap_or_else(|_| r#"{"code":-32603,"message":"Internal error"}"#.to_owned());
    let text = format!(r#"{{"error":{object}}}"#);
    serde_json::to_vec(&json!({
        "content": [{ "type": "text", "text": text }],
        "isError": true,
    }))
    .unwrap_or_default()
}

/// The checks of a 2026-07-28 request, in order.
fn check_modern(
    method: &str,
    params: Option<&RawValue>,
    headers: &HeaderMap,
) -> Result<(), Failure> {
    #[derive(Deserialize)]
    struct Envelope<'a> {
        #[serde(rename = "_meta", default)]
        meta: Option<Map<String, Value>>,
        #[serde(borrow, default)]
        name: Option<Cow<'a, str>>,
    }
    let envelope: Option<Envelope<'_>> = params.and_then(|p| serde_json::from_str(p.get()).ok());
    let meta = envelope.as_ref().and_then(|e| e.meta.as_ref());
    let missing: Vec<&str> = [PROTOCOL_VERSION_KEY, CLIENT_CAPABILITIES_KEY]
        .into_iter()
        .filter(|k| !meta.is_some_and(|m| m.contains_key(*k)))
        .collect();
    if !missing.is_empty() {
        return Err(Failure::new(
            code::INVALID_PARAMS,
            format!(
                "params._meta is missing the required key(s): {} (protocol revision {MODERN})",
                missing.join(", ")
            ),
        ));
    }
    let meta = meta.ok_or_else(|| Failure::new(code::INVALID_PARAMS, "Invalid params"))?;
    let version = &meta[PROTOCOL_VERSION_KEY];
    for name in [VERSION_HEADER, METHOD_HEADER, NAME_HEADER] {
        if headers.get_all(name).iter().count() > 1 {
            return Err(Failure::new(
                code::HEADER_MISMATCH,
                format!("{name} header appears more than once"),
            ));
        }
    }
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if header(VERSION_HEADER).is_none_or(|h| version.as_str() != Some(h)) {
        return Err(Failure::new(
            code::HEADER_MISMATCH,
            "MCP-Protocol-Version header does not match the request's _meta protocol version",
        ));
    }
    if header(METHOD_HEADER) != Some(method) {
        return Err(Failure::new(
            code::HEADER_MISMATCH,
            "Mcp-Method header does not match the request body's method",
        ));
    }
    if method == "tools/call"
        && let Some(name) = envelope.as_ref().and_then(|e| e.name.as_deref())
        && decode_header_value(header(NAME_HEADER)).as_deref() != Some(name)
    {
        return Err(Failure::new(
            code::HEADER_MISMATCH,
            "Mcp-Name header does not match the request body's name",
        ));
    }
    match version.as_str() {
        Some(MODERN) => Ok(()),
        Some(other) => Err(unsupported(other)),
        None => Err(Failure::new(
            code::INVALID_PARAMS,
            "the protocol version in _meta must be a string",
        )),
    }
}

/// -32022 for a revision this server does not speak.
fn unsupported(requested: &str) -> Failure {
    Failure::new(
        code::UNSUPPORTED_PROTOCOL_VERSION,
        "Unsupported protocol version",
    )
    .data(json!({ "supported": SUPPORTED_VERSIONS, "requested": requested }))
}

/// The protocol version a request's `_meta` names, when it names one.
fn meta_version(params: &RawValue) -> Option<String> {
    #[derive(Deserialize)]
    struct WithMeta {
        #[serde(rename = "_meta", default)]
        meta: Option<Map<String, Value>>,
    }
    let with: WithMeta = serde_json::from_str(params.get()).ok()?;
    with.meta?
        .get(PROTOCOL_VERSION_KEY)
        .map(|v| v.as_str().map(str::to_owned).unwrap_or_default())
}

/// A header's value, when it is present once; `Err` when it is repeated or not text.
fn single_header<'h>(headers: &'h HeaderMap, name: &str) -> Result<Option<&'h str>, ()> {
    let mut values = headers.get_all(name).iter();
    let Some(first) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(());
    }
    first.to_str().map(Some).map_err(|_| ())
}

/// A string or a number (MCP forbids `null` ids).
fn is_valid_id(id: &RawValue) -> bool {
    matches!(id.get().as_bytes().first(), Some(b'"' | b'-' | b'0'..=b'9'))
}

/// A header value, decoding the `=?base64?...?=` form clients use for values that are not
/// plain printable ASCII.
fn decode_header_value(value: Option<&str>) -> Option<String> {
    let value = value?;
    let Some(payload) = value
        .strip_prefix("=?base64?")
        .and_then(|v| v.strip_suffix("?="))
    else {
        return Some(value.to_owned());
    };
    let bytes = base64_decode(payload)?;
    String::from_utf8(bytes).ok()
}

/// Standard base64 with padding.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for chunk in bytes.chunks(4) {
        let pad = chunk.iter().rev().take_while(|c| **c == b'=').count();
        if pad > 2 {
            return None;
        }
        let mut n = 0u32;
        for &c in &chunk[..4 - pad] {
            n = n << 6 | value(c)?;
        }
        n <<= 6 * pad as u32;
        let decoded = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&decoded[..3 - pad]);
    }
    Some(out)
}

/// A JSON-RPC error answer.
pub(crate) fn error_body(
    id: Option<&RawValue>,
    code: i64,
    message: &str,
    data: Option<&Value>,
) -> Vec<u8> {
    let mut error = Map::new();
    error.insert("code".into(), json!(code));
    error.insert("message".into(), json!(message));
    if let Some(data) = data {
        error.insert("data".into(), data.clone());
    }
    let id: Value = id
        .and_then(|id| serde_json::from_str(id.get()).ok())
        .unwrap_or(Value::Null);
    serde_json::to_vec(&json!({ "jsonrpc": "2.0", "id": id, "error": error })).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_decode_the_base64_form() {
        assert_eq!(decode_header_value(Some("plain")).as_deref(), Some("plain"));
        // "héllo" in base64.
        assert_eq!(
            decode_header_value(Some("=?base64?aMOpbGxv?=")).as_deref(),
            Some("héllo")
        );
        assert_eq!(decode_header_value(Some("=?base64?!!!!?=")), None);
        assert_eq!(decode_header_value(None), None);
        assert_eq!(base64_decode("YWI=").as_deref(), Some(&b"ab"[..]));
        assert_eq!(base64_decode("YQ==").as_deref(), Some(&b"a"[..]));
        assert_eq!(base64_decode("YWJj").as_deref(), Some(&b"abc"[..]));
        assert_eq!(base64_decode("YWJ"), None);
    }

    #[test]
    fn results_carry_structured_content_and_its_text() {
        let out = String::from_utf8(tool_result(r#"{"id":9}"#, false)).unwrap();
        let value: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(value["structuredContent"], json!({"id": 9}));
        assert_eq!(value["content"][0]["text"], r#"{"id":9}"#);
        assert_eq!(value["isError"], false);
        let wrapped: Value = serde_json::from_slice(&tool_result("5", true)).unwrap();
        assert_eq!(wrapped["structuredContent"], json!({"result": 5}));
        assert_eq!(wrapped["content"][0]["text"], r#"{"result":5}"#);
    }

    #[test]
    fn errors_become_tool_results_with_code_and_message() {
        let out = tool_error(&RpcError::invalid_params("missing param `id`"));
        let value: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(value["isError"], true);
        let text: Value =
            serde_json::from_str(value["content"][0]["text"].as_str().unwrap()).unwrap();
        assert_eq!(text["error"]["code"], -32602);
        assert_eq!(
            text["error"]["message"],
            "Invalid params: missing param `id`"
        );
        assert_eq!(text["error"]["data"], "missing param `id`");
    }

    #[test]
    fn ids_must_be_strings_or_numbers() {
        for ok in ["1", "-2", "\"a\"", "0.5"] {
            assert!(
                is_valid_id(&RawValue::from_string(ok.into()).unwrap()),
                "{ok}"
            );
        }
        for bad in ["null", "true", "{}", "[]"] {
            assert!(
                !is_valid_id(&RawValue::from_string(bad.into()).unwrap()),
                "{bad}"
            );
        }
    }
}
