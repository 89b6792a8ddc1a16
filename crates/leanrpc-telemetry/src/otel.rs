//! Traces to OpenTelemetry: leanrpc's spans as OpenTelemetry spans (feature `otel`).
//!
//! `leanrpc-hyper` opens a span per HTTP request (`http.request`, target `leanrpc::http`: method,
//! path, status, `request_id`) and the core one per call inside it (`rpc.call`, target
//! `leanrpc::call`: OpenTelemetry's JSON-RPC server attributes, see [`leanrpc_core::observe`]);
//! the calls of a batch are siblings under their request. [`layer`] is the
//! `tracing-subscriber` layer that hands them to an OpenTelemetry tracer provider, for any
//! exporter: [`crate::otlp`] for OTLP, the SDK's in-memory exporter in tests.
//!
//! ```
//! use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
//! use tracing_subscriber::layer::SubscriberExt as _;
//!
//! let exporter = InMemorySpanExporter::default();
//! let provider = SdkTracerProvider::builder()
//!     .with_simple_exporter(exporter.clone())
//!     .build();
//! let subscriber = tracing_subscriber::registry().with(leanrpc_telemetry::otel::layer(&provider));
//! # let _ = subscriber;
//! ```

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing::Subscriber;
use tracing_subscriber::Layer;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::registry::LookupSpan;

/// The instrumentation scope name of leanrpc's spans.
pub const SCOPE: &str = "leanrpc";

/// A layer exporting leanrpc's request and call spans (targets `leanrpc::http` and
/// `leanrpc::call`, level INFO and above, with the events logged inside them) to `provider`.
/// Spans of other targets are left to the subscriber's other layers.
pub fn layer<S>(provider: &SdkTracerProvider) -> impl Layer<S> + use<S>
where
    S: Subscriber + for<'span> LookupSpan<'span>,
{
    tracing_opentelemetry::layer()
        .with_tracer(provider.tracer(SCOPE))
        .with_filter(
            Targets::new()
                .with_target("leanrpc::http", tracing::Level::INFO)
                .with_target("leanrpc::call", tracing::Level::INFO),
        )
}
