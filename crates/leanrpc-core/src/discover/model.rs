//! The discovery model: what the server knows about its API, public and read-only.
//!
//! [`Api`] is built once, when the server is built, from the mounted methods' compile-time
//! records. The OpenRPC document (`rpc.discover`) is one rendering of it, the reference page
//! (`leanrpc-reference`) another; a front end (MCP `tools/list`, a client generator) reads it
//! through [`Server::api`](crate::Server::api).

use std::fmt;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::hoist::{COMPONENTS, Components};
use super::openrpc::Prepared;
use crate::auth::{Caller, Role};
use crate::error::ErrorCode;
use crate::params::UnknownParams;
use crate::registry::MethodDef;

/// What discovery knows about the server, for building the model.
pub(crate) struct Settings<'a> {
    pub(crate) title: &'a str,
    pub(crate) version: &'a str,
    pub(crate) path: &'a str,
    pub(crate) auth: bool,
    pub(crate) default_role: Role,
}

/// The whole API as discovery describes it: title and version, every mounted method in
/// mounting order, and the schemas they share.
///
/// Schemas are JSON Schema (draft-07, as OpenRPC 1.3.2 uses) values whose references point
/// into the shared schemas (`#/components/schemas/Ticket`); [`Api::schema`] and
/// [`Api::resolve`] follow them, and [`Method::params_schema`] gives a self-contained
/// 2020-12 schema for handing out on its own.
#[non_exhaustive]
pub struct Api {
    pub(super) title: String,
    pub(super) version: String,
    pub(super) description: String,
    pub(super) path: String,
    pub(super) auth: bool,
    pub(super) default_role: Role,
    pub(super) methods: Vec<Method>,
    pub(super) components: Arc<Components>,
    /// The OpenRPC rendering, prepared at build time.
    pub(super) openrpc: Prepared,
}

impl fmt::Debug for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Api")
            .field("title", &self.title)
            .field("version", &self.version)
            .field("path", &self.path)
            .field("authenticates", &self.auth)
            .field("methods", &self.methods.len())
            .field("schemas", &self.components.names)
            .finish_non_exhaustive()
    }
}

