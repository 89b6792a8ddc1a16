//! Traces through the OpenTelemetry SDK's in-memory exporter: the request span of
//! leanrpc-hyper with the request id, one call span per call inside it (a batch's calls
//! siblings), OpenTelemetry's JSON-RPC attributes, the key id and never the secret.

mod support;

use leanrpc::Server;
use opentelemetry::trace::{SpanKind, Status};
use opentelemetry::{KeyValue, Value};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use support::{Calc, KeyCheck, good_key, post};
use tracing_subscriber::layer::SubscriberExt as _;

fn attr<'a>(span: &'a SpanData, key: &str) -> Option<&'a Value> {
    span.attributes
        .iter()
        .find(|KeyValue { key: k, .. }| k.as_str() == key)
        .map(|kv| &kv.value)
}

fn text(span: &SpanData, key: &str) -> Option<String> {
    attr(span, key).map(Value::to_string)
}

// One thread: the subscriber set as default here sees the server's tasks too.
#[tokio::test(flavor = "current_thread")]
async fn calls_are_spans_inside_their_request_span() {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let subscriber = tracing_subscriber::registry().with(leanrpc_telemetry::otel::layer(&provider));
    let _default = tracing::subscriber::set_default(subscriber);

    let server = Server::builder()
        .authenticator(KeyCheck)
        .service(Calc)
        .build()
        .unwrap();
    let running = support::start(server).await;
    let key = good_key();
    let batch = r#"[{"jsonrpc":"2.0","method":"calc.add","params":[1,2],"id":7},
        {"jsonrpc":"2.0","method":"CALC.Add","params":[2,2],"id":"abc"},
        {"jsonrpc":"2.0","method":"calc.nope","id":null},
        {"jsonrpc":"2.0","method":"calc.add","params":[0,0]}]"#;
    let (status, body) = post(
        &running.url,
        Some(&key),
        batch,
        &[("x-request-id", "trace-me-1")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = post(
        &running.url,
        Some(&key),
        r#"{"jsonrpc":"2.0","method":"calc.fail","params":[-32002],"id":1}"#,
        &[("x-request-id", "bad id with spaces")],
    )
    .await;
    assert_eq!(status, 200);
    provider.force_flush().unwrap();
    let spans = exporter.get_finished_spans().unwrap();

    let requests: Vec<&SpanData> = spans
        .iter()
        .filter(|s| s.name.starts_with("POST "))
        .collect();
    assert_eq!(requests.len(), 2, "{spans:#?}");
    let first = requests
        .iter()
        .find(|s| text(s, "request_id").as_deref() == Some("trace-me-1"))
        .expect("the request span carries the client's request id");
    assert_eq!(first.name, "POST /api/jsonrpc");
    assert_eq!(first.span_kind, SpanKind::Server);
    assert_eq!(
        text(first, "http.response.status_code").as_deref(),
        Some("200")
    );
    assert_eq!(text(first, "http.request.method").as_deref(), Some("POST"));
    let second = requests
        .iter()
        .find(|s| s.span_context != first.span_context)
        .unwrap();
    let made = text(second, "request_id").unwrap();
    assert_eq!(made.len(), 32, "an unsound id is replaced: {made}");

    let children = |parent: &SpanData| -> Vec<&SpanData> {
        spans
            .iter()
            .filter(|s| s.parent_span_id == parent.span_context.span_id())
            .collect()
    };
    let calls = children(first);
    assert_eq!(calls.len(), 4, "{calls:#?}");
    for call in &calls {
        assert_eq!(call.span_context.trace_id(), first.span_context.trace_id());
        assert_eq!(call.span_kind, SpanKind::Server);
        assert_eq!(text(call, "rpc.system.name").as_deref(), Some("jsonrpc"));
        assert_eq!(text(call, "leanrpc.api_key.id").as_deref(), Some("good-id"));
        assert_eq!(call.name, text(call, "rpc.method").unwrap());
    }
    let by_id = |id: Option<&str>| -> Vec<&&SpanData> {
        calls
            .iter()
            .filter(|s| text(s, "jsonrpc.request.id").as_deref() == id)
            .collect()
    };
    let seven = by_id(Some("7"));
    assert_eq!(seven.len(), 1);
    assert_eq!(seven[0].name, "calc.add");
    assert!(attr(seven[0], "rpc.response.status_code").is_none());
    assert!(attr(seven[0], "error.type").is_none());
    assert_eq!(seven[0].status, Status::Unset);
    let abc = by_id(Some("abc"));
    assert_eq!(abc[0].name, "calc.add", "the canonical name");
    assert_eq!(
        text(abc[0], "rpc.method_original").as_deref(),
        Some("CALC.Add")
    );
    // The `null` id and the notification record no id.
    let no_id = by_id(None);
    assert_eq!(no_id.len(), 2);
    let unknown = no_id
        .iter()
        .find(|s| s.name == "_OTHER")
        .expect("unknown name");
    assert_eq!(
        text(unknown, "rpc.method_original").as_deref(),
        Some("calc.nope")
    );
    assert_eq!(
        text(unknown, "rpc.response.status_code").as_deref(),
        Some("-32601")
    );
    assert_eq!(text(unknown, "error.type").as_deref(), Some("-32601"));
    assert!(
        matches!(unknown.status, Status::Error { .. }),
        "{:?}",
        unknown.status
    );

    let failed = children(second);
    assert_eq!(failed.len(), 1);
    assert_eq!(
        text(failed[0], "rpc.response.status_code").as_deref(),
        Some("-32002")
    );

    // The key's secret is nowhere.
    for span in &spans {
        for kv in &span.attributes {
            assert!(!kv.value.to_string().contains(support::SECRET), "{kv:?}");
        }
    }
}
