//! Calls made through `Server::invoke` (the path of front ends such as MCP, with no JSON-RPC
//! envelope) are observed exactly like calls inside envelopes.

mod support;

use leanrpc::{CallContext, NoHeaders, Server};
use leanrpc_telemetry::{CallMetrics, names};
use metrics_exporter_prometheus::PrometheusBuilder;
use serde_json::json;
use support::Calc;

#[test]
fn invoked_calls_are_counted_by_method_and_status_code() {
    let recorder = PrometheusBuilder::new().build_recorder();
    let handle = recorder.handle();
    let server = Server::builder()
        .observer(CallMetrics::new())
        .service(Calc)
        .build()
        .unwrap();
    let ctx = CallContext::new(None, &NoHeaders);
    metrics::with_local_recorder(&recorder, || {
        futures_executor::block_on(async {
            for _ in 0..3 {
                let sum = server.invoke_value("calc.add", json!([2, 3]), &ctx).await;
                assert_eq!(sum.unwrap(), json!(5));
            }
            let failed = server
                .invoke_value("calc.fail", json!([-32099]), &ctx)
                .await;
            assert_eq!(failed.unwrap_err().code().code(), -32099);
            let unknown = server.invoke_value("calc.nope", json!([]), &ctx).await;
            assert_eq!(unknown.unwrap_err().code().code(), -32601);
        });
    });
    let text = handle.render();
    let count = |labels: &str| -> f64 {
        let prefix = format!("{}_count{{{labels}}} ", names::CALL_DURATION);
        text.lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("no `{prefix}` in\n{text}"))
            .parse()
            .unwrap()
    };
    assert_eq!(
        count(r#"rpc_method="calc.add",rpc_response_status_code="OK""#),
        3.0
    );
    assert_eq!(
        count(r#"rpc_method="calc.fail",rpc_response_status_code="-32099""#),
        1.0
    );
    assert_eq!(
        count(r#"rpc_method="_OTHER",rpc_response_status_code="-32601""#),
        1.0
    );
}
