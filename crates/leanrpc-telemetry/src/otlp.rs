//! OTLP export of the spans (feature `otlp`): OTLP/HTTP with protobuf bodies, to a collector
//! (the OpenTelemetry Collector, Jaeger, Tempo, ...).

use opentelemetry_otlp::{SpanExporter, WithExportConfig as _};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;

pub use opentelemetry_otlp::ExporterBuildError;

/// A tracer provider that batches spans and sends them to `endpoint`, the collector's full
/// traces URL (`http://127.0.0.1:4318/v1/traces`), naming the process `service_name`. Hand it
/// to [`crate::otel::layer`]; call `shutdown` on it before the process exits so the last
/// batch is sent.
///
/// The exporter speaks plain HTTP (no TLS is compiled in): point it at a collector on the same
/// host or network, which forwards elsewhere as configured.
pub fn tracer_provider(
    endpoint: &str,
    service_name: &str,
) -> Result<SdkTracerProvider, ExporterBuildError> {
    let exporter = SpanExporter::builder()
        .with_http()
        .with_endpoint(endpoint)
        .build()?;
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(
            Resource::builder()
                .with_service_name(service_name.to_owned())
                .build(),
        )
        .build())
}
