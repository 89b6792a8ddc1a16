//! OpenRPC discovery: the `rpc.discover` document and the model behind the reference page.
//!
//! The document is built once, when the server is built, from the mounted methods' compile-time
//! records: names (with the namespace), doc comments, params with their JSON Schemas, result
//! schemas and error codes. Each method's JSON is serialized then; a call to `rpc.discover` only
//! picks the methods the caller may call and joins their text.
//!
//! # What a method entry holds
//!
//! ```json
//! {
//!   "name": "leantime.rpc.tickets.getTicket",
//!   "summary": "Returns one ticket.",
//!   "description": "Returns one ticket.",
//!   "tags": [{"name": "tickets"}],
//!   "paramStructure": "either",
//!   "params": [{"name": "id", "required": true, "schema": {"type": "integer", "format": "int64"}}],
//!   "result": {"name": "result", "schema": {"$ref": "#/components/schemas/Ticket"}},
//!   "errors": [{"code": -32602, "message": "Invalid params"}, {"code": -32001, "message": "Unauthorized"}],
//!   "x-min-role": "readonly"
//! }
//! ```
//!
//! # Error codes
//!
//! A method's `errors` are derived, plus what it declares with `#[rpc(errors(...))]`:
//! -32602 (Invalid params) when it takes params, -32001 (Unauthorized) when the server
//! authenticates callers. The codes any call may meet (-32700, -32600, -32601, -32603, -32000)
//! are not repeated on every method: the OpenRPC specification says clients should assume them.
//!
//! # Schemas
//!
//! Each param and result schema is generated on its own (by `schemars`, through the facade's
//! default `schemars` feature), so each carries its own definitions. Discovery moves them into
//! `components.schemas` and points the references there; a named root type (a struct or an
//! enum) moves there too, so `Ticket` is described once however many methods use it. Two
//! different types with the same name get distinct names (`Ticket`, `Ticket2`).

use std::collections::HashMap;
use std::fmt::Write as _;

use serde_json::{Map, Value, json};

use crate::auth::{Caller, Role};
use crate::error::ErrorCode;
use crate::params::UnknownParams;
use crate::registry::MethodDef;

/// The method name of the OpenRPC service discovery method.
pub const DISCOVER_METHOD: &str = "rpc.discover";

/// The OpenRPC version the document follows.
pub const OPENRPC_VERSION: &str = "1.3.2";

/// Where references into the shared schemas point.
const COMPONENTS: &str = "#/components/schemas/";

/// What discovery knows about the server, for building the document.
pub(crate) struct Settings<'a> {
    pub(crate) title: &'a str,
    pub(crate) version: &'a str,
    pub(crate) path: &'a str,
    pub(crate) auth: bool,
    pub(crate) default_role: Role,
}

/// One method as discovery describes it.
pub(crate) struct MethodDoc {
    pub(crate) full_name: String,
    pub(crate) def: &'static MethodDef,
    pub(crate) params: Vec<ParamDoc>,
    pub(crate) result: Value,
    pub(crate) errors: Vec<i32>,
    /// The role it requires, when the server authenticates callers.
    pub(crate) min_role: Option<Role>,
    /// The components it uses, directly or through other components.
    refs: Vec<usize>,
    /// The method object, serialized.
    json: String,
}

/// One JSON param as discovery describes it.
pub(crate) struct ParamDoc {
    pub(crate) name: &'static str,
    pub(crate) required: bool,
    pub(crate) ty: &'static str,
    pub(crate) schema: Value,
}

/// The whole API as discovery describes it: the source of the `rpc.discover` document and the
/// reference page.
pub(crate) struct Reference {
    pub(crate) title: String,
    pub(crate) version: String,
    pub(crate) description: String,
    pub(crate) path: String,
    pub(crate) auth: bool,
    default_role: Role,
    pub(crate) methods: Vec<MethodDoc>,
    pub(crate) components: Components,
    info_json: String,
}

