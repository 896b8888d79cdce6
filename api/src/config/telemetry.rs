//! Logs, traces and metrics.

use super::LogFormat;
use clap::Args;
use secrecy::SecretString;

/// Logs, traces and metrics.
#[derive(Debug, Clone, Args)]
pub struct TelemetrySettings {
    /// Log format; text in development and JSON in production when unset.
    #[arg(long, env = "LOG_FORMAT", value_enum, global = true)]
    pub log_format: Option<LogFormat>,

    /// Where to send traces, by OTLP over HTTP (protobuf): a collector or agent such as
    /// `http://localhost:4318`; spans go to `<endpoint>/v1/traces`. Unset: no export.
    #[arg(long, env = "OTEL_EXPORTER_OTLP_ENDPOINT", global = true)]
    pub otel_exporter_otlp_endpoint: Option<String>,

    /// The `service.name` the exported traces carry.
    #[arg(
        long,
        env = "OTEL_SERVICE_NAME",
        default_value = "angebotsplattform",
        global = true
    )]
    pub otel_service_name: String,

    /// Token a scraper must send as `Authorization: Bearer …` to read `/metrics`; when unset
    /// the endpoint is open (keep it behind the internal network then).
    #[arg(long, env = "METRICS_TOKEN", global = true, hide_env_values = true)]
    pub metrics_token: Option<SecretString>,
}
