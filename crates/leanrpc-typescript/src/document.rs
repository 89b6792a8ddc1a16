//! The parts of an OpenRPC document a client needs, read and checked: the info, the methods
//! (names, docs, params, result, errors, leanrpc's `x-` extensions) and the shared schemas.

use std::collections::HashSet;

use serde_json::{Map, Value};

use crate::error::Error;

/// A document, borrowed from its JSON.
#[derive(Debug)]
pub(crate) struct Document<'a> {
    pub(crate) title: Option<&'a str>,
    pub(crate) version: Option<&'a str>,
    pub(crate) openrpc: &'a str,
    pub(crate) methods: Vec<MethodDoc<'a>>,
    pub(crate) schemas: &'a Map<String, Value>,
}

/// One method.
#[derive(Debug)]
pub(crate) struct MethodDoc<'a> {
    pub(crate) name: &'a str,
    /// Where it is in the document (`methods[3]`), for errors.
    pub(crate) at: String,
    pub(crate) summary: Option<&'a str>,
    pub(crate) description: Option<&'a str>,
    pub(crate) params: Vec<ParamDoc<'a>>,
    /// `paramStructure: "by-position"`: params must be sent as an array.
    pub(crate) by_position: bool,
    /// leanrpc's `x-raw-params`: the method takes any params, which the document cannot say.
    pub(crate) raw_params: bool,
    /// The result's schema; `None` when the method has no `result` (a notification only).
    pub(crate) result: Option<&'a Value>,
    pub(crate) errors: Vec<(i64, &'a str)>,
    pub(crate) deprecated: bool,
    pub(crate) min_role: Option<&'a str>,
    pub(crate) scopes: Vec<&'a str>,
}

/// One param (a content descriptor).
#[derive(Debug)]
pub(crate) struct ParamDoc<'a> {
    pub(crate) name: &'a str,
    pub(crate) required: bool,
    pub(crate) schema: &'a Value,
    pub(crate) summary: Option<&'a str>,
    pub(crate) description: Option<&'a str>,
    pub(crate) deprecated: bool,
}

impl<'a> Document<'a> {
    /// Reads `value` as an OpenRPC document.
    pub(crate) fn read(value: &'a Value) -> Result<Self, Error> {
        let root = value.as_object().ok_or_else(|| {
            Error::new(
                "",
                "expected an OpenRPC document (a JSON object); pass the `result` of rpc.discover, not the whole answer",
            )
        })?;
        let openrpc = root.get("openrpc").and_then(Value::as_str).ok_or_else(|| {
            let hint = if root.contains_key("result") || root.contains_key("jsonrpc") {
                "; this looks like a JSON-RPC answer: pass its `result`"
            } else {
                ""
            };
            Error::new(
                "openrpc",
                format!("expected the OpenRPC version as a string{hint}"),
            )
        })?;
        if !openrpc.starts_with("1.") {
            return Err(Error::new(
                "openrpc",
                format!("OpenRPC {openrpc} is not supported (expected 1.x)"),
            ));
        }
        let info = root.get("info");
        let info_str = |key| info.and_then(|i| i.get(key)).and_then(Value::as_str);
        let components = root.get("components");
        let empty: &'static Map<String, Value> = empty_map();
        let schemas = match components.and_then(|c| c.get("schemas")) {
            None => empty,
            Some(Value::Object(schemas)) => schemas,
            Some(_) => return Err(Error::new("components.schemas", "expected an object")),
        };
        let descriptors = match components.and_then(|c| c.get("contentDescriptors")) {
            None => empty,
            Some(Value::Object(d)) => d,
            Some(_) => {
                return Err(Error::new(
                    "components.contentDescriptors",
                    "expected an object",
                ));
            }
        };
        let methods = root
            .get("methods")
            .and_then(Value::as_array)
            .ok_or_else(|| Error::new("methods", "expected an array of method objects"))?;
        let mut seen = HashSet::new();
        let methods = methods
            .iter()
            .enumerate()
            .map(|(i, method)| {
                let method = read_method(method, format!("methods[{i}]"), descriptors)?;
                if !seen.insert(method.name) {
                    return Err(Error::new(
                        format!("{}.name", method.at),
                        format!(
                            "`{}` is listed twice; method names must be unique",
                            method.name
                        ),
                    ));
                }
                Ok(method)
            })
            .collect::<Result<_, _>>()?;
        Ok(Document {
            title: info_str("title"),
            version: info_str("version"),
            openrpc,
            methods,
            schemas,
        })
    }
}

fn empty_map() -> &'static Map<String, Value> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    EMPTY.get_or_init(Map::new)
}

fn text<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    object.get(key).and_then(Value::as_str)
}

fn read_method<'a>(
    value: &'a Value,
    at: String,
    descriptors: &'a Map<String, Value>,
) -> Result<MethodDoc<'a>, Error> {
    let object = value
        .as_object()
        .ok_or_else(|| Error::new(&at, "expected a method object"))?;
    if object.contains_key("$ref") {
        return Err(Error::new(
            &at,
            "a method given as a $ref is not supported; inline the method object",
        ));
    }
    let name = object
        .get("name")
        .ok_or_else(|| Error::new(format!("{at}.name"), "missing"))?
        .as_str()
        .ok_or_else(|| Error::new(format!("{at}.name"), "expected a string"))?;
    let params = match object.get("params") {
        None => Vec::new(),
        Some(Value::Array(params)) => params
            .iter()
            .enumerate()
            .map(|(i, p)| read_param(p, format!("{at}.params[{i}]"), descriptors))
            .collect::<Result<_, _>>()?,
        Some(_) => {
            return Err(Error::new(
                format!("{at}.params"),
                "expected an array of content descriptors",
            ));
        }
    };
    let result = match object.get("result") {
        None => None,
        Some(result) => Some(
            read_descriptor(result, &format!("{at}.result"), descriptors)?
                .get("schema")
                .ok_or_else(|| Error::new(format!("{at}.result.schema"), "missing"))?,
        ),
    };
    let errors = object
        .get("errors")
        .and_then(Value::as_array)
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| Some((e.get("code")?.as_i64()?, e.get("message")?.as_str()?)))
                .collect()
        })
        .unwrap_or_default();
    let structure = text(object, "paramStructure");
    Ok(MethodDoc {
        name,
        summary: text(object, "summary"),
        description: text(object, "description"),
        by_position: structure == Some("by-position"),
        raw_params: object.get("x-raw-params") == Some(&Value::Bool(true)),
        params,
        result,
        errors,
        deprecated: object.get("deprecated") == Some(&Value::Bool(true)),
        min_role: text(object, "x-min-role"),
        scopes: object
            .get("x-scopes")
            .and_then(Value::as_array)
            .map(|s| s.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default(),
        at,
    })
}