impl Reference {
    /// Describes `methods` (full name, definition), in mounting order.
    pub(crate) fn build<'m>(
        settings: &Settings<'_>,
        methods: impl IntoIterator<Item = (&'m str, &'static MethodDef)>,
    ) -> Self {
        let mut components = Components::default();
        let mut docs = Vec::new();
        for (full_name, def) in methods {
            let params = def
                .params
                .iter()
                .map(|p| ParamDoc {
                    name: p.camel,
                    required: p.required,
                    ty: p.ty,
                    schema: components.adopt((p.schema)()),
                })
                .collect::<Vec<_>>();
            let result = components.adopt((def.result_schema)());
            let mut errors = Vec::new();
            if def.raw_params || !def.params.is_empty() {
                errors.push(ErrorCode::INVALID_PARAMS.code());
            }
            if settings.auth {
                errors.push(ErrorCode::UNAUTHORIZED.code());
            }
            for code in def.errors {
                if !errors.contains(code) {
                    errors.push(*code);
                }
            }
            let min_role = settings
                .auth
                .then(|| def.access.min_role.unwrap_or(settings.default_role));
            docs.push(MethodDoc {
                full_name: full_name.to_owned(),
                def,
                params,
                result,
                errors,
                min_role,
                refs: Vec::new(),
                json: String::new(),
            });
        }
        let closure = components.closure();
        for doc in &mut docs {
            let mut direct = Vec::new();
            for schema in doc.params.iter().map(|p| &p.schema).chain([&doc.result]) {
                components.collect_refs(schema, &mut direct);
            }
            let mut refs: Vec<usize> = direct
                .iter()
                .flat_map(|&i| closure[i].iter().copied())
                .collect();
            refs.sort_unstable();
            refs.dedup();
            doc.refs = refs;
            doc.json = method_object(doc, settings.auth).to_string();
        }
        let description = info_description(settings);
        let info = json!({
            "title": settings.title,
            "version": settings.version,
            "description": description,
        });
        Reference {
            title: settings.title.to_owned(),
            version: settings.version.to_owned(),
            description,
            path: settings.path.to_owned(),
            auth: settings.auth,
            default_role: settings.default_role,
            methods: docs,
            components,
            info_json: info.to_string(),
        }
    }

    /// Whether `caller` may call `method` (every method, on a server without authentication).
    pub(crate) fn visible(&self, method: &MethodDoc, caller: Option<&Caller>) -> bool {
        if !self.auth {
            return true;
        }
        caller.is_some_and(|c| method.def.access.check(c, self.default_role).is_ok())
    }

    /// The OpenRPC document for `caller`: the methods it may call and the schemas they use.
    pub(crate) fn document(&self, caller: Option<&Caller>) -> String {
        let visible: Vec<&MethodDoc> = self
            .methods
            .iter()
            .filter(|m| self.visible(m, caller))
            .collect();
        let mut used = vec![false; self.components.names.len()];
        for method in &visible {
            for &i in &method.refs {
                used[i] = true;
            }
        }
        let size = visible.iter().map(|m| m.json.len() + 1).sum::<usize>() + 256;
        let mut out = String::with_capacity(size);
        out.push_str(r#"{"openrpc":""#);
        out.push_str(OPENRPC_VERSION);
        out.push_str(r#"","info":"#);
        out.push_str(&self.info_json);
        out.push_str(r#","methods":["#);
        for (i, method) in visible.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&method.json);
        }
        out.push(']');
        if used.contains(&true) {
            out.push_str(r#","components":{"schemas":{"#);
            let mut first = true;
            for (i, _) in used.iter().enumerate().filter(|(_, u)| **u) {
                if !first {
                    out.push(',');
                }
                first = false;
                let name = Value::String(self.components.names[i].clone());
                let _ = write!(out, "{name}:{}", self.components.schemas[i]);
            }
            out.push_str("}}");
        }
        out.push('}');
        out
    }

    /// An example value for `schema`, for the reference page's request examples; `ty` (the Rust
    /// type) guides it when the schema says nothing.
    pub(crate) fn example(&self, schema: &Value, ty: &str) -> Value {
        match self.components.example(schema, 0) {
            Some(value) => value,
            None => example_for_rust_type(ty),
        }
    }
}

fn info_description(settings: &Settings<'_>) -> String {
    let mut text = format!(
        "JSON-RPC 2.0 at `{}`: POST a request object or a batch, or GET with `method`, \
         `jsonrpc`, `id` and `params` (base64 of the params JSON) in the query string. \
         Params may be given by name or by position.",
        settings.path
    );
    if settings.auth {
        text.push_str(
            " Every request authenticates with an API key in the `x-api-key` header; \
             `rpc.discover` lists the methods the calling key may call.",
        );
    }
    text
}

/// The OpenRPC method object of one method.
fn method_object(doc: &MethodDoc, auth: bool) -> Value {
    let def = doc.def;
    let mut object = Map::new();
    object.insert("name".into(), Value::String(doc.full_name.clone()));
    let text = def.doc.trim();
    if !text.is_empty() {
        object.insert("summary".into(), Value::String(summary(text)));
        object.insert("description".into(), Value::String(text.to_owned()));
    }
    if !def.service.is_empty() {
        object.insert("tags".into(), json!([{ "name": def.service }]));
    }
    object.insert("paramStructure".into(), json!("either"));
    let params = doc
        .params
        .iter()
        .map(|p| json!({ "name": p.name, "required": p.required, "schema": p.schema }))
        .collect();
    object.insert("params".into(), Value::Array(params));
    object.insert(
        "result".into(),
        json!({ "name": "result", "schema": doc.result }),
    );
    let errors = doc
        .errors
        .iter()
        .map(|&code| json!({ "code": code, "message": ErrorCode::new(code).message() }))
        .collect();
    object.insert("errors".into(), Value::Array(errors));
    if def.raw_params {
        // OpenRPC cannot say "any params"; say it in an extension.
        object.insert("x-raw-params".into(), Value::Bool(true));
    }
    if !def.aliases.is_empty() {
        object.insert("x-aliases".into(), json!(def.aliases));
    }
    if !def.raw_params && def.unknown_params == UnknownParams::Ignore {
        // Absent means the default, "reject".
        object.insert(
            "x-unknown-params".into(),
            json!(def.unknown_params.as_str()),
        );
    }
    if auth {
        if let Some(role) = doc.min_role {
            object.insert("x-min-role".into(), json!(role.as_str()));
        }
        if !def.access.scopes.is_empty() {
            object.insert("x-scopes".into(), json!(def.access.scopes));
        }
    }
    Value::Object(object)
}

/// The first sentence (or line) of a doc comment.
pub(crate) fn summary(doc: &str) -> String {
    let first = doc.split("\n\n").next().unwrap_or(doc);
    let line = first.split('\n').collect::<Vec<_>>().join(" ");
    match line.find(". ") {
        Some(end) => line[..=end].to_owned(),
        None => line,
    }
}

/// The schemas the methods share, under `components.schemas`.
#[derive(Default)]
pub(crate) struct Components {
    pub(crate) names: Vec<String>,
    pub(crate) schemas: Vec<Value>,
    /// Each schema as it was generated (its references still local), to tell a type met
    /// again from a different type with the same name.
    originals: Vec<Value>,
    index: HashMap<String, usize>,
}

impl Components {
    /// Takes a schema generated on its own: moves its definitions (and the root itself, when
    /// it is a named struct or enum) into the components, and returns it with every
    /// reference pointing there.
    fn adopt(&mut self, schema: Value) -> Value {
        let Value::Object(mut root) = schema else {
            return schema;
        };
        root.remove("$schema");
        let mut defs = Map::new();
        for key in ["definitions", "$defs"] {
            if let Some(Value::Object(found)) = root.remove(key) {
                defs.extend(found);
            }
        }
        // A type's name is its component's name: a title repeating it would make the same type
        // look different as a root and as a definition.
        for (name, sub) in &mut defs {
            if let Value::Object(sub) = sub
                && sub.get("title").and_then(Value::as_str) == Some(name)
            {
                sub.remove("title");
            }
        }
        let root_name = root
            .get("title")
            .and_then(Value::as_str)
            .filter(|_| {
                ["properties", "enum", "oneOf"]
                    .iter()
                    .any(|k| root.contains_key(*k))
                    || refers_to_root(&Value::Object(root.clone()))
            })
            .map(str::to_owned);
        // A hoisted root is named by its title; any other root's title ("int64",
        // "Array_of_Ticket", "Nullable_Status") is noise for a reader.
        root.remove("title");
        // First the names (a definition may refer to one placed after it), then the contents.
        let mut renames = HashMap::new();
        let mut placed = Vec::new();
        for (name, sub) in &defs {
            let (index, new) = self.place(name, sub);
            renames.insert(name.clone(), self.names[index].clone());
            placed.push((index, new, sub));
        }
        let root_index = root_name.map(|name| self.place(&name, &Value::Object(root.clone())));
        let root_ref = root_index.map(|(i, _)| format!("{COMPONENTS}{}", self.names[i]));
        for (index, new, sub) in placed {
            if new {
                self.schemas[index] = rewrite(sub.clone(), &renames, root_ref.as_deref());
            }
        }
        let root = rewrite(Value::Object(root), &renames, root_ref.as_deref());
        match root_index {
            Some((index, new)) => {
                if new {
                    self.schemas[index] = root;
                }
                json!({ "$ref": root_ref })
            }
            None => root,
        }
    }

    /// The index of a component for `name` with content `original`: the existing one when the
    /// same type was met before, otherwise a new one, renamed if the name is taken.
    fn place(&mut self, name: &str, original: &Value) -> (usize, bool) {
        let mut candidate = name.to_owned();
        let mut n = 1;
        loop {
            match self.index.get(&candidate) {
                Some(&i) if self.originals[i] == *original => return (i, false),
                Some(_) => {
                    n += 1;
                    candidate = format!("{name}{n}");
                }
                None => break,
            }
        }
        let index = self.names.len();
        self.index.insert(candidate.clone(), index);
        self.names.push(candidate);
        self.originals.push(original.clone());
        self.schemas.push(Value::Null);
        (index, true)
    }

    /// The component indices `schema` refers to directly, appended to `out`.
    fn collect_refs(&self, schema: &Value, out: &mut Vec<usize>) {
        walk(schema, &mut |reference| {
            if let Some(i) = self.resolve(reference)
                && !out.contains(&i)
            {
                out.push(i);
            }
        });
    }

    /// The component a `$ref` points to.
    pub(crate) fn resolve(&self, reference: &str) -> Option<usize> {
        let name = reference.strip_prefix(COMPONENTS)?;
        self.index.get(name).copied()
    }

    /// For each component, every component it uses, itself included.
    fn closure(&self) -> Vec<Vec<usize>> {
        let direct: Vec<Vec<usize>> = self
            .schemas
            .iter()
            .map(|s| {
                let mut refs = Vec::new();
                self.collect_refs(s, &mut refs);
                refs
            })
            .collect();
        (0..self.schemas.len())
            .map(|start| {
                let mut seen = vec![start];
                let mut next = 0;
                while next < seen.len() {
                    for &r in &direct[seen[next]] {
                        if !seen.contains(&r) {
                            seen.push(r);
                        }
                    }
                    next += 1;
                }
                seen
            })
            .collect()
    }

    /// An example value for `schema`, or `None` when the schema says nothing useful.
    fn example(&self, schema: &Value, depth: usize) -> Option<Value> {
        if depth > 6 {
            return None;
        }
        let object = schema.as_object()?;
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            let i = self.resolve(reference)?;
            return self.example(&self.schemas[i], depth + 1);
        }
        for key in ["const", "default"] {
            if let Some(value) = object.get(key) {
                return Some(value.clone());
            }
        }
        for key in ["enum", "examples"] {
            if let Some(first) = object
                .get(key)
                .and_then(Value::as_array)
                .and_then(|a| a.first())
            {
                return Some(first.clone());
            }
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            if let Some(options) = object.get(key).and_then(Value::as_array) {
                return options
                    .iter()
                    .filter(|o| o.get("type").and_then(Value::as_str) != Some("null"))
                    .find_map(|o| self.example(o, depth + 1));
            }
        }
        let ty = match object.get("type") {
            Some(Value::String(t)) => t.as_str(),
            Some(Value::Array(types)) => types
                .iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "null")?,
            _ => return None,
        };
        Some(match ty {
            "integer" | "number" => json!(1),
            "boolean" => json!(true),
            "string" => match object.get("format").and_then(Value::as_str) {
                Some("date-time") => json!("2024-01-31T12:00:00Z"),
                Some("date") => json!("2024-01-31"),
                _ => json!("text"),
            },
            "array" => {
                let item = object.get("items").and_then(|i| self.example(i, depth + 1));
                Value::Array(item.into_iter().collect())
            }
            "object" => {
                let mut out = Map::new();
                let required = object.get("required").and_then(Value::as_array);
                if let (Some(props), Some(required)) = (
                    object.get("properties").and_then(Value::as_object),
                    required,
                ) {
                    for name in required.iter().filter_map(Value::as_str) {
                        if let Some(value) =
                            props.get(name).and_then(|s| self.example(s, depth + 1))
                        {
                            out.insert(name.to_owned(), value);
                        }
                    }
                }
                Value::Object(out)
            }
            _ => Value::Null,
        })
    }
}

