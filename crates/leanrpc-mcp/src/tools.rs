//! The tool catalog: one MCP tool per mounted method, described once when the service is built
//! (name, title, description, input and output schemas, annotations) and serialized then, so
//! that `tools/list` only picks the tools a caller may call and joins their text.
//!
//! # Names
//!
//! `{service}_{method}` (`tickets_getTicket`), or the method name alone for methods served at
//! the root: what `^[a-zA-Z0-9_-]{1,64}$` (the strictest common hosts) accepts. Any other
//! character becomes `_`. Two methods whose tool names are equal ignoring ASCII case, or a
//! name longer than 64 characters, make [`crate::McpService`]'s build fail.
//!
//! # Schemas
//!
//! Both come from the discovery model, which gives each method's params and result as one
//! self-contained JSON Schema 2020-12 (`Method::params_schema`,
//! `Method::result_schema_standalone`: the shared types it uses under `$defs`, every reference
//! pointing there). Two things are done to them here: the `$schema` keyword is dropped (MCP's
//! default dialect is 2020-12 already, and a client's validator need not know the URI), and a
//! param's or result's own type is written in place rather than referred to
//! (`values: {"type": "object", ...}`, not `{"$ref": "#/$defs/NewTicket"}`), with the
//! definitions nothing refers to any more removed.
//!
//! `inputSchema` is an object schema with one property per JSON param (its name as clients
//! send it, its default when it has one), the required params in `required`, and
//! `additionalProperties: false` when the method refuses params it does not declare.
//!
//! MCP requires `outputSchema` to describe an object. A method whose result schema is an object
//! (`Ticket`) has it as its output schema and its result as `structuredContent`; any other
//! result (`Vec<Ticket>`, `i64`, `bool`, `Option<T>`) is wrapped: the output schema is
//! `{"type":"object","properties":{"result":<schema>},"required":["result"]}` and
//! `structuredContent` is `{"result": <value>}`. A method without a result schema has no
//! `outputSchema` and its result is wrapped the same way. Results are always plain: a server
//! built with `scalar_results_in_arrays` answers JSON-RPC calls with `[5]`, and MCP calls with
//! `5`, which is what the output schema says.
//!
//! # Annotations
//!
//! From what the method declares: `readOnlyHint` when it needs no more than the lowest role
//! (`readonly`, or no role on a server without keys) and every scope it requires ends in
//! `:read`; otherwise `readOnlyHint: false` and `destructiveHint` true only for methods whose
//! name or an alias starts with `delete` or `remove` (MCP's default for a missing
//! `destructiveHint` is true, so it is always given). `openWorldHint` is false: a tool works
//! on the service's own data.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use leanrpc_core::Role;
use rmcp::model::{Tool, ToolAnnotations};
use serde_json::{Map, Value, json};

use crate::registry_view::{Method, RegistryView};

/// The longest tool name hosts accept.
pub const MAX_TOOL_NAME: usize = 64;

/// One tool.
#[derive(Debug)]
pub(crate) struct ToolEntry {
    /// The tool name.
    pub(crate) name: String,
    /// The method it calls (an index into the view's methods).
    pub(crate) method: usize,
    /// Whether the result goes into `structuredContent` as `{"result": ...}`.
    pub(crate) wraps_result: bool,
    /// The tool object as `tools/list` lists it, serialized.
    pub(crate) json: String,
    /// The tool object.
    pub(crate) tool: Tool,
}

/// Every tool, by name.
#[derive(Debug)]
pub(crate) struct Catalog {
    pub(crate) tools: Vec<ToolEntry>,
    by_name: HashMap<String, usize>,
}

/// Why the catalog could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ToolError {
    /// Two methods get the same tool name (ignoring ASCII case).
    Collision {
        /// The tool name.
        name: String,
        /// Where the first method is defined.
        first: String,
        /// Where the second one is defined.
        second: String,
    },
    /// A tool name would be longer than hosts accept.
    TooLong {
        /// The tool name.
        name: String,
        /// Where the method is defined.
        at: String,
    },
}