/// A content descriptor, following a `$ref` into `components.contentDescriptors`.
fn read_descriptor<'a>(
    value: &'a Value,
    at: &str,
    descriptors: &'a Map<String, Value>,
) -> Result<&'a Map<String, Value>, Error> {
    let object = value
        .as_object()
        .ok_or_else(|| Error::new(at, "expected a content descriptor object"))?;
    let Some(reference) = object.get("$ref") else {
        return Ok(object);
    };
    const PREFIX: &str = "#/components/contentDescriptors/";
    let reference = reference.as_str().unwrap_or_default();
    reference
        .strip_prefix(PREFIX)
        .and_then(|name| descriptors.get(&name.replace("~1", "/").replace("~0", "~")))
        .and_then(Value::as_object)
        .ok_or_else(|| {
            Error::new(
                format!("{at}.$ref"),
                format!("{reference} names no content descriptor in components.contentDescriptors"),
            )
        })
}

fn read_param<'a>(
    value: &'a Value,
    at: String,
    descriptors: &'a Map<String, Value>,
) -> Result<ParamDoc<'a>, Error> {
    let object = read_descriptor(value, &at, descriptors)?;
    Ok(ParamDoc {
        name: object
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::new(format!("{at}.name"), "expected a string"))?,
        required: object.get("required") == Some(&Value::Bool(true)),
        schema: object
            .get("schema")
            .ok_or_else(|| Error::new(format!("{at}.schema"), "missing"))?,
        summary: text(object, "summary"),
        description: text(object, "description"),
        deprecated: object.get("deprecated") == Some(&Value::Bool(true)),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_methods_params_results_and_extensions() {
        let doc = json!({
            "openrpc": "1.3.2",
            "info": {"title": "T", "version": "1"},
            "methods": [{
                "name": "ns.tickets.getTicket",
                "summary": "S.",
                "paramStructure": "by-position",
                "params": [
                    {"name": "id", "required": true, "schema": {"type": "integer"}},
                    {"$ref": "#/components/contentDescriptors/Limit"}
                ],
                "result": {"name": "result", "schema": {"type": "string"}},
                "errors": [{"code": -32002, "message": "Not found"}],
                "x-min-role": "readonly",
                "x-scopes": ["tickets:read"]
            }, {"name": "ns.ping", "x-raw-params": true}],
            "components": {"contentDescriptors": {"Limit": {"name": "limit", "schema": {"type": "integer"}}}}
        });
        let read = Document::read(&doc).unwrap();
        assert_eq!(
            (read.title, read.version, read.openrpc),
            (Some("T"), Some("1"), "1.3.2")
        );
        let m = &read.methods[0];
        assert_eq!(m.name, "ns.tickets.getTicket");
        assert!(m.by_position && !m.raw_params);
        assert_eq!(m.params.len(), 2);
        assert!(m.params[0].required && !m.params[1].required);
        assert_eq!(m.params[1].name, "limit");
        assert_eq!(m.result, Some(&json!({"type": "string"})));
        assert_eq!(m.errors, [(-32002, "Not found")]);
        assert_eq!(
            (m.min_role, m.scopes.as_slice()),
            (Some("readonly"), &["tickets:read"][..])
        );
        let ping = &read.methods[1];
        assert!(ping.raw_params && ping.result.is_none() && ping.params.is_empty());
    }

    #[test]
    fn errors_say_where_and_what_to_pass() {
        let error = |doc: Value| Document::read(&doc).unwrap_err().to_string();
        assert!(error(json!([])).contains("expected an OpenRPC document"));
        assert!(
            error(json!({"jsonrpc": "2.0", "result": {}, "id": 1})).contains("pass its `result`")
        );
        assert_eq!(
            error(json!({"openrpc": "2.0.0", "methods": []})),
            "openrpc: OpenRPC 2.0.0 is not supported (expected 1.x)"
        );
        assert_eq!(
            error(json!({"openrpc": "1.3.2"})),
            "methods: expected an array of method objects"
        );
        assert_eq!(
            error(json!({"openrpc": "1.3.2", "methods": [{"name": "a"}, {"name": "a"}]})),
            "methods[1].name: `a` is listed twice; method names must be unique"
        );
        assert_eq!(
            error(
                json!({"openrpc": "1.3.2", "methods": [{"name": "a", "params": [{"name": "x"}]}]})
            ),
            "methods[0].params[0].schema: missing"
        );
        assert_eq!(
            error(
                json!({"openrpc": "1.3.2", "methods": [{"name": "a", "params": [{"$ref": "#/x"}]}]})
            ),
            "methods[0].params[0].$ref: #/x names no content descriptor in components.contentDescriptors"
        );
    }
}