impl Api {
    /// Describes `methods` (full name, definition), in mounting order.
    pub(crate) fn build<'m>(
        settings: &Settings<'_>,
        methods: impl IntoIterator<Item = (&'m str, &'static MethodDef)>,
    ) -> Self {
        let mut components = Components::default();
        let mut drafts = Vec::new();
        for (full_name, def) in methods {
            let params = def
                .params
                .iter()
                .map(|p| Param {
                    name: p.camel,
                    rust_name: p.name,
                    aliases: if p.name == p.camel {
                        Vec::new()
                    } else {
                        vec![p.name]
                    },
                    required: p.required,
                    ty: p.ty,
                    schema: components.adopt((p.schema)()),
                    default: (p.default)(),
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
            drafts.push((full_name.to_owned(), def, params, result, errors, min_role));
        }
        let components = Arc::new(components);
        let methods = drafts
            .into_iter()
            .map(|(full_name, def, params, result, errors, min_role)| {
                let doc = def.doc.trim();
                Method {
                    full_name,
                    def,
                    summary: (!doc.is_empty()).then(|| summary(doc)),
                    params,
                    result,
                    errors,
                    min_role,
                    auth: settings.auth,
                    default_role: settings.default_role,
                    components: Arc::clone(&components),
                }
            })
            .collect();
        let mut api = Api {
            title: settings.title.to_owned(),
            version: settings.version.to_owned(),
            description: info_description(settings),
            path: settings.path.to_owned(),
            auth: settings.auth,
            default_role: settings.default_role,
            methods,
            components,
            openrpc: Prepared::default(),
        };
        api.openrpc = Prepared::new(&api);
        api
    }

    /// The API's title (`ServerBuilder::api_info`; by default the namespace, or
    /// `"JSON-RPC API"`).
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The API's version (`ServerBuilder::api_info`; by default `"0.0.0"`).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// A paragraph on how to call the API (the endpoint, GET and POST, and the API key when
    /// the server authenticates callers), as the OpenRPC document's `info.description` says it.
    /// Text with `code spans` in backticks.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The endpoint path (`/api/jsonrpc`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Whether the server authenticates callers: then each method has a
    /// [minimum role](Method::min_role), and a caller sees only the methods it may call.
    pub fn authenticates(&self) -> bool {
        self.auth
    }

    /// The minimum role of methods that declare none (`ServerBuilder::default_role`).
    pub fn default_role(&self) -> Role {
        self.default_role
    }

    /// Every mounted method, in mounting order, whoever may call it.
    pub fn methods(&self) -> &[Method] {
        &self.methods
    }

    /// The methods `caller` may call, in mounting order: on a server that authenticates, those
    /// its role and scopes allow (none without a caller); otherwise every method.
    pub fn methods_visible_to<'a>(
        &'a self,
        caller: Option<&'a Caller>,
    ) -> impl Iterator<Item = &'a Method> + 'a {
        self.methods.iter().filter(move |m| m.callable_by(caller))
    }

    /// The method with this canonical full name (`leantime.rpc.tickets.getTicket`), exactly as
    /// [`Method::full_name`] spells it; `Server::resolve` applies the lenient name rules.
    pub fn method(&self, full_name: &str) -> Option<&Method> {
        self.methods.iter().find(|m| m.full_name == full_name)
    }

    /// The shared schemas (`components.schemas` in the OpenRPC document), name and schema, in
    /// the order they were first met.
    pub fn schemas(&self) -> impl ExactSizeIterator<Item = (&str, &Value)> + '_ {
        let c = &*self.components;
        c.names.iter().map(String::as_str).zip(&c.schemas)
    }

    /// The shared schema named `name`.
    pub fn schema(&self, name: &str) -> Option<&Value> {
        let i = self.components.resolve(&format!("{COMPONENTS}{name}"))?;
        Some(&self.components.schemas[i])
    }

    /// The shared schema a `$ref` points to (`#/components/schemas/Ticket`), with its name;
    /// `None` for any other reference.
    pub fn resolve(&self, reference: &str) -> Option<(&str, &Value)> {
        let i = self.components.resolve(reference)?;
        Some((&self.components.names[i], &self.components.schemas[i]))
    }

    /// The OpenRPC 1.3.2 document for `caller`: the methods it may call and the schemas they
    /// use (what `rpc.discover` answers, whether or not the server answers it).
    pub fn openrpc(&self, caller: Option<&Caller>) -> String {
        self.openrpc.document(self, caller)
    }
}

/// One mounted method as discovery describes it.
#[non_exhaustive]
pub struct Method {
    full_name: String,
    def: &'static MethodDef,
    summary: Option<String>,
    params: Vec<Param>,
    result: Value,
    errors: Vec<i32>,
    min_role: Option<Role>,
    auth: bool,
    default_role: Role,
    components: Arc<Components>,
}

impl fmt::Debug for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Method")
            .field("full_name", &self.full_name)
            .field("params", &self.params)
            .field("errors", &self.errors)
            .field("min_role", &self.min_role)
            .field("scopes", &self.scopes())
            .finish_non_exhaustive()
    }
}

impl Method {
    /// The canonical full name a client calls (`leantime.rpc.tickets.getTicket`).
    pub fn full_name(&self) -> &str {
        &self.full_name
    }

