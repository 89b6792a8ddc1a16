//! Operate a leanrpc server: Prometheus metrics per method, and OpenTelemetry traces per call.
//!
//! The core opens a span per call (`rpc.call`, OpenTelemetry's JSON-RPC conventions: see
//! [`leanrpc_core::observe`]) inside the HTTP request's span that `leanrpc-hyper` opens
//! (`http.request`, with the request id), and tells a [`leanrpc_core::CallObserver`] of every
//! call. This crate holds what turns those into numbers and traces:
//!
//! - [`CallMetrics`], the observer that records `rpc.server.call.duration` per method and status
//!   code, calls in flight and batch sizes through the [`metrics`] facade, and [`Metered`], an
//!   authenticator wrapper that counts authentication failures and rate-limited calls;
//! - [`install_prometheus`], which installs `metrics-exporter-prometheus` as the process's
//!   recorder with the buckets below, and [`serve_metrics`], which serves `GET /metrics` on a
//!   listener of its own;
//! - with the `otel` feature, `otel::layer`, the `tracing-subscriber` layer that exports the
//!   spans to OpenTelemetry, and with `otlp`, `otlp::tracer_provider`, an OTLP/HTTP exporter.
//!
//! ```no_run
//! # async fn run(builder: leanrpc_core::ServerBuilder) -> Result<(), Box<dyn std::error::Error>> {
//! let prometheus = leanrpc_telemetry::install_prometheus()?;
//! let server = builder.observer(leanrpc_telemetry::CallMetrics::new()).build()?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:9464").await?;
//! tokio::spawn(leanrpc_telemetry::serve_metrics(listener, prometheus, std::future::pending()));
//! # Ok(()) }
//! ```
//!
//! # The metrics
//!
//! | name (Prometheus) | kind | labels |
//! |---|---|---|
//! | `rpc_server_call_duration_seconds` | histogram | `rpc_method`, `rpc_response_status_code` |
//! | `rpc_server_calls_in_flight` | gauge | |
//! | `rpc_server_batch_size` | histogram | |
//! | `leanrpc_auth_failures_total` | counter | `reason` |
//! | `leanrpc_rate_limited_calls_total` | counter | |
//!
//! `rpc_method` is the canonical name of a mounted method, `rpc.discover`, or `_OTHER` for any
//! name that matches none: what clients send never becomes a label, so hostile names cannot
//! grow the number of series. `rpc_response_status_code` is `OK`, the JSON-RPC error code
//! (`-32602`), or `cancelled` for a call whose client went away; at most
//! [`MAX_CODES_PER_METHOD`] codes per method are kept apart, further ones count as `_OTHER`.

mod auth;
mod calls;
mod prometheus;

#[cfg(feature = "otel")]
pub mod otel;
#[cfg(feature = "otlp")]
pub mod otlp;

pub use auth::Metered;
pub use calls::{CallMetrics, MAX_CODES_PER_METHOD};
pub use metrics_exporter_prometheus::PrometheusHandle;
pub use prometheus::{
    BATCH_SIZE_BUCKETS, DURATION_BUCKETS, InstallError, install_prometheus, metrics_router,
    serve_metrics,
};

/// The metric names, as rendered for Prometheus.
pub mod names {
    /// `rpc.server.call.duration` (seconds), labelled by method and status code.
    pub const CALL_DURATION: &str = "rpc_server_call_duration_seconds";
    /// Calls running now.
    pub const CALLS_IN_FLIGHT: &str = "rpc_server_calls_in_flight";
    /// Items per batch request.
    pub const BATCH_SIZE: &str = "rpc_server_batch_size";
    /// Requests whose credentials were refused, labelled by `reason`.
    pub const AUTH_FAILURES: &str = "leanrpc_auth_failures_total";
    /// Calls refused by a key's rate limit.
    pub const RATE_LIMITED_CALLS: &str = "leanrpc_rate_limited_calls_total";
}