impl fmt::Display for ToolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ToolError::Collision {
                name,
                first,
                second,
            } => write!(
                f,
                "two methods become the MCP tool `{name}` (tool names are `service_method`, \
                 compared ignoring case): {first} and {second}; rename one with \
                 #[rpc(name = \"...\")]"
            ),
            ToolError::TooLong { name, at } => write!(
                f,
                "the MCP tool name `{name}` ({at}) is longer than {MAX_TOOL_NAME} characters, \
                 which hosts refuse; shorten the service or method name"
            ),
        }
    }
}

impl std::error::Error for ToolError {}

impl Catalog {
    /// Describes every method of `view` as a tool.
    pub(crate) fn build(view: &RegistryView) -> Result<Self, ToolError> {
        let methods = view.methods();
        let mut tools: Vec<ToolEntry> = Vec::with_capacity(methods.len());
        let mut by_name = HashMap::new();
        let mut folded: HashMap<String, usize> = HashMap::new();
        for (index, method) in methods.iter().enumerate() {
            let name = tool_name(method.service(), method.name());
            if name.len() > MAX_TOOL_NAME {
                return Err(ToolError::TooLong {
                    name,
                    at: view.location(method),
                });
            }
            if let Some(&other) = folded.get(&name.to_ascii_lowercase()) {
                return Err(ToolError::Collision {
                    name,
                    first: view.location(&methods[tools[other].method]),
                    second: view.location(method),
                });
            }
            let (output_schema, wraps_result) = output_schema(method);
            let tool = describe(method, name.clone(), output_schema);
            let json = serde_json::to_string(&tool).unwrap_or_default();
            folded.insert(name.to_ascii_lowercase(), tools.len());
            by_name.insert(name.clone(), tools.len());
            tools.push(ToolEntry {
                name,
                method: index,
                wraps_result,
                json,
                tool,
            });
        }
        Ok(Self { tools, by_name })
    }

    /// The tool called `name` (exactly).
    pub(crate) fn get(&self, name: &str) -> Option<&ToolEntry> {
        self.by_name.get(name).map(|&i| &self.tools[i])
    }
}

/// `service_method`, or `method` at the root, with characters hosts refuse replaced by `_`.
pub(crate) fn tool_name(service: &str, method: &str) -> String {
    let joined = if service.is_empty() {
        method.to_owned()
    } else {
        format!("{service}_{method}")
    };
    joined
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn describe(method: &Method, name: String, output_schema: Option<Value>) -> Tool {
    let read_only = is_read_only(method);
    let destructive = !read_only && is_delete(method);
    let title = method
        .summary()
        .map(|summary| summary.trim_end_matches('.').to_owned());
    let mut description = method.doc().to_owned();
    if !description.is_empty() {
        description.push_str("\n\n");
    }
    description.push_str(&format!("JSON-RPC method `{}`", method.full_name()));
    if let Some(role) = method.min_role() {
        description.push_str(&format!("; needs role `{role}` or higher"));
    }
    if !method.scopes().is_empty() {
        let scopes: Vec<String> = method.scopes().iter().map(|s| format!("`{s}`")).collect();
        description.push_str(&format!(" and scope {}", scopes.join(", ")));
    }
    description.push('.');
    let mut annotations = ToolAnnotations::new();
    annotations.title = title.clone();
    annotations.read_only_hint = Some(read_only);
    if !read_only {
        annotations.destructive_hint = Some(destructive);
    }
    annotations.open_world_hint = Some(false);
    let mut tool = Tool::default();
    tool.name = name.into();
    tool.title = title;
    tool.description = Some(description.into());
    tool.input_schema = Arc::new(input_schema(method));
    tool.output_schema = output_schema.and_then(|s| match s {
        Value::Object(map) => Some(Arc::new(map)),
        _ => None,
    });
    tool.annotations = Some(annotations);
    tool
}

/// Whether a method reads only: it needs no role above `readonly` and no scope but `*:read`.
fn is_read_only(method: &Method) -> bool {
    method.min_role().is_none_or(|r| r <= Role::Readonly)
        && method.scopes().iter().all(|s| s.ends_with(":read"))
}

/// Whether a method deletes: its name or an alias starts with `delete` or `remove`.
fn is_delete(method: &Method) -> bool {
    std::iter::once(method.name())
        .chain(method.aliases().iter().copied())
        .any(|n| {
            let n = n.to_ascii_lowercase();
            n.starts_with("delete") || n.starts_with("remove")
        })
}

/// The tool's input schema: the method's params schema, each param's own type in place.
fn input_schema(method: &Method) -> Map<String, Value> {
    let (schema, defs) = split(method.params_schema());
    let mut schema = match schema {
        Value::Object(schema) => schema,
        // The model always gives an object schema; any object of arguments otherwise.
        _ => Map::from_iter([("type".to_owned(), json!("object"))]),
    };
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        for param in properties.values_mut() {
            inline(param, &defs);
        }
    }
    attach(&mut schema, defs);
    schema
}

