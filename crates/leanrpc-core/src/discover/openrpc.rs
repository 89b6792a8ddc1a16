//! The OpenRPC 1.3.2 document: one rendering of the [`Api`] model.
//!
//! Each method's JSON is serialized once, when the server is built; a call to `rpc.discover`
//! only picks the methods the caller may call and joins their text, with the shared schemas
//! those methods use.

use std::fmt::Write as _;

use serde_json::{Map, Value, json};

use super::model::{Api, Method};
use crate::auth::Caller;
use crate::error::ErrorCode;
use crate::params::UnknownParams;

/// The OpenRPC version the document follows.
pub const OPENRPC_VERSION: &str = "1.3.2";

/// The document's parts, serialized at build time.
#[derive(Debug, Default)]
pub(super) struct Prepared {
    /// The `info` object.
    info: String,
    /// Per method, in the model's order: the method object, and the components it uses
    /// (directly or through other components).
    methods: Vec<(String, Vec<usize>)>,
}

impl Prepared {
    pub(super) fn new(api: &Api) -> Self {
        let components = &api.components;
        let closure = components.closure();
        let methods = api
            .methods
            .iter()
            .map(|method| {
                let mut direct = Vec::new();
                let params = method.params().iter().map(|p| p.schema());
                for schema in params.chain([method.result_schema()]) {
                    components.collect_refs(schema, &mut direct);
                }
                let mut refs: Vec<usize> = direct
                    .iter()
                    .flat_map(|&i| closure[i].iter().copied())
                    .collect();
                refs.sort_unstable();
                refs.dedup();
                (method_object(method, api.auth).to_string(), refs)
            })
            .collect();
        let info = json!({
            "title": api.title,
            "version": api.version,
            "description": api.description,
        });
        Prepared {
            info: info.to_string(),
            methods,
        }
    }

    /// The document for `caller`: the methods it may call and the schemas they use.
    pub(super) fn document(&self, api: &Api, caller: Option<&Caller>) -> String {
        let mut visible = Vec::new();
        let mut used = vec![false; api.components.names.len()];
        for (method, (json, refs)) in api.methods.iter().zip(&self.methods) {
            if method.callable_by(caller) {
                visible.push(json.as_str());
                for &i in refs {
                    used[i] = true;
                }
            }
        }
        let size = visible.iter().map(|m| m.len() + 1).sum::<usize>() + 256;
        let mut out = String::with_capacity(size);
        out.push_str(r#"{"openrpc":""#);
        out.push_str(OPENRPC_VERSION);
        out.push_str(r#"","info":"#);
        out.push_str(&self.info);
        out.push_str(r#","methods":["#);
        for (i, method) in visible.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(method);
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
                let name = Value::String(api.components.names[i].clone());
                let _ = write!(out, "{name}:{}", api.components.schemas[i]);
            }
            out.push_str("}}");
        }
        out.push('}');
        out
    }
}

/// The OpenRPC method object of one method.
fn method_object(method: &Method, auth: bool) -> Value {
    let mut object = Map::new();
    object.insert("name".into(), Value::String(method.full_name().to_owned()));
    if let (Some(summary), Some(text)) = (method.summary(), method.description()) {
        object.insert("summary".into(), Value::String(summary.to_owned()));
        object.insert("description".into(), Value::String(text.to_owned()));
    }
    if !method.service().is_empty() {
        object.insert("tags".into(), json!([{ "name": method.service() }]));
    }
    object.insert("paramStructure".into(), json!("either"));
    let params = method
        .params()
        .iter()
        .map(|p| json!({ "name": p.name(), "required": p.required(), "schema": p.schema() }))
        .collect();
    object.insert("params".into(), Value::Array(params));
    object.insert(
        "result".into(),
        json!({ "name": "result", "schema": method.result_schema() }),
    );
    let errors = method
        .errors()
        .iter()
        .map(|&code| json!({ "code": code, "message": ErrorCode::new(code).message() }))
        .collect();
    object.insert("errors".into(), Value::Array(errors));
    if method.takes_raw_params() {
        // OpenRPC cannot say "any params"; say it in an extension.
        object.insert("x-raw-params".into(), Value::Bool(true));
    }
    if !method.aliases().is_empty() {
        object.insert("x-aliases".into(), json!(method.aliases()));
    }
    if !method.takes_raw_params() && method.unknown_params() == UnknownParams::Ignore {
        // Absent means the default, "reject".
        object.insert(
            "x-unknown-params".into(),
            json!(method.unknown_params().as_str()),
        );
    }
    if auth {
        if let Some(role) = method.min_role() {
            object.insert("x-min-role".into(), json!(role.as_str()));
        }
        if !method.scopes().is_empty() {
            object.insert("x-scopes".into(), json!(method.scopes()));
        }
    }
    Value::Object(object)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::super::fixtures::{ID, READ, api, caller, def};
    use super::super::{Api, Settings};
    use super::OPENRPC_VERSION;
    use crate::auth::Role;
    use crate::registry::MethodDef;

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
            serde_json::from_str(&api(true).openrpc(Some(&caller(Role::Owner)))).unwrap();
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
        let r = Api::build(&settings, [("ns.a", &LENIENT), ("ns.b", &READ)]);
        let doc: Value = serde_json::from_str(&r.openrpc(None)).unwrap();
        assert_eq!(doc["methods"][0]["x-unknown-params"], json!("ignore"));
        // The default, "reject", is what a method without the extension does.
        assert!(doc["methods"][1].get("x-unknown-params").is_none());
    }

    #[test]
    fn callers_see_the_methods_their_role_allows_and_the_types_those_use() {
        let r = api(true);
        assert_eq!(
            names(&r.openrpc(Some(&caller(Role::Manager)))),
            ["ns.tickets.getTicket", "ns.tickets.deleteTicket"]
        );
        let readonly = r.openrpc(Some(&caller(Role::Readonly)));
        assert_eq!(names(&readonly), ["ns.tickets.getTicket"]);
        assert!(readonly.contains("\"components\""));
        // No caller on an authenticating server: no methods, and so no components.
        let nobody = r.openrpc(None);
        assert!(names(&nobody).is_empty());
        assert!(!nobody.contains("components"), "{nobody}");
        // Without authentication every method is listed, without roles.
        let open = api(false).openrpc(None);
        assert_eq!(names(&open).len(), 2);
        assert!(!open.contains("x-min-role"));
        assert!(!open.contains("-32001"));
    }
}
