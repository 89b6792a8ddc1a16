//! The Prometheus recorder and the `/metrics` listener.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use axum::Router;
use axum::http::header;
use axum::routing::get;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::names;

/// The buckets of `rpc_server_call_duration_seconds`: OpenTelemetry's recommended boundaries
/// for `rpc.server.call.duration`, with finer ones below 5 ms, where most calls of an
/// in-process handler land.
pub const DURATION_BUCKETS: [f64; 19] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75,
    1.0, 2.5, 5.0, 7.5, 10.0,
];

/// The buckets of `rpc_server_batch_size`.
pub const BATCH_SIZE_BUCKETS: [f64; 10] =
    [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0];

/// How often histograms are folded in when nobody scrapes (their samples wait until then).
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// Why the Prometheus recorder could not be installed.
#[derive(Debug)]
pub struct InstallError(metrics_exporter_prometheus::BuildError);

impl fmt::Display for InstallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot install the Prometheus recorder ({}); a process has one metrics recorder, \
             install it once, before building the server",
            self.0
        )
    }
}

impl std::error::Error for InstallError {}

/// Installs `metrics-exporter-prometheus` as the process's metrics recorder, with real
/// histograms (buckets [`DURATION_BUCKETS`] and [`BATCH_SIZE_BUCKETS`]), and returns the handle
/// that renders the text format. Call it once, before building the server; it fails when a
/// recorder is installed already.
pub fn install_prometheus() -> Result<PrometheusHandle, InstallError> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Full(names::CALL_DURATION.into()),
            &DURATION_BUCKETS,
        )
        .and_then(|b| {
            b.set_buckets_for_metric(Matcher::Full(names::BATCH_SIZE.into()), &BATCH_SIZE_BUCKETS)
        })
        .and_then(PrometheusBuilder::install_recorder)
        .map_err(InstallError)?;
    metrics::describe_histogram!(
        names::CALL_DURATION,
        metrics::Unit::Seconds,
        "rpc.server.call.duration: time to answer one JSON-RPC call, by method and status code"
    );
    metrics::describe_gauge!(names::CALLS_IN_FLIGHT, "JSON-RPC calls running now");
    metrics::describe_histogram!(names::BATCH_SIZE, "items per JSON-RPC batch request");
    metrics::describe_counter!(
        names::AUTH_FAILURES,
        "requests whose API key was refused, by reason"
    );
    metrics::describe_counter!(
        names::RATE_LIMITED_CALLS,
        "calls refused by their key's rate limit"
    );
    Ok(handle)
}

/// A router answering `GET /metrics` with `handle`'s text format (and 404 elsewhere).
pub fn metrics_router(handle: PrometheusHandle) -> Router {
    Router::new().route(
        "/metrics",
        get(move || {
            let handle = handle.clone();
            async move {
                (
                    [(
                        header::CONTENT_TYPE,
                        "text/plain; version=0.0.4; charset=utf-8",
                    )],
                    handle.render(),
                )
            }
        }),
    )
}

/// Serves `GET /metrics` on `listener` (a listener of its own, apart from the API's) until
/// `shutdown` completes, and folds histogram samples in every few seconds meanwhile so that
/// memory stays bounded when nobody scrapes.
pub async fn serve_metrics(
    listener: tokio::net::TcpListener,
    handle: PrometheusHandle,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let upkeep = {
        let handle = handle.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(UPKEEP_EVERY);
            loop {
                every.tick().await;
                handle.run_upkeep();
            }
        })
    };
    let served = leanrpc_axum::serve(listener, metrics_router(handle), shutdown).await;
    upkeep.abort();
    served
}
