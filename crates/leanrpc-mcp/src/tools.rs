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
//! `inputSchema` is an object schema with one property per JSON param (its name as clients
//! send it), the required params in `required`, and `additionalProperties: false` when the
//! method refuses params it does not declare. Each param's schema is generated on its own and
//! carries its own definitions; they are moved into the tool's `$defs` (renamed when two
//! differ under one name) so the schema is self-contained JSON Schema 2020-12, with no
//! reference outside itself.
//!
//! MCP requires `outputSchema` to describe an object. A method whose result schema is an object
//! (`Ticket`) has it as its output schema and its result as `structuredContent`; any other
//! result (`Vec<Ticket>`, `i64`, `bool`, `Option<T>`) is wrapped: the output schema is
//! `{"type":"object","properties":{"result":<schema>},"required":["result"]}` and
//! `structuredContent` is `{"result": <value>}`. A method without a result schema has no
//! `outputSchema` and its result is wrapped the same way.
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

use crate::registry_view::{MethodView, RegistryView};

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
        let mut tools: Vec<ToolEntry> = Vec::new();
        let mut by_name = HashMap::new();
        let mut folded: HashMap<String, usize> = HashMap::new();
        for (index, method) in view.methods().iter().enumerate() {
            let name = tool_name(method.service, method.name);
            if name.len() > MAX_TOOL_NAME {
                return Err(ToolError::TooLong {
                    name,
                    at: method.location.clone(),
                });
            }
            if let Some(&other) = folded.get(&name.to_ascii_lowercase()) {
                let first: &ToolEntry = &tools[other];
                return Err(ToolError::Collision {
                    name,
                    first: view.methods()[first.method].location.clone(),
                    second: method.location.clone(),
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

fn describe(method: &MethodView, name: String, output_schema: Option<Value>) -> Tool {
    let read_only = is_read_only(method);
    let destructive = !read_only && is_delete(method);
    let summary = summary(method.doc);
    let title = (!summary.is_empty()).then(|| summary.trim_end_matches('.').to_owned());
    let mut description = method.doc.to_owned();
    if !description.is_empty() {
        description.push_str("\n\n");
    }
    description.push_str(&format!("JSON-RPC method `{}`", method.full_name));
    if let Some(role) = method.min_role {
        description.push_str(&format!("; needs role `{role}` or higher"));
    }
    if !method.scopes.is_empty() {
        let scopes: Vec<String> = method.scopes.iter().map(|s| format!("`{s}`")).collect();
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
pub(crate) fn is_read_only(method: &MethodView) -> bool {
    method.min_role.is_none_or(|r| r <= Role::Readonly)
        && method.scopes.iter().all(|s| s.ends_with(":read"))
}

/// Whether a method deletes: its name or an alias starts with `delete` or `remove`.
pub(crate) fn is_delete(method: &MethodView) -> bool {
    std::iter::once(method.name)
        .chain(method.aliases.iter().copied())
        .any(|n| {
            let n = n.to_ascii_lowercase();
            n.starts_with("delete") || n.starts_with("remove")
        })
}

/// The first sentence (or paragraph line) of a doc comment.
fn summary(doc: &str) -> String {
    let first = doc.split("\n\n").next().unwrap_or(doc);
    let line = first
        .split('\n')
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ");
    match line.find(". ") {
        Some(end) => line[..=end].to_owned(),
        None => line,
    }
}

/// The tool's input schema: one property per JSON param, self-contained.
fn input_schema(method: &MethodView) -> Map<String, Value> {
    let mut defs = Defs::default();
    let mut schema = Map::new();
    schema.insert("type".into(), json!("object"));
    if method.raw_params {
        // Any params: any object of arguments.
        return schema;
    }
    let mut properties = Map::new();
    let mut required = Vec::new();
    for param in &method.params {
        properties.insert(
            param.name.to_owned(),
            defs.adopt(param.schema.clone(), param.name),
        );
        if param.required {
            required.push(json!(param.name));
        }
    }
    schema.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        schema.insert("required".into(), Value::Array(required));
    }
    if method.rejects_unknown_params {
        schema.insert("additionalProperties".into(), json!(false));
    }
    defs.finish(&mut schema);
    schema
}

/// The tool's output schema, and whether results are wrapped in `{"result": ...}`.
fn output_schema(method: &MethodView) -> (Option<Value>, bool) {
    let Some(result) = &method.result_schema else {
        return (None, true);
    };
    let mut defs = Defs::default();
    let root = defs.adopt(result.clone(), "Result");
    let is_object = root.get("type").and_then(Value::as_str) == Some("object");
    let mut schema = if is_object {
        match root {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    } else {
        let mut wrapper = Map::new();
        wrapper.insert("type".into(), json!("object"));
        wrapper.insert("properties".into(), json!({ "result": root }));
        wrapper.insert("required".into(), json!(["result"]));
        wrapper
    };
    defs.finish(&mut schema);
    (Some(Value::Object(schema)), !is_object)
}

/// The definitions of one tool schema, gathered from the schemas of its parts.
#[derive(Default)]
struct Defs {
    defs: Map<String, Value>,
}

impl Defs {
    /// Takes a schema generated on its own: moves its definitions into `$defs` (renaming any
    /// whose name is taken by a different schema) and returns it with its references pointing
    /// there. A schema that refers to its own root (`"$ref": "#"`, a recursive type) moves
    /// into `$defs` too, under `fallback_name` when it has no title.
    fn adopt(&mut self, schema: Value, fallback_name: &str) -> Value {
        let Value::Object(mut root) = schema else {
            return schema;
        };
        root.remove("$schema");
        let mut found = Map::new();
        for key in ["$defs", "definitions"] {
            if let Some(Value::Object(defs)) = root.remove(key) {
                found.extend(defs);
            }
        }
        let self_referring = refers_to(&Value::Object(root.clone()), "#")
            || found.values().any(|d| refers_to(d, "#"));
        let mut renames = HashMap::new();
        for (name, def) in &found {
            let new = self.free_name(name, def);
            renames.insert(name.clone(), new);
        }
        let root_ref = self_referring.then(|| {
            let title = root
                .get("title")
                .and_then(Value::as_str)
                .unwrap_or(fallback_name)
                .to_owned();
            let name = self.free_name(&title, &Value::Object(root.clone()));
            format!("#/$defs/{name}")
        });
        for (name, def) in found {
            let new = renames[&name].clone();
            let def = rewrite(def, &renames, root_ref.as_deref());
            self.defs.insert(new, def);
        }
        let root = rewrite(Value::Object(root), &renames, root_ref.as_deref());
        match root_ref {
            Some(reference) => {
                let name = reference.trim_start_matches("#/$defs/").to_owned();
                self.defs.insert(name, root);
                json!({ "$ref": reference })
            }
            None => {
                let Value::Object(mut root) = root else {
                    return root;
                };
                // A root's title is the Rust type's name ("int64", "Array_of_Ticket"): noise.
                root.remove("title");
                Value::Object(root)
            }
        }
    }

    /// `name`, or `name2`, `name3`... when `name` holds a different schema.
    fn free_name(&self, name: &str, content: &Value) -> String {
        let mut candidate = name.to_owned();
        let mut n = 1;
        while let Some(existing) = self.defs.get(&candidate) {
            if existing == content {
                break;
            }
            n += 1;
            candidate = format!("{name}{n}");
        }
        candidate
    }

    fn finish(self, schema: &mut Map<String, Value>) {
        if !self.defs.is_empty() {
            schema.insert("$defs".into(), Value::Object(self.defs));
        }
    }
}

/// Whether `schema` holds a `$ref` equal to `target`.
fn refers_to(schema: &Value, target: &str) -> bool {
    match schema {
        Value::Object(map) => map.iter().any(|(k, v)| {
            (k == "$ref" && v.as_str() == Some(target)) || (k != "$ref" && refers_to(v, target))
        }),
        Value::Array(items) => items.iter().any(|v| refers_to(v, target)),
        _ => false,
    }
}

/// Points the references of `schema` at the tool's `$defs`.
fn rewrite(schema: Value, renames: &HashMap<String, String>, root: Option<&str>) -> Value {
    match schema {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    if k == "$ref"
                        && let Some(reference) = v.as_str()
                    {
                        let name = reference
                            .strip_prefix("#/$defs/")
                            .or_else(|| reference.strip_prefix("#/definitions/"));
                        let new = match (name, reference) {
                            (Some(name), _) => renames
                                .get(name)
                                .map(|n| format!("#/$defs/{n}"))
                                .unwrap_or_else(|| format!("#/$defs/{name}")),
                            (None, "#") => root.unwrap_or("#").to_owned(),
                            (None, other) => other.to_owned(),
                        };
                        return (k, Value::String(new));
                    }
                    (k, rewrite(v, renames, root))
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|v| rewrite(v, renames, root))
                .collect(),
        ),
        other => other,
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
    fn definitions_move_into_defs_and_clashing_names_are_renamed() {
        let mut defs = Defs::default();
        let a = defs.adopt(
            json!({"$schema": "x", "title": "A", "type": "object",
                   "properties": {"s": {"$ref": "#/$defs/Status"}},
                   "$defs": {"Status": {"enum": [1, 2]}}}),
            "a",
        );
        let b = defs.adopt(
            json!({"type": "object", "properties": {"s": {"$ref": "#/definitions/Status"}},
                   "definitions": {"Status": {"enum": ["x"]}}}),
            "b",
        );
        assert_eq!(a["properties"]["s"]["$ref"], "#/$defs/Status");
        assert_eq!(b["properties"]["s"]["$ref"], "#/$defs/Status2");
        assert!(a.get("title").is_none() && a.get("$schema").is_none());
        let mut out = Map::new();
        defs.finish(&mut out);
        assert_eq!(out["$defs"]["Status"], json!({"enum": [1, 2]}));
        assert_eq!(out["$defs"]["Status2"], json!({"enum": ["x"]}));
    }

    #[test]
    fn a_recursive_root_moves_into_defs() {
        let mut defs = Defs::default();
        let root = defs.adopt(
            json!({"title": "Node", "type": "object",
                   "properties": {"next": {"anyOf": [{"$ref": "#"}, {"type": "null"}]}}}),
            "n",
        );
        assert_eq!(root, json!({"$ref": "#/$defs/Node"}));
        let mut out = Map::new();
        defs.finish(&mut out);
        assert_eq!(
            out["$defs"]["Node"]["properties"]["next"]["anyOf"][0]["$ref"],
            "#/$defs/Node"
        );
    }

    #[test]
    fn summaries_are_the_first_sentence() {
        assert_eq!(summary("One ticket. With more."), "One ticket.");
        assert_eq!(summary("Lists\nthings\n\nMore."), "Lists things");
        assert_eq!(summary(""), "");
    }
}
