//! Logging and tracing set-up: readable log lines locally, JSON in production, and, when
//! an OTLP endpoint is set, every request's span exported to it as an OpenTelemetry trace
//! (see `otlp`).

mod otlp;

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::config::{LogFormat, Settings};

pub use otlp::{exporting, join_caller_trace};

/// What `init` installed that must be shut down in order: spans still buffered are sent
/// when the process ends.
#[must_use = "shut it down when the process ends, so buffered spans are sent"]
pub struct Telemetry {
    traces: Option<otlp::Traces>,
}

impl Telemetry {
    /// Sends the spans still buffered and stops the exporter.
    pub fn shutdown(self) {
        if let Some(traces) = self.traces {
            traces.shutdown();
        }
    }
}

/// Installs the global subscriber: logs to standard error (`RUST_LOG` overrides the
/// default level, `info`), and traces to `OTEL_EXPORTER_OTLP_ENDPOINT` when it is set.
pub fn init(settings: &Settings) -> Telemetry {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = match settings.effective_log_format() {
        LogFormat::Text => tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .boxed(),
        // Event fields at the top level; the request's span (request id, trace id,
        // operation, caller kind) under `span`, on every line written inside a request.
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .with_writer(std::io::stderr)
            .boxed(),
    };
    let endpoint = settings
        .telemetry
        .otel_exporter_otlp_endpoint
        .as_deref()
        .map(str::trim)
        .filter(|endpoint| !endpoint.is_empty());
    let (traces, failure) =
        match endpoint.map(|e| otlp::Traces::start(e, &settings.telemetry.otel_service_name)) {
            None => (None, None),
            Some(Ok(traces)) => (Some(traces), None),
            Some(Err(error)) => (None, Some(error)),
        };
    let spans = traces.as_ref().map(otlp::Traces::layer);
    // A second call (tests) finds a subscriber in place; that is fine.
    let installed = tracing_subscriber::registry()
        .with(filter)
        .with(logs)
        .with(spans)
        .try_init()
        .is_ok();
    if installed && traces.is_some() {
        otlp::mark_exporting();
    }
    if let (Some(endpoint), Some(traces)) = (endpoint, &traces) {
        tracing::info!(
            endpoint,
            service = traces.service_name(),
            "exporting traces by OTLP"
        );
    }
    if let Some(error) = failure {
        tracing::error!(%error, "traces are not exported: the OTLP exporter could not start");
    }
    Telemetry { traces }
}