    /// The service name (`tickets`), or `""` for a method served at the root.
    pub fn service(&self) -> &'static str {
        self.def.service
    }

    /// The method's own name (`getTicket`), without namespace and service.
    pub fn name(&self) -> &'static str {
        self.def.name
    }

    /// Other names the method answers to in its service (`#[rpc(alias = "...")]`), each in
    /// place of [`name`](Self::name).
    pub fn aliases(&self) -> &'static [&'static str] {
        self.def.aliases
    }

    /// The doc comment, trimmed; `""` when there is none.
    pub fn doc(&self) -> &'static str {
        self.def.doc.trim()
    }

    /// The doc comment's first sentence (or line); `None` when there is no doc comment.
    pub fn summary(&self) -> Option<&str> {
        self.summary.as_deref()
    }

    /// The whole doc comment; `None` when there is none.
    pub fn description(&self) -> Option<&'static str> {
        Some(self.doc()).filter(|d| !d.is_empty())
    }

    /// The JSON params, in declaration order (empty for a method that
    /// [takes raw params](Self::takes_raw_params)).
    pub fn params(&self) -> &[Param] {
        &self.params
    }

    /// Whether the method takes its params as given (a `Params<'_>` argument), so that any
    /// shape is accepted and [`params`](Self::params) says nothing.
    pub fn takes_raw_params(&self) -> bool {
        self.def.raw_params
    }

    /// What the method does with named params it does not declare.
    pub fn unknown_params(&self) -> UnknownParams {
        self.def.unknown_params
    }

    /// The result's schema (of `T` for a `Result<T, E>`; `{}` when unknown), its references
    /// pointing into the shared schemas.
    pub fn result_schema(&self) -> &Value {
        &self.result
    }

    /// The result's Rust type as written.
    pub fn result_rust_type(&self) -> &'static str {
        self.def.result
    }

    /// Every error code the method may answer beyond those any call may meet: -32602 when it
    /// takes params, -32001 when the server authenticates callers, then the codes it declares
    /// with `#[rpc(errors(...))]`, each once.
    pub fn errors(&self) -> &[i32] {
        &self.errors
    }

    /// The codes the method declares with `#[rpc(errors(...))]`, each once, in order.
    pub fn declared_errors(&self) -> &'static [i32] {
        self.def.errors
    }

    /// The lowest role that may call the method (its own, or the server's default), when the
    /// server authenticates callers; `None` on an open server.
    pub fn min_role(&self) -> Option<Role> {
        self.min_role
    }

    /// The scopes a caller's key must hold (`#[rpc(scope = "...")]`).
    pub fn scopes(&self) -> &'static [&'static str] {
        self.def.access.scopes
    }

    /// Whether `caller` may call the method: its role and scopes allow it, on a server that
    /// authenticates (never without a caller); always on an open server.
    pub fn callable_by(&self, caller: Option<&Caller>) -> bool {
        if !self.auth {
            return true;
        }
        caller.is_some_and(|c| self.def.access.check(c, self.default_role).is_ok())
    }

    /// The params as one self-contained JSON Schema (2020-12) of the params object, for a
    /// front end that hands it out on its own (an MCP tool's `inputSchema`, a generated
    /// client's params type).
    ///
    /// It is an object schema: `properties` (each param by its name, with its schema and its
    /// [default](Param::default_value) when known), `required`, `additionalProperties: false` when the method rejects unknown params, and
    /// the shared schemas it uses under `$defs`, every reference pointing there. Params given
    /// by position are not described. A method that [takes raw params](Self::takes_raw_params)
    /// gets `{"type": "object"}` with no properties.
    ///
    /// ```json
    /// {
    ///   "$schema": "https://json-schema.org/draft/2020-12/schema",
    ///   "type": "object",
    ///   "properties": {"id": {"type": "integer", "format": "int64"}},
    ///   "required": ["id"],
    ///   "additionalProperties": false
    /// }
    /// ```
    pub fn params_schema(&self) -> Value {
        let mut root = Map::new();
        root.insert("type".into(), Value::String("object".into()));
        if !self.def.raw_params {
            let properties = self
                .params
                .iter()
                .map(|p| {
                    (
                        p.name.to_owned(),
                        with_default(p.schema.clone(), &p.default),
                    )
                })
                .collect();
            root.insert("properties".into(), Value::Object(properties));
            let required: Vec<Value> = self
                .params
                .iter()
                .filter(|p| p.required)
                .map(|p| Value::String(p.name.to_owned()))
                .collect();
            if !required.is_empty() {
                root.insert("required".into(), Value::Array(required));
            }
            if self.def.unknown_params == UnknownParams::Reject {
                root.insert("additionalProperties".into(), Value::Bool(false));
            }
        }
        self.components.standalone(Value::Object(root))
    }

    /// The [result's schema](Self::result_schema) as one self-contained JSON Schema (2020-12),
    /// the shared schemas it uses under `$defs` (an MCP tool's `outputSchema`). A boolean
    /// schema comes back as it is.
    pub fn result_schema_standalone(&self) -> Value {
        self.components.standalone(self.result.clone())
    }
}

