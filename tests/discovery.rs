//! Discovery through `#[rpc_service]`: which schema each param and result gets (autoref
//! selection: a `JsonSchema` type gets its schema, any other type `{}`, a `Result` its `T`),
//! declared and derived error codes, the role filter of `rpc.discover`, and the reference page.

use leanrpc::{
    AuthError, Authenticator, BoxFuture, Caller, Credentials, Role, RpcError, Server, rpc_service,
};
use leanrpc_test_support::{Request, caller};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// A described type.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct Note {
    /// What it says.
    text: String,
    /// Who wrote it.
    author_id: Option<i64>,
}

/// A type without `JsonSchema`: discovery knows nothing about it, and nothing breaks.
#[derive(Debug, Serialize, Deserialize)]
struct Opaque {
    x: i64,
}

type Answer<T> = Result<T, RpcError>;

struct Notes;

#[rpc_service("notes", min_role = "readonly")]
impl Notes {
    /// Returns one note. Fails with -32002 when there is none.
    ///
    /// More text <b>escaped</b> in the page.
    #[rpc(errors(-32002), errors(-32002, 4040))]
    fn get_note(&self, id: i64) -> Result<Note, RpcError> {
        Err(RpcError::not_found().data(id))
    }

    /// Stores anything.
    #[rpc(min_role = "editor", scope = "notes:write")]
    fn put_opaque(&self, value: Opaque, #[rpc(default)] tag: String) -> Opaque {
        let _ = tag;
        value
    }

    /// Through an alias of `Result`.
    fn aliased(&self) -> Answer<Vec<Note>> {
        Ok(Vec::new())
    }

    /// An opaque result in a `Result`.
    fn opaque_result(&self) -> Result<Opaque, RpcError> {
        Ok(Opaque { x: 1 })
    }

    /// Nothing back.
    fn touch(&self) {}

    /// An `impl Trait` result cannot be named: `{}`.
    fn hidden(&self) -> impl Serialize + use<> {
        1
    }
}

struct Keys;

impl Authenticator for Keys {
    fn authenticate<'a>(
        &'a self,
        credentials: Credentials<'a>,
    ) -> BoxFuture<'a, Result<std::sync::Arc<Caller>, AuthError>> {
        let role = match credentials.api_key {
            Some(b"reader") => Some(Role::Readonly),
            Some(b"editor") => Some(Role::Editor),
            _ => None,
        };
        Box::pin(async move {
            let role = role.ok_or(AuthError::Rejected)?;
            Ok(std::sync::Arc::new(caller(role)))
        })
    }
}

fn server(auth: bool) -> Server {
    let builder = Server::builder()
        .namespace("acme.rpc")
        .reference_page(leanrpc::reference::Page::default())
        .service(Notes);
    let builder = if auth {
        builder.authenticator(Keys)
    } else {
        builder
    };
    builder.build().unwrap()
}

fn discover(server: &Server, caller: Option<&Caller>) -> Value {
    let body = r#"{"jsonrpc":"2.0","method":"rpc.discover","id":1}"#;
    let answer = futures_executor::block_on(server.call_as(body, caller)).unwrap();
    let answer: Value = serde_json::from_slice(&answer).unwrap();
    assert!(answer.get("error").is_none(), "{answer}");
    answer["result"].clone()
}

fn method<'d>(doc: &'d Value, name: &str) -> &'d Value {
    doc["methods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == format!("acme.rpc.notes.{name}"))
        .unwrap_or_else(|| panic!("{name} in {doc}"))
}

#[test]
fn schemas_come_from_json_schema_types_and_are_empty_otherwise() {
    let doc = discover(&server(false), None);
    assert_eq!(doc["openrpc"], "1.3.2");
    assert_eq!(doc["info"]["title"], "acme.rpc");
    let get = method(&doc, "getNote");
    assert_eq!(
        get["params"],
        json!([{"name": "id", "required": true, "schema": {"type": "integer", "format": "int64"}}])
    );
    assert_eq!(
        get["result"]["schema"],
        json!({"$ref": "#/components/schemas/Note"})
    );
    let note = &doc["components"]["schemas"]["Note"];
    assert_eq!(
        note["properties"]["authorId"]["type"],
        json!(["integer", "null"])
    );
    assert_eq!(note["description"], "A described type.");

    let put = method(&doc, "putOpaque");
    assert_eq!(put["params"][0]["schema"], json!({}));
    assert_eq!(
        put["params"][1],
        json!({"name": "tag", "required": false, "schema": {"type": "string"}})
    );
    assert_eq!(put["result"]["schema"], json!({}));

    let aliased = method(&doc, "aliased");
    assert_eq!(
        aliased["result"]["schema"],
        json!({"type": "array", "items": {"$ref": "#/components/schemas/Note"}})
    );
    assert_eq!(method(&doc, "opaqueResult")["result"]["schema"], json!({}));
    assert_eq!(
        method(&doc, "touch")["result"]["schema"],
        json!({"type": "null"})
    );
    assert_eq!(method(&doc, "hidden")["result"]["schema"], json!({}));
}

