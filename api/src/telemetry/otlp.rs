//! Request spans as OpenTelemetry traces, sent by OTLP over HTTP (protobuf) to a collector
//! or agent: the maintained `opentelemetry` crates, with `tracing-opentelemetry` turning
//! the `tracing` spans the server already opens into OpenTelemetry spans. A client's W3C
//! `traceparent` makes the request's span a child of the client's, so its trace shows
//! the server's part; the answer's `traceparent` then names the exported span.
//!
//! The batch processor sends from a thread of its own, with a blocking HTTP client, so
//! the exporter is started and stopped outside the async runtime's threads.

use std::sync::atomic::{AtomicBool, Ordering};

use opentelemetry::trace::{
    SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState, TracerProvider as _,
};
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::registry::LookupSpan;

/// Whether spans are exported (the layer is installed in the global subscriber).
static EXPORTING: AtomicBool = AtomicBool::new(false);

/// Whether request spans are exported as OpenTelemetry traces.
pub fn exporting() -> bool {
    EXPORTING.load(Ordering::Relaxed)
}

pub(super) fn mark_exporting() {
    EXPORTING.store(true, Ordering::Relaxed);
}

/// The running exporter.
pub(super) struct Traces {
    provider: SdkTracerProvider,
    service_name: String,
}

impl Traces {
    /// Starts the exporter towards `endpoint` (spans go to `<endpoint>/v1/traces`).
    pub(super) fn start(endpoint: &str, service_name: &str) -> Result<Self, String> {
        let url = format!("{}/v1/traces", endpoint.trim_end_matches('/'));
        let name = service_name.to_owned();
        // The blocking client must not be built on a thread of the async runtime.
        let provider = std::thread::spawn(move || {
            let exporter = opentelemetry_otlp::SpanExporter::builder()
                .with_http()
                .with_endpoint(url)
                .build()
                .map_err(|e| e.to_string())?;
            Ok::<_, String>(
                SdkTracerProvider::builder()
                    .with_batch_exporter(exporter)
                    .with_resource(Resource::builder().with_service_name(name).build())
                    .build(),
            )
        })
        .join()
        .map_err(|_| "the exporter's start-up thread failed".to_owned())??;
        Ok(Self {
            provider,
            service_name: service_name.to_owned(),
        })
    }

    pub(super) fn service_name(&self) -> &str {
        &self.service_name
    }

    /// The layer that turns `tracing` spans into OpenTelemetry spans.
    pub(super) fn layer<S>(&self) -> impl tracing_subscriber::Layer<S> + use<S>
    where
        S: tracing::Subscriber + for<'span> LookupSpan<'span>,
    {
        tracing_opentelemetry::layer().with_tracer(self.provider.tracer("angebotsplattform"))
    }

    /// Sends what is buffered and stops, off the async runtime's threads.
    pub(super) fn shutdown(self) {
        let provider = self.provider;
        let stopped = std::thread::spawn(move || provider.shutdown()).join();
        if !matches!(stopped, Ok(Ok(()))) {
            tracing::warn!("the OTLP exporter did not shut down cleanly; spans may be lost");
        }
    }
}

/// With spans exported: makes the request's `span` a child of the caller's span (a
/// `traceparent` naming `trace_id` and `parent_span_id`) and returns the trace id, span id
/// and sampled flag OpenTelemetry gave it. `None` when nothing is exported.
pub fn join_caller_trace(
    span: &tracing::Span,
    caller: Option<(&str, &str, bool)>,
) -> Option<(String, String, bool)> {
    if !exporting() {
        return None;
    }
    if let Some((trace_id, parent_span_id, sampled)) = caller {
        let flags = if sampled {
            TraceFlags::SAMPLED
        } else {
            TraceFlags::default()
        };
        let parent = SpanContext::new(
            TraceId::from_hex(trace_id).ok()?,
            SpanId::from_hex(parent_span_id).ok()?,
            flags,
            true,
            TraceState::default(),
        );
        span.set_parent(opentelemetry::Context::new().with_remote_span_context(parent))
            .ok()?;
    }
    let context = span.context();
    let own = context.span().span_context().clone();
    own.is_valid().then(|| {
        (
            own.trace_id().to_string(),
            own.span_id().to_string(),
            own.is_sampled(),
        )
    })
}