/// The tool's output schema, and whether results are wrapped in `{"result": ...}`.
fn output_schema(method: &Method) -> (Option<Value>, bool) {
    if is_empty_schema(method.result_schema()) {
        return (None, true);
    }
    let (mut root, defs) = split(method.result_schema_standalone());
    inline(&mut root, &defs);
    let wraps = root.get("type").and_then(Value::as_str) != Some("object");
    let mut schema = match root {
        Value::Object(root) if !wraps => root,
        other => {
            let mut wrapper = Map::new();
            wrapper.insert("type".into(), json!("object"));
            wrapper.insert("properties".into(), json!({ "result": other }));
            wrapper.insert("required".into(), json!(["result"]));
            wrapper
        }
    };
    attach(&mut schema, defs);
    (Some(Value::Object(schema)), wraps)
}

/// `{}` (or `true`): the schema of a type discovery knows nothing about.
fn is_empty_schema(schema: &Value) -> bool {
    match schema {
        Value::Object(map) => map.keys().all(|k| k == "$schema"),
        Value::Bool(true) => true,
        _ => false,
    }
}

/// A self-contained schema without its `$schema` keyword, and its `$defs` apart.
fn split(schema: Value) -> (Value, Map<String, Value>) {
    let Value::Object(mut schema) = schema else {
        return (schema, Map::new());
    };
    schema.remove("$schema");
    let defs = match schema.remove("$defs") {
        Some(Value::Object(defs)) => defs,
        _ => Map::new(),
    };
    (Value::Object(schema), defs)
}

/// Writes the definition a schema refers to (`{"$ref": "#/$defs/NewNote"}`) in its place,
/// keeping what stands beside the reference (a default, a description) and dropping the
/// type's title, which only repeats its Rust name.
fn inline(schema: &mut Value, defs: &Map<String, Value>) {
    let Value::Object(map) = schema else {
        return;
    };
    let Some(Value::Object(def)) = map
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix(DEFS))
        .and_then(|name| defs.get(name))
    else {
        return;
    };
    let mut inlined = def.clone();
    inlined.remove("title");
    map.remove("$ref");
    inlined.extend(std::mem::take(map));
    *map = inlined;
}

/// Puts back under `$defs` the definitions `schema` still reaches, directly or through one
/// another (a recursive type refers to its own definition).
fn attach(schema: &mut Map<String, Value>, mut defs: Map<String, Value>) {
    let mut reached = Vec::new();
    for value in schema.values() {
        refs(value, &mut reached);
    }
    let mut next = 0;
    while next < reached.len() {
        if let Some(def) = defs.get(&reached[next]) {
            refs(def, &mut reached);
        }
        next += 1;
    }
    defs.retain(|name, _| reached.contains(name));
    if !defs.is_empty() {
        schema.insert("$defs".into(), Value::Object(defs));
    }
}

/// Where local references point.
const DEFS: &str = "#/$defs/";