/// One JSON param of a method as discovery describes it.
#[non_exhaustive]
#[derive(Debug)]
pub struct Param {
    name: &'static str,
    rust_name: &'static str,
    aliases: Vec<&'static str>,
    required: bool,
    ty: &'static str,
    schema: Value,
    default: Option<Value>,
}

impl Param {
    /// The name a call gives it by (`projectId`: the Rust name in lowerCamelCase, or the one
    /// set with `#[rpc(name = "...")]`).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The Rust parameter name (`project_id`).
    pub fn rust_name(&self) -> &'static str {
        self.rust_name
    }

    /// Other names a call may give it by (the Rust name, when it differs from
    /// [`name`](Self::name)).
    pub fn aliases(&self) -> &[&'static str] {
        &self.aliases
    }

    /// Whether a call must give it (it is neither an `Option<T>` nor `#[rpc(default)]`).
    pub fn required(&self) -> bool {
        self.required
    }

    /// The Rust type as written (`Option<i64>`).
    pub fn rust_type(&self) -> &'static str {
        self.ty
    }

    /// Its schema (`{}` when unknown), references pointing into the shared schemas.
    pub fn schema(&self) -> &Value {
        &self.schema
    }

    /// The value a call that leaves it out gets, as JSON, for a `#[rpc(default)]` param whose
    /// type implements `Serialize` (its `Default::default()`); `None` otherwise (a required
    /// param, an `Option<T>` one, which is `null` when left out, or a default that does not
    /// serialize).
    pub fn default_value(&self) -> Option<&Value> {
        self.default.as_ref()
    }
}

