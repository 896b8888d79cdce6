//! Logging set-up: readable lines locally, JSON in production.

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Installs the global log subscriber. `RUST_LOG` overrides the default level (`info`).
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second call (tests) finds a subscriber in place; that is fine.
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        // Event fields at the top level; the request's span (request id, trace id,
        // operation, caller kind) under `span`, on every line written inside a request.
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
}
