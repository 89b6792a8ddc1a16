//! The discovery model as the server hands it out, and the reference page's plug-in point: the
//! model is there whatever `discovery` says, the page only with a renderer, rendered once at
//! build and served on the same routes as before.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use leanrpc_core::Server;
use leanrpc_core::discover::Api;
use leanrpc_test_support::Request;

pub mod support;

use support::{Spec, Tickets};

fn browser_get(server: &Server, path: &str) -> leanrpc_http::HttpResponse {
    Request::new("GET")
        .path(path)
        .header("accept", "text/html")
        .send(server)
}

#[test]
fn the_model_is_built_with_the_server_even_without_discovery() {
    let server = Server::builder()
        .namespace("leantime.rpc")
        .service_explicit(Tickets)
        .discovery(false)
        .build()
        .unwrap();
    assert!(server.openrpc_document(None).is_none());
    let api = server.api();
    assert_eq!(api.title(), "leantime.rpc");
    let names: Vec<&str> = api.methods().iter().map(|m| m.full_name()).collect();
    assert_eq!(names, server.method_names().collect::<Vec<_>>());
    let get = api.method("leantime.rpc.tickets.getTicket").unwrap();
    assert_eq!(get.params()[0].name(), "id");
    assert_eq!(get.params_schema()["required"], serde_json::json!(["id"]));
    // The model renders the same document `rpc.discover` answers where discovery is on.
    let on = Server::builder()
        .namespace("leantime.rpc")
        .service_explicit(Tickets)
        .build()
        .unwrap();
    assert_eq!(on.openrpc_document(None), Some(api.openrpc(None)));
}

#[test]
fn without_a_renderer_there_is_no_page() {
    let server = Server::builder().service_explicit(Spec).build().unwrap();
    assert!(server.reference_html().is_none());
    assert_eq!(browser_get(&server, "/api/jsonrpc/reference").status, 404);
    let plain = browser_get(&server, "/api/jsonrpc");
    assert_eq!(plain.header("content-type"), Some("application/json"));
}

#[test]
fn a_renderer_is_called_once_at_build_and_its_page_served_on_both_routes() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&calls);
    let server = Server::builder()
        .public_url("https://api.example.com")
        .reference_page(move |api: &Api, url: Option<&str>| {
            counted.fetch_add(1, Ordering::SeqCst);
            format!(
                "<p>{} has {} methods at {}</p>",
                api.title(),
                api.methods().len(),
                url.unwrap_or("?")
            )
        })
        .service_explicit(Spec)
        .build()
        .unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    let expected = format!(
        "<p>JSON-RPC API has {} methods at https://api.example.com</p>",
        server.method_names().count()
    );
    assert_eq!(server.reference_html(), Some(expected.as_str()));
    for path in ["/api/jsonrpc", "/api/jsonrpc/reference"] {
        let page = browser_get(&server, path);
        assert_eq!(page.status, 200, "{path}");
        assert_eq!(
            page.header("content-type"),
            Some("text/html; charset=utf-8"),
            "{path}"
        );
        assert_eq!(page.body, expected.as_bytes(), "{path}");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}