/// An example value from a Rust type as written, for params without a schema.
fn example_for_rust_type(ty: &str) -> Value {
    let ty = ty.trim();
    if let Some(inner) = ty.strip_prefix("Option<").and_then(|t| t.strip_suffix('>')) {
        return example_for_rust_type(inner);
    }
    match ty {
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128"
        | "usize" => json!(1),
        "f32" | "f64" => json!(1.5),
        "bool" => json!(true),
        "String" | "&str" | "str" | "char" => json!("text"),
        _ if ty.starts_with("Vec<") || ty.starts_with('[') => json!([]),
        _ => Value::Null,
    }
}

/// Whether a schema refers to its own root (`"$ref": "#"`), as a recursive type may.
fn refers_to_root(schema: &Value) -> bool {
    let mut found = false;
    walk(schema, &mut |reference| found |= reference == "#");
    found
}

/// Calls `f` on every `$ref` in `schema`.
fn walk(schema: &Value, f: &mut dyn FnMut(&str)) {
    match schema {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(reference)) => f(reference),
                    _ => walk(value, f),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| walk(v, f)),
        _ => {}
    }
}

/// `schema` with its local references (`#/definitions/X`, `#/$defs/X`, `#`) pointing into the
/// components.
fn rewrite(schema: Value, renames: &HashMap<String, String>, root: Option<&str>) -> Value {
    match schema {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| {
                    let value = match (key.as_str(), value) {
                        ("$ref", Value::String(reference)) => {
                            Value::String(relocate(&reference, renames, root))
                        }
                        (_, value) => rewrite(value, renames, root),
                    };
                    (key, value)
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

fn relocate(reference: &str, renames: &HashMap<String, String>, root: Option<&str>) -> String {
    if reference == "#" {
        return root.unwrap_or(reference).to_owned();
    }
    let local = ["#/definitions/", "#/$defs/"]
        .iter()
        .find_map(|prefix| reference.strip_prefix(prefix));
    let Some(rest) = local else {
        return reference.to_owned();
    };
    let (name, tail) = match rest.find('/') {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, ""),
    };
    match renames.get(name) {
        Some(new) => format!("{COMPONENTS}{new}{tail}"),
        None => reference.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::any::{Any, TypeId};

    use super::*;
    use crate::auth::Access;
    use crate::params::{ParamDef, no_schema};
    use crate::registry::Invocation;

    fn handler<'a>(_: &'a (dyn Any + Send + Sync), _: Invocation<'a>) -> crate::Answer<'a> {
        crate::Answer::Ready(Ok(()))
    }

    fn ticket_schema() -> Value {
        json!({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "title": "Ticket",
            "type": "object",
            "required": ["id"],
            "properties": {"id": {"type": "integer"}}
        })
    }

    fn int_schema() -> Value {
        json!({"title": "int64", "type": "integer", "format": "int64"})
    }

    static ID: [ParamDef; 1] = [ParamDef {
        name: "id",
        camel: "id",
        required: true,
        ty: "i64",
        schema: int_schema,
    }];

    const fn def(name: &'static str, min_role: Role, params: &'static [ParamDef]) -> MethodDef {
        MethodDef {
            service: "tickets",
            name,
            aliases: &[],
            rust_name: name,
            params,
            raw_params: false,
            result: "Ticket",
            result_schema: ticket_schema,
            errors: &[-32002],
            doc: "Does it.\n\nIn detail.",
            file: "",
            line: 0,
            service_type: TypeId::of::<()>,
            type_name: "Tickets",
            access: Access {
                min_role: Some(min_role),
                scopes: &[],
            },
            unknown_params: crate::params::UnknownParams::Reject,
            handler,
        }
    }

    static READ: MethodDef = def("getTicket", Role::Readonly, &ID);
    static WRITE: MethodDef = MethodDef {
        result_schema: no_schema,
        ..def("deleteTicket", Role::Manager, &ID)
    };

    fn reference(auth: bool) -> Reference {
        let settings = Settings {
            title: "T",
            version: "1.2.3",
            path: "/api/jsonrpc",
            auth,
            default_role: Role::Admin,
        };
        Reference::build(
            &settings,
            [
                ("ns.tickets.getTicket", &READ),
                ("ns.tickets.deleteTicket", &WRITE),
            ],
        )
    }

    fn caller(role: Role) -> Caller {
        crate::auth::test_caller(role, Vec::new(), &[])
    }

    fn names(document: &str) -> Vec<String> {
        let doc: Value = serde_json::from_str(document).unwrap();
        doc["methods"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["name"].as_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn the_document_describes_each_method() {
        let doc: Value =
            serde_json::from_str(&reference(true).document(Some(&caller(Role::Owner)))).unwrap();
        assert_eq!(doc["openrpc"], OPENRPC_VERSION);
        assert_eq!(doc["info"]["title"], "T");
        assert_eq!(doc["info"]["version"], "1.2.3");
        assert_eq!(
            doc["methods"][0],
            json!({
                "name": "ns.tickets.getTicket",
                "summary": "Does it.",
                "description": "Does it.\n\nIn detail.",
                "tags": [{"name": "tickets"}],
                "paramStructure": "either",
                "params": [{"name": "id", "required": true, "schema": {"type": "integer", "format": "int64"}}],
                "result": {"name": "result", "schema": {"$ref": "#/components/schemas/Ticket"}},
                "errors": [
                    {"code": -32602, "message": "Invalid params"},
                    {"code": -32001, "message": "Unauthorized"},
                    {"code": -32002, "message": "Not found"}
                ],
                "x-min-role": "readonly"
            })
        );
        assert_eq!(
            doc["components"]["schemas"]["Ticket"]["properties"]["id"],
            json!({"type": "integer"})
        );
    }

    #[test]
    fn a_method_that_ignores_unknown_params_says_so() {
        static LENIENT: MethodDef = MethodDef {
            unknown_params: crate::params::UnknownParams::Ignore,
            ..def("getTicket", Role::Readonly, &ID)
        };
        let settings = Settings {
            title: "T",
            version: "1",
            path: "/api/jsonrpc",
            auth: false,
            default_role: Role::Admin,
        };
        let r = Reference::build(&settings, [("ns.a", &LENIENT), ("ns.b", &READ)]);
        let doc: Value = serde_json::from_str(&r.document(None)).unwrap();
        assert_eq!(doc["methods"][0]["x-unknown-params"], json!("ignore"));
        // The default, "reject", is what a method without the extension does.
        assert!(doc["methods"][1].get("x-unknown-params").is_none());
    }

    #[test]
    fn callers_see_the_methods_their_role_allows_and_the_types_those_use() {
        let r = reference(true);
        assert_eq!(
            names(&r.document(Some(&caller(Role::Manager)))),
            ["ns.tickets.getTicket", "ns.tickets.deleteTicket"]
        );
        let readonly = r.document(Some(&caller(Role::Readonly)));
        assert_eq!(names(&readonly), ["ns.tickets.getTicket"]);
        assert!(readonly.contains("\"components\""));
        // No caller on an authenticating server: no methods, and so no components.
        let nobody = r.document(None);
        assert!(names(&nobody).is_empty());
        assert!(!nobody.contains("components"), "{nobody}");
        // Without authentication every method is listed, without roles.
        let open = reference(false).document(None);
        assert_eq!(names(&open).len(), 2);
        assert!(!open.contains("x-min-role"));
        assert!(!open.contains("-32001"));
    }

    #[test]
    fn definitions_move_to_components_and_named_roots_too() {
        let mut c = Components::default();
        let ticket = json!({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "title": "Ticket",
            "type": "object",
            "properties": {"status": {"$ref": "#/definitions/Status"}},
            "definitions": {"Status": {"type": "string", "enum": ["new", "done"]}}
        });
        assert_eq!(
            c.adopt(ticket.clone()),
            json!({"$ref": "#/components/schemas/Ticket"})
        );
        assert_eq!(c.names, ["Status", "Ticket"]);
        assert_eq!(
            c.schemas[1]["properties"]["status"]["$ref"],
            "#/components/schemas/Status"
        );
        assert!(c.schemas[1].get("definitions").is_none());
        // The same type again is the same component.
        c.adopt(ticket);
        assert_eq!(c.names.len(), 2);
        // A different type with a taken name is renamed, and so are references to it.
        let other = json!({
            "title": "Wrapper",
            "type": "object",
            "properties": {"s": {"$ref": "#/$defs/Status"}},
            "$defs": {"Status": {"type": "integer"}}
        });
        c.adopt(other);
        assert_eq!(c.names, ["Status", "Ticket", "Status2", "Wrapper"]);
        assert_eq!(
            c.schemas[3]["properties"]["s"]["$ref"],
            "#/components/schemas/Status2"
        );
        // A primitive root stays inline, without its generated title.
        assert_eq!(
            c.adopt(json!({"title": "int64", "type": "integer", "format": "int64"})),
            json!({"type": "integer", "format": "int64"})
        );
        assert_eq!(c.adopt(json!(true)), json!(true));
    }

    #[test]
    fn recursive_roots_are_hoisted() {
        let mut c = Components::default();
        let node = json!({
            "title": "Node",
            "type": "array",
            "items": {"$ref": "#"}
        });
        assert_eq!(c.adopt(node), json!({"$ref": "#/components/schemas/Node"}));
        assert_eq!(c.schemas[0]["items"]["$ref"], "#/components/schemas/Node");
        assert_eq!(c.closure()[0], [0]);
    }

    #[test]
    fn examples_follow_the_schema() {
        let mut c = Components::default();
        c.adopt(json!({
            "title": "Ticket",
            "type": "object",
            "required": ["id", "status"],
            "properties": {
                "id": {"type": "integer"},
                "note": {"type": "string"},
                "status": {"$ref": "#/definitions/Status"}
            },
            "definitions": {"Status": {"oneOf": [{"const": "new"}, {"const": "done"}]}}
        }));
        let reference = json!({"$ref": "#/components/schemas/Ticket"});
        assert_eq!(
            c.example(&reference, 0),
            Some(json!({"id": 1, "status": "new"}))
        );
        assert_eq!(
            c.example(&json!({"type": ["string", "null"]}), 0),
            Some(json!("text"))
        );
        assert_eq!(c.example(&json!({}), 0), None);
        assert_eq!(example_for_rust_type("Option<i64>"), json!(1));
        assert_eq!(example_for_rust_type("String"), json!("text"));
    }

    #[test]
    fn summaries_are_the_first_sentence() {
        assert_eq!(summary("Returns one ticket."), "Returns one ticket.");
        assert_eq!(
            summary("Creates a project. Keys limited to some\nprojects cannot."),
            "Creates a project."
        );
        assert_eq!(summary("Line one\nline two\n\nMore."), "Line one line two");
    }
}