#[test]
fn docs_and_error_codes_are_listed() {
    let doc = discover(&server(false), None);
    let get = method(&doc, "getNote");
    assert_eq!(get["summary"], "Returns one note.");
    assert!(
        get["description"]
            .as_str()
            .unwrap()
            .contains("<b>escaped</b>")
    );
    assert_eq!(get["tags"], json!([{"name": "notes"}]));
    // Derived -32602 (it takes params), then the declared codes, each once; no -32001 without
    // authentication.
    let codes: Vec<i64> = get["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_i64().unwrap())
        .collect();
    assert_eq!(codes, [-32602, -32002, 4040]);
    assert_eq!(get["errors"][1]["message"], "Not found");
    assert_eq!(method(&doc, "touch")["errors"], json!([]));
    assert!(get.get("x-min-role").is_none());
}

#[test]
fn a_key_sees_only_the_methods_it_may_call() {
    let s = server(true);
    let reader = discover(&s, Some(&caller(Role::Readonly)));
    let names: Vec<&str> = reader["methods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert!(!names.contains(&"acme.rpc.notes.putOpaque"), "{names:?}");
    assert_eq!(names.len(), 5);
    let editor = discover(&s, Some(&caller(Role::Editor)));
    let put = method(&editor, "putOpaque");
    assert_eq!(put["x-min-role"], "editor");
    assert_eq!(put["x-scopes"], json!(["notes:write"]));
    let codes: Vec<i64> = put["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_i64().unwrap())
        .collect();
    assert_eq!(codes, [-32602, -32001]);
    // A key without the scope does not see it either.
    let mut scoped = caller(Role::Owner);
    scoped.grant_mut().scopes = vec!["other".into()];
    let doc = discover(&s, Some(&scoped));
    assert!(!doc.to_string().contains("putOpaque"));
    // No caller on an authenticating server: -32001, like any method.
    let answer =
        futures_executor::block_on(s.call(r#"{"jsonrpc":"2.0","method":"rpc.discover","id":1}"#))
            .unwrap();
    assert!(String::from_utf8(answer).unwrap().contains("-32001"));
}

#[test]
fn discover_takes_no_params_and_can_be_switched_off() {
    let s = server(false);
    for params in ["[]", "{}", "[ ]", "null"] {
        let body =
            format!(r#"{{"jsonrpc":"2.0","method":"rpc.discover","params":{params},"id":1}}"#);
        let answer = futures_executor::block_on(s.call(body)).unwrap();
        assert!(
            String::from_utf8(answer).unwrap().contains("\"openrpc\""),
            "{params}"
        );
    }
    let answer = futures_executor::block_on(
        s.call(r#"{"jsonrpc":"2.0","method":"rpc.discover","params":[1],"id":1}"#),
    )
    .unwrap();
    assert!(String::from_utf8(answer).unwrap().contains("-32602"));
    let off = Server::builder()
        .service(Notes)
        .discovery(false)
        .build()
        .unwrap();
    assert!(off.openrpc_document(None).is_none());
    let answer =
        futures_executor::block_on(off.call(r#"{"jsonrpc":"2.0","method":"rpc.discover","id":1}"#))
            .unwrap();
    assert!(String::from_utf8(answer).unwrap().contains("-32601"));
}

type Headers = Vec<(&'static str, &'static str)>;

fn get(
    server: &Server,
    path: &str,
    query: Option<&str>,
    headers: Headers,
) -> leanrpc::http::HttpResponse {
    let request = Request::new("GET").path(path).query(query);
    headers
        .into_iter()
        .fold(request, |request, (name, value)| {
            request.header(name, value)
        })
        .send(server)
}

#[test]
fn the_reference_page_is_public_escaped_and_self_contained() {
    let s = server(true);
    let browser = || {
        vec![
            ("accept", "text/html,application/xhtml+xml,*/*;q=0.8"),
            ("host", "example.test:8080"),
        ]
    };
    let page = get(&s, "/api/jsonrpc", None, browser());
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        page.header("content-security-policy")
            .unwrap()
            .contains("default-src 'none'")
    );
    let csp = page.header("content-security-policy").unwrap().to_owned();
    let html = String::from_utf8(page.body).unwrap();
    for name in [
        "getNote",
        "putOpaque",
        "aliased",
        "opaqueResult",
        "touch",
        "hidden",
    ] {
        assert!(
            html.contains(&format!("id=\"acme.rpc.notes.{name}\"")),
            "{name}"
        );
    }
    assert!(html.contains("More text &lt;b&gt;escaped&lt;/b&gt; in the page."));
    assert!(!html.contains("<b>escaped"));
    // The page never copies the request's Host (whoever sends the request sets it).
    assert!(html.contains("URL=https://HOST/api/jsonrpc"));
    assert!(!html.contains("example.test"));
    assert!(html.contains("editor or higher"));
    for external in ["src=", "<link", "@import", "url("] {
        assert!(!html.contains(external), "{external}");
    }
    // One inline script (the "try it" console), allowed by its hash and limited to calling
    // this origin; nothing else may run.
    assert_eq!(html.matches("<script").count(), 1);
    assert_eq!(html.matches("<script>").count(), 1);
    assert!(
        csp.contains(&format!(
            "script-src {}; connect-src 'self';",
            leanrpc::reference::script_hash()
        )),
        "{csp}"
    );
    assert!(
        !csp.contains("unsafe-eval") && !csp.contains("script-src 'unsafe-inline'"),
        "{csp}"
    );
    // The sub-path serves it to any client; a call by GET, or a client that wants JSON, is
    // still a call.
    let sub = get(&s, "/api/jsonRPC/reference/", None, vec![]);
    assert_eq!(sub.header("content-type"), Some("text/html; charset=utf-8"));
    let call = get(
        &s,
        "/api/jsonrpc",
        Some("method=rpc.discover&id=1"),
        browser(),
    );
    assert_eq!(call.status, 401);
    let plain = get(&s, "/api/jsonrpc", None, vec![("accept", "*/*")]);
    assert_eq!(plain.header("content-type"), Some("application/json"));
    // Without a page renderer (the core's default), the endpoint answers browsers like any
    // GET without a call.
    let off = Server::builder().service(Notes).build().unwrap();
    let page = get(&off, "/api/jsonrpc", None, browser());
    assert_eq!(page.header("content-type"), Some("application/json"));
    assert_eq!(
        get(&off, "/api/jsonrpc/reference", None, browser()).status,
        404
    );
}

/// Deserializes, has a default, but does not serialize: its default is unknown to discovery.
#[derive(Debug, Default, Deserialize)]
struct Unserializable {
    #[allow(dead_code)]
    x: i64,
}

struct Defaults;

#[rpc_service("defaults")]
impl Defaults {
    /// Takes params of every optional kind.
    #[rpc(unknown_params = "ignore")]
    fn take(
        &self,
        #[rpc(default)] page_size: u8,
        #[rpc(default)] label: String,
        #[rpc(default)] opaque: Unserializable,
        maybe: Option<i64>,
        note: Note,
    ) -> i64 {
        let _ = (label, opaque, maybe, note);
        i64::from(page_size)
    }
}

#[test]
fn the_model_gives_front_ends_defaults_and_self_contained_params_schemas() {
    let s = Server::builder()
        .namespace("acme.rpc")
        .authenticator(Keys)
        .service(Notes)
        .service(Defaults)
        .build()
        .unwrap();
    let api = s.api();
    let take = api.method("acme.rpc.defaults.take").unwrap();
    let defaults: Vec<(&str, Option<&Value>)> = take
        .params()
        .iter()
        .map(|p| (p.name(), p.default_value()))
        .collect();
    assert_eq!(
        defaults,
        [
            ("pageSize", Some(&json!(0))),
            ("label", Some(&json!(""))),
            ("opaque", None),
            ("maybe", None),
            ("note", None)
        ]
    );
    assert_eq!(take.params()[0].aliases(), ["page_size"]);
    let schema = take.params_schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(
        schema["properties"]["pageSize"],
        json!({"type": "integer", "format": "uint8", "minimum": 0, "maximum": 255, "default": 0})
    );
    assert_eq!(schema["properties"]["opaque"], json!({}));
    assert_eq!(
        schema["properties"]["note"],
        json!({"$ref": "#/$defs/Note"})
    );
    assert_eq!(schema["required"], json!(["note"]));
    assert!(schema.get("additionalProperties").is_none(), "{schema}");
    assert_eq!(
        schema["$defs"]["Note"]["properties"]["authorId"]["type"],
        json!(["integer", "null"])
    );
    // The same document as `rpc.discover`'s, from the model.
    let editor = caller(Role::Editor);
    assert_eq!(
        serde_json::from_str::<Value>(&api.openrpc(Some(&editor))).unwrap(),
        discover(&s, Some(&editor))
    );
    // What a front end lists for a key: the methods it may call.
    let reader = caller(Role::Readonly);
    let visible: Vec<&str> = api
        .methods_visible_to(Some(&reader))
        .map(|m| m.name())
        .collect();
    assert!(visible.contains(&"getNote") && !visible.contains(&"putOpaque"));
    let put = api.method("acme.rpc.notes.putOpaque").unwrap();
    assert_eq!(put.min_role(), Some(Role::Editor));
    assert_eq!(put.scopes(), ["notes:write"]);
    assert_eq!(
        api.method("acme.rpc.notes.getNote")
            .unwrap()
            .declared_errors(),
        [-32002, 4040]
    );
}