/// Appends to `out` the definitions `schema` refers to; values that are JSON instances
/// (`const`, `enum`, `default`, `examples`) are not schemas and are skipped.
fn refs(schema: &Value, out: &mut Vec<String>) {
    let map = match schema {
        Value::Object(map) => map,
        Value::Array(items) => return items.iter().for_each(|s| refs(s, out)),
        _ => return,
    };
    for (key, value) in map {
        match (key.as_str(), value) {
            ("$ref", Value::String(reference)) => {
                if let Some(name) = reference.strip_prefix(DEFS)
                    && !out.iter().any(|n| n == name)
                {
                    out.push(name.to_owned());
                }
            }
            ("const" | "enum" | "default" | "examples", _) => {}
            (
                "properties" | "patternProperties" | "$defs" | "dependentSchemas",
                Value::Object(m),
            ) => {
                m.values().for_each(|s| refs(s, out));
            }
            (_, value) => refs(value, out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_join_service_and_method_and_replace_what_hosts_refuse() {
        assert_eq!(tool_name("tickets", "getTicket"), "tickets_getTicket");
        assert_eq!(tool_name("", "ping"), "ping");
        assert_eq!(tool_name("a.b", "c d"), "a_b_c_d");
        assert_eq!(tool_name("x", "é"), "x__");
    }

    #[test]
    fn a_referenced_type_is_written_in_place_and_unreached_definitions_go() {
        let (schema, defs) = split(json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "properties": {
                "note": {"$ref": "#/$defs/Note", "default": {"status": "new"}},
                "size": {"type": "integer"}
            },
            "$defs": {
                "Note": {"title": "Note", "type": "object",
                         "properties": {"status": {"$ref": "#/$defs/Status"}}},
                "Status": {"enum": ["new", "done"]},
                "Tag": {"type": "string"}
            }
        }));
        let Value::Object(mut schema) = schema else {
            panic!("{schema}")
        };
        assert!(schema.get("$schema").is_none() && schema.get("$defs").is_none());
        assert_eq!(defs.len(), 3);
        for param in schema["properties"].as_object_mut().unwrap().values_mut() {
            inline(param, &defs);
        }
        attach(&mut schema, defs);
        assert_eq!(
            Value::Object(schema),
            json!({
                "type": "object",
                "properties": {
                    "note": {"type": "object", "default": {"status": "new"},
                             "properties": {"status": {"$ref": "#/$defs/Status"}}},
                    "size": {"type": "integer"}
                },
                "$defs": {"Status": {"enum": ["new", "done"]}}
            })
        );
    }

    #[test]
    fn a_recursive_type_keeps_its_definition() {
        let (mut root, defs) = split(json!({
            "$ref": "#/$defs/Node",
            "$defs": {"Node": {"type": "object",
                               "properties": {"next": {"anyOf": [{"$ref": "#/$defs/Node"},
                                                                 {"type": "null"}]}}}}
        }));
        inline(&mut root, &defs);
        let Value::Object(mut root) = root else {
            panic!("{root}")
        };
        attach(&mut root, defs);
        assert_eq!(root["type"], "object");
        assert_eq!(
            root["properties"]["next"]["anyOf"][0]["$ref"],
            "#/$defs/Node"
        );
        assert_eq!(root["$defs"]["Node"]["type"], "object");
    }

    #[test]
    fn references_are_followed_in_schemas_only() {
        let mut found = Vec::new();
        refs(
            &json!({
                // A property may be called `$ref`; its value is a schema.
                "properties": {"$ref": {"$ref": "#/$defs/A"}},
                "allOf": [{"$ref": "#/$defs/B"}, {"$ref": "#/$defs/A"}],
                // Instances that look like references are not.
                "default": {"$ref": "#/$defs/C"},
                "enum": [{"$ref": "#/$defs/D"}],
                "items": {"$ref": "https://example.com/E"}
            }),
            &mut found,
        );
        found.sort();
        assert_eq!(found, ["A", "B"]);
        // A boolean schema refers to nothing and is left as it is.
        let (root, defs) = split(json!(true));
        assert_eq!((root, defs.len()), (json!(true), 0));
    }
}
