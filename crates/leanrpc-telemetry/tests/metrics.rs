//! The call metrics after known calls over HTTP, read back from the Prometheus text format:
//! counts per method and status code, bounded method labels under hostile names, batch sizes,
//! calls in flight (also after a cancelled call), auth failures and rate-limited calls.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use leanrpc::Server;
use leanrpc_telemetry::{CallMetrics, MAX_CODES_PER_METHOD, Metered, names};
use support::{Calc, KeyCheck, RATE_LIMIT, good_key, post};

/// One sample of the text format: name, labels, value.
type Sample = (String, BTreeMap<String, String>, f64);

/// A small reader of the text format's sample lines (the interop suite reads the same output
/// with Prometheus's own Python parser).
fn samples(text: &str) -> Vec<Sample> {
    let mut out = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let (series, value) = line.rsplit_once(' ').expect("a value");
        let (name, labels) = match series.split_once('{') {
            Some((name, rest)) => (name, rest.strip_suffix('}').expect("closing brace")),
            None => (series, ""),
        };
        let mut map = BTreeMap::new();
        let mut rest = labels;
        while let Some((key, after)) = rest.split_once("=\"") {
            let end = after.find('"').expect("closing quote");
            map.insert(
                key.trim_start_matches(',').to_owned(),
                after[..end].to_owned(),
            );
            rest = &after[end + 1..];
        }
        out.push((name.to_owned(), map, value.parse().expect("a number")));
    }
    out
}

fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> f64 {
    samples
        .iter()
        .filter(|(n, l, _)| {
            n == name
                && labels
                    .iter()
                    .all(|(k, v)| l.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|(_, _, v)| v)
        .sum()
}

fn call(method: &str, params: &str, id: usize) -> String {
    format!(r#"{{"jsonrpc":"2.0","method":"{method}","params":{params},"id":{id}}}"#)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_what_was_called() {
    let prometheus = leanrpc_telemetry::install_prometheus().expect("the only recorder");
    let server = Server::builder()
        .authenticator(Metered::new(KeyCheck))
        .observer(CallMetrics::new())
        .service(Calc)
        .build()
        .unwrap();
    let running = support::start(server.clone()).await;
    let key = good_key();
    let url = &running.url;

    // 3 good calls, 2 failing ones.
    for i in 0..3 {
        let (status, body) = post(url, Some(&key), &call("calc.add", "[1,2]", i), &[]).await;
        assert_eq!(
            (status, body.contains(r#""result":3"#)),
            (200, true),
            "{body}"
        );
    }
    for i in 0..2 {
        let (_, body) = post(url, Some(&key), &call("calc.fail", "[-32099]", i), &[]).await;
        assert!(body.contains("-32099"), "{body}");
    }
    // A batch of 4: two adds (one by a non-canonical spelling), an unknown name, a notification.
    let batch = format!(
        "[{},{},{},{}]",
        call("calc.add", "[1,1]", 1),
        call("CALC.ADD", "[2,2]", 2),
        call("calc.nope", "[]", 3),
        r#"{"jsonrpc":"2.0","method":"calc.add","params":[0,0]}"#
    );
    let (_, body) = post(url, Some(&key), &batch, &[]).await;
    assert_eq!(body.matches("\"result\"").count(), 2, "{body}");

    // Hostile names: 400 distinct ones, long, odd and non-ASCII, four at a time (below the
    // rate limit).
    let mut hostile = Vec::new();
    for i in 0..400 {
        hostile.push(format!("calc.x{i}-{}-\u{e9}\u{1f600}", "y".repeat(i % 300)));
    }
    for chunk in hostile.chunks(4) {
        let items: Vec<String> = chunk
            .iter()
            .enumerate()
            .map(|(i, m)| call(m, "[]", i))
            .collect();
        let (status, body) = post(url, Some(&key), &format!("[{}]", items.join(",")), &[]).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body.matches("-32601").count(), chunk.len(), "{body}");
    }

    // Error codes beyond the cap share one label.
    for code in 0..(MAX_CODES_PER_METHOD as i32 + 4) {
        post(
            url,
            Some(&key),
            &call("calc.fail", &format!("[{}]", -31000 - code), 0),
            &[],
        )
        .await;
    }

    // Refused: 2 without a key, 1 with a wrong one, and one batch over the rate limit.
    for _ in 0..2 {
        let (status, _) = post(url, None, &call("calc.add", "[1,2]", 1), &[]).await;
        assert_eq!(status, 401);
    }
    let (status, _) = post(
        url,
        Some("lt_good-id_wrong"),
        &call("calc.add", "[1,2]", 1),
        &[],
    )
    .await;
    assert_eq!(status, 401);
    let big: Vec<String> = (0..RATE_LIMIT)
        .map(|i| call("calc.add", "[1,2]", i))
        .collect();
    let (status, _) = post(url, Some(&key), &format!("[{}]", big.join(",")), &[]).await;
    assert_eq!(status, 429);

    // A call cancelled while it runs: its future is dropped by the timeout.
    let owner = leanrpc::Caller::new("good-id", leanrpc::Grant::new("test", leanrpc::Role::Owner));
    let cancelled = tokio::time::timeout(
        Duration::from_millis(50),
        server.call_as(call("calc.hang", "[]", 9), Some(&owner)),
    )
    .await;
    assert!(cancelled.is_err(), "calc.hang never finishes");

    let text = prometheus.render();
    let all = samples(&text);
    let count = names::CALL_DURATION.to_owned() + "_count";
    let calls = |method: &str, code: &str| {
        value(
            &all,
            &count,
            &[("rpc_method", method), ("rpc_response_status_code", code)],
        )
    };
    assert_eq!(calls("calc.add", "OK"), 3.0 + 3.0, "{text}");
    assert_eq!(calls("calc.fail", "-32099"), 2.0, "{text}");
    assert_eq!(calls("_OTHER", "-32601"), 1.0 + 400.0, "{text}");
    assert_eq!(calls("calc.hang", "cancelled"), 1.0, "{text}");
    // Every call is in a bucket up to +Inf.
    assert_eq!(
        value(
            &all,
            &(names::CALL_DURATION.to_owned() + "_bucket"),
            &[
                ("rpc_method", "calc.add"),
                ("rpc_response_status_code", "OK"),
                ("le", "+Inf")
            ]
        ),
        6.0
    );

    // Bounded labels: mounted methods and _OTHER only, whatever was sent.
    let methods: BTreeSet<&str> = all
        .iter()
        .filter(|(n, _, _)| n == &count)
        .map(|(_, l, _)| l["rpc_method"].as_str())
        .collect();
    assert_eq!(
        methods,
        BTreeSet::from(["_OTHER", "calc.add", "calc.fail", "calc.hang"]),
        "{text}"
    );
    let fail_codes: BTreeSet<&str> = all
        .iter()
        .filter(|(n, l, _)| n == &count && l["rpc_method"] == "calc.fail")
        .map(|(_, l, _)| l["rpc_response_status_code"].as_str())
        .collect();
    assert_eq!(fail_codes.len(), MAX_CODES_PER_METHOD + 1, "{fail_codes:?}");
    assert!(fail_codes.contains("_OTHER") && fail_codes.contains("-32099"));
    assert!(!text.contains("calc.x1"), "a name as sent became a label");

    // Batches: the 4-item one, the 100 hostile ones, and the refused one is never run.
    let batches = names::BATCH_SIZE.to_owned();
    assert_eq!(
        value(&all, &(batches.clone() + "_count"), &[]),
        1.0 + 100.0,
        "{text}"
    );
    assert_eq!(value(&all, &(batches + "_sum"), &[]), 4.0 + 400.0, "{text}");

    assert_eq!(value(&all, names::CALLS_IN_FLIGHT, &[]), 0.0, "{text}");
    assert_eq!(
        value(&all, names::AUTH_FAILURES, &[("reason", "missing")]),
        2.0,
        "{text}"
    );
    assert_eq!(
        value(&all, names::AUTH_FAILURES, &[("reason", "rejected")]),
        1.0,
        "{text}"
    );
    assert_eq!(
        value(&all, names::RATE_LIMITED_CALLS, &[]),
        RATE_LIMIT as f64,
        "{text}"
    );
    assert!(!text.contains(support::SECRET));

    // A second recorder cannot be installed: the error says why.
    let again = leanrpc_telemetry::install_prometheus().unwrap_err();
    assert!(again.to_string().contains("install it once"), "{again}");
}

#[tokio::test]
async fn the_metrics_listener_serves_the_text_format() {
    // This test binary's recorder may be installed by the other test; render from a handle of
    // a recorder of its own instead.
    let recorder = metrics_exporter_prometheus_handle();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(leanrpc_telemetry::serve_metrics(
        listener,
        recorder,
        async move {
            let _ = stopped.await;
        },
    ));
    let response = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4"),
    );
    let response = reqwest::get(format!("http://{addr}/other")).await.unwrap();
    assert_eq!(response.status(), 404);
    stop.send(()).unwrap();
    served.await.unwrap().unwrap();
}

/// A handle of a recorder that is not installed.
fn metrics_exporter_prometheus_handle() -> leanrpc_telemetry::PrometheusHandle {
    metrics_exporter_prometheus::PrometheusBuilder::new()
        .build_recorder()
        .handle()
}