/// A param's schema with its default value as `default`, when it has one.
fn with_default(schema: Value, default: &Option<Value>) -> Value {
    let Some(default) = default else {
        return schema;
    };
    let mut object = match schema {
        Value::Object(object) => object,
        // `true` allows anything, as `{}` does; `false` allows nothing, default or not.
        Value::Bool(true) => Map::new(),
        other => return other,
    };
    object.insert("default".into(), default.clone());
    Value::Object(object)
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

/// The first sentence (or line) of a doc comment.
pub(super) fn summary(doc: &str) -> String {
    let first = doc.split("\n\n").next().unwrap_or(doc);
    let line = first.split('\n').collect::<Vec<_>>().join(" ");
    match line.find(". ") {
        Some(end) => line[..=end].to_owned(),
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::super::fixtures::{ID, READ, WRITE, api, caller, def, settings};
    use super::{Api, summary};
    use crate::auth::Role;
    use crate::params::{ParamDef, UnknownParams, no_default};
    use crate::registry::MethodDef;

    fn names<'a>(methods: impl Iterator<Item = &'a super::Method>) -> Vec<&'a str> {
        methods.map(|m| m.full_name()).collect()
    }

    #[test]
    fn the_model_describes_the_api_and_each_method() {
        let api = api(true);
        assert_eq!(api.title(), "T");
        assert_eq!(api.version(), "1.2.3");
        assert_eq!(api.path(), "/api/jsonrpc");
        assert!(api.authenticates());
        assert_eq!(api.default_role(), Role::Admin);
        assert!(api.description().contains("`x-api-key`"));
        assert_eq!(
            names(api.methods().iter()),
            ["ns.tickets.getTicket", "ns.tickets.deleteTicket"]
        );
        let get = api.method("ns.tickets.getTicket").unwrap();
        assert_eq!(get.service(), "tickets");
        assert_eq!(get.name(), "getTicket");
        assert!(get.aliases().is_empty());
        assert_eq!(get.doc(), "Does it.\n\nIn detail.");
        assert_eq!(get.summary(), Some("Does it."));
        assert_eq!(get.description(), Some("Does it.\n\nIn detail."));
        assert!(!get.takes_raw_params());
        assert_eq!(get.unknown_params(), UnknownParams::Reject);
        let [id] = get.params() else {
            panic!("{:?}", get.params())
        };
        assert_eq!(id.name(), "id");
        assert_eq!(id.rust_name(), "id");
        assert!(id.aliases().is_empty());
        assert!(id.required());
        assert_eq!(id.rust_type(), "i64");
        assert_eq!(id.schema(), &json!({"type": "integer", "format": "int64"}));
        assert_eq!(id.default_value(), None);
        assert_eq!(
            get.result_schema(),
            &json!({"$ref": "#/components/schemas/Ticket"})
        );
        assert_eq!(get.result_rust_type(), "Ticket");
        assert_eq!(get.errors(), [-32602, -32001, -32002]);
        assert_eq!(get.declared_errors(), [-32002]);
        assert_eq!(get.min_role(), Some(Role::Readonly));
        assert!(get.scopes().is_empty());
        // The shared schemas, by name and through a reference.
        let schemas: Vec<&str> = api.schemas().map(|(name, _)| name).collect();
        assert_eq!(schemas, ["Ticket"]);
        let ticket = api.schema("Ticket").unwrap();
        assert_eq!(ticket["properties"]["id"], json!({"type": "integer"}));
        assert_eq!(
            api.resolve("#/components/schemas/Ticket"),
            Some(("Ticket", ticket))
        );
        assert_eq!(api.resolve("#/definitions/Ticket"), None);
        assert_eq!(api.schema("Nope"), None);
        // Exact names only: the lenient rules are `Server::resolve`'s.
        assert!(api.method("ns.tickets.get_ticket").is_none());
    }

    #[test]
    fn an_open_server_has_no_roles_and_no_unauthorized_code() {
        let api = api(false);
        assert!(!api.authenticates());
        let delete = api.method("ns.tickets.deleteTicket").unwrap();
        assert_eq!(delete.min_role(), None);
        assert_eq!(delete.errors(), [-32602, -32002]);
        assert_eq!(names(api.methods_visible_to(None)).len(), 2);
    }

    #[test]
    fn a_caller_sees_the_methods_its_role_and_scopes_allow() {
        static SCOPED: MethodDef = MethodDef {
            access: crate::auth::Access {
                min_role: Some(Role::Readonly),
                scopes: &["tickets:write"],
            },
            ..def("scoped", Role::Readonly, &ID)
        };
        let api = Api::build(
            &settings(true),
            [("ns.a", &READ), ("ns.b", &WRITE), ("ns.c", &SCOPED)],
        );
        // A key without scopes holds them all.
        let manager = caller(Role::Manager);
        assert_eq!(
            names(api.methods_visible_to(Some(&manager))),
            ["ns.a", "ns.b", "ns.c"]
        );
        let mut readonly = caller(Role::Readonly);
        readonly.grant_mut().scopes = vec!["tickets:read".into()];
        assert_eq!(names(api.methods_visible_to(Some(&readonly))), ["ns.a"]);
        let mut writer = caller(Role::Readonly);
        writer.grant_mut().scopes = vec!["tickets:write".into()];
        assert_eq!(
            names(api.methods_visible_to(Some(&writer))),
            ["ns.a", "ns.c"]
        );
        assert!(api.methods_visible_to(None).next().is_none());
        assert!(!api.methods()[1].callable_by(Some(&readonly)));
        assert_eq!(api.methods()[2].scopes(), ["tickets:write"]);
    }

    fn note_schema() -> Value {
        json!({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "title": "Note",
            "type": "object",
            "required": ["text", "status"],
            "properties": {
                "text": {"type": "string"},
                "status": {"$ref": "#/definitions/Status"}
            },
            "definitions": {"Status": {"type": "string", "enum": ["new", "done"]}}
        })
    }

    fn zero() -> Option<Value> {
        Some(json!(0))
    }

    static NOTE_PARAMS: [ParamDef; 3] = [
        ParamDef {
            name: "note",
            camel: "note",
            required: true,
            ty: "Note",
            schema: note_schema,
            default: no_default,
        },
        ParamDef {
            name: "page_size",
            camel: "pageSize",
            required: false,
            ty: "u32",
            schema: crate::params::no_schema,
            default: zero,
        },
        ParamDef {
            name: "tag",
            camel: "tag",
            required: false,
            ty: "Option<String>",
            schema: crate::params::no_schema,
            default: no_default,
        },
    ];

    #[test]
    fn params_schemas_are_self_contained_2020_12_object_schemas() {
        static ADD: MethodDef = def("addNote", Role::Editor, &NOTE_PARAMS);
        // `getTicket` first, so that `Ticket` is a component `addNote` does not use.
        let api = Api::build(&settings(true), [("ns.get", &READ), ("ns.add", &ADD)]);
        assert_eq!(
            api.method("ns.get").unwrap().params_schema(),
            json!({
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "type": "object",
                "properties": {"id": {"type": "integer", "format": "int64"}},
                "required": ["id"],
                "additionalProperties": false
            })
        );
        let add = api.method("ns.add").unwrap();
        let schema = add.params_schema();
        assert_eq!(
            schema["properties"],
            json!({
                "note": {"$ref": "#/$defs/Note"},
                "pageSize": {"default": 0},
                "tag": {}
            })
        );
        assert_eq!(schema["required"], json!(["note"]));
        // Every component it reaches, directly or not, and no other; every reference local.
        let defs = schema["$defs"].as_object().unwrap();
        assert_eq!(defs.keys().collect::<Vec<_>>(), ["Note", "Status"]);
        assert_eq!(
            defs["Note"]["properties"]["status"],
            json!({"$ref": "#/$defs/Status"})
        );
        assert_eq!(
            defs["Status"],
            json!({"type": "string", "enum": ["new", "done"]})
        );
        assert!(!schema.to_string().contains("#/components"), "{schema}");
        // The model itself still points into the components, and knows the names and default.
        assert_eq!(
            add.params()[0].schema(),
            &json!({"$ref": "#/components/schemas/Note"})
        );
        assert_eq!(add.params()[1].name(), "pageSize");
        assert_eq!(add.params()[1].aliases(), ["page_size"]);
        assert_eq!(add.params()[1].default_value(), Some(&json!(0)));
        assert_eq!(add.params()[2].default_value(), None);
    }

    #[test]
    fn lenient_and_raw_methods_have_open_params_schemas() {
        static LENIENT: MethodDef = MethodDef {
            unknown_params: UnknownParams::Ignore,
            ..def("getTicket", Role::Readonly, &ID)
        };
        static RAW: MethodDef = MethodDef {
            raw_params: true,
            ..def("raw", Role::Readonly, &[])
        };
        let api = Api::build(&settings(false), [("ns.a", &LENIENT), ("ns.b", &RAW)]);
        let lenient = api.methods()[0].params_schema();
        assert_eq!(lenient["required"], json!(["id"]));
        assert!(lenient.get("additionalProperties").is_none(), "{lenient}");
        assert_eq!(
            api.methods()[1].params_schema(),
            json!({"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"})
        );
    }

    #[test]
    fn results_have_self_contained_schemas_too() {
        let api = api(false);
        let ticket = api.methods()[0].result_schema_standalone();
        assert_eq!(ticket["$ref"], "#/$defs/Ticket");
        assert_eq!(ticket["$defs"]["Ticket"]["required"], json!(["id"]));
        // `deleteTicket` has no result schema: `{}`, any value.
        assert_eq!(
            api.methods()[1].result_schema_standalone(),
            json!({"$schema": "https://json-schema.org/draft/2020-12/schema"})
        );
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
