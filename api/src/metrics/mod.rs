//! The process's metrics, kept in a `prometheus-client` registry and written by `/metrics`
//! in the Prometheus text format or, when the scraper asks for it, in OpenMetrics.
//!
//! GraphQL requests are counted by operation name and outcome; the names come from
//! clients, so only well-formed ones become labels, and only so many of them. Values that
//! live elsewhere (database pool, search outbox, statements sent, the process itself) are
//! read when scraped, by the collectors in `scraped` and `process`.

mod process;
mod scraped;

use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, Mutex};

use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::Registry;

pub use scraped::Gauges;

/// Upper bounds (seconds) of the latency buckets.
const BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];
/// Distinct operation names kept as labels; later ones are counted as `other`.
const MAX_OPERATIONS: usize = 200;
/// Longest operation name kept as a label.
const MAX_NAME: usize = 64;

/// How a GraphQL request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Answered without errors.
    Ok,
    /// Answered, with errors in the body (bad input, not found, forbidden…).
    Errors,
    /// Refused before it ran (limits, authentication, rate limit, malformed).
    Refused,
    /// Stopped by the time limit, or the service was unavailable.
    Failed,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Errors => "errors",
            Self::Refused => "refused",
            Self::Failed => "failed",
        }
    }
}

impl EncodeLabelValue for Outcome {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), fmt::Error> {
        fmt::Write::write_str(encoder, self.label())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RequestLabels {
    operation: String,
    outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct OperationLabels {
    operation: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct CacheLabels {
    result: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct BuildLabels {
    version: &'static str,
}

/// The format `/metrics` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exposition {
    /// The Prometheus text format 0.0.4, what every scraper reads.
    PrometheusText,
    /// OpenMetrics 1.0 text, for scrapers that ask for it.
    OpenMetrics,
}

impl Exposition {
    /// The `Content-Type` of an exposition in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::PrometheusText => prometheus_client::encoding::prometheus_text::CONTENT_TYPE,
            Self::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
        }
    }
}

type LatencyFamily = Family<OperationLabels, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    Histogram::new(BUCKETS)
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
    /// The operation names that have a label of their own.
    operations: Mutex<HashSet<String>>,
    rate_limited: Counter,
    response_cache: Family<CacheLabels, Counter>,
    /// What the last scrape read from the database and the event bus.
    scraped: Arc<Mutex<Gauges>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "ap_graphql_requests",
            "GraphQL requests by operation name and outcome",
            requests.clone(),
        );
        let latency: LatencyFamily = Family::new_with_constructor(latency_histogram);
        registry.register(
            "ap_graphql_request_seconds",
            "Time to answer a GraphQL request",
            latency.clone(),
        );
        let rate_limited = Counter::default();
        registry.register(
            "ap_rate_limited",
            "Requests refused by a rate limit",
            rate_limited.clone(),
        );
        let response_cache = Family::<CacheLabels, Counter>::default();
        registry.register(
            "ap_response_cache",
            "Cacheable reads by whether the response cache answered",
            response_cache.clone(),
        );
        registry.register(
            "ap_build",
            "The running release",
            Info::new(BuildLabels {
                version: env!("CARGO_PKG_VERSION"),
            }),
        );
        let scraped = Arc::new(Mutex::new(Gauges::default()));
        registry.register_collector(Box::new(scraped::Collector::new(
            Arc::clone(&scraped),
            response_cache.clone(),
        )));
        registry.register_collector(Box::new(process::Collector));
        Self {
            registry,
            requests,
            latency,
            operations: Mutex::new(HashSet::new()),
            rate_limited,
            response_cache,
            scraped,
        }
    }

    /// Counts a GraphQL request.
    pub fn record_request(&self, operation: Option<&str>, outcome: Outcome, seconds: f64) {
        let operation = self.operation_label(operation);
        self.requests
            .get_or_create(&RequestLabels {
                operation: operation.clone(),
                outcome,
            })
            .inc();
        self.latency
            .get_or_create(&OperationLabels { operation })
            .observe(seconds);
    }

    /// Counts a request refused by a rate limit.
    pub fn record_rate_limited(&self) {
        self.rate_limited.inc();
    }

    /// Counts an answer from the response cache (`hit`) or computed for it.
    pub fn record_cache(&self, hit: bool) {
        let result = if hit { "hit" } else { "miss" };
        self.response_cache
            .get_or_create(&CacheLabels { result })
            .inc();
    }

    /// Every metric, with the values read at this scrape, in the format asked for.
    pub fn render(&self, gauges: Gauges, format: Exposition) -> String {
        if let Ok(mut scraped) = self.scraped.lock() {
            *scraped = gauges;
        }
        let mut out = String::new();
        let written = match format {
            Exposition::PrometheusText => {
                prometheus_client::encoding::prometheus_text::encode(&mut out, &self.registry)
            }
            Exposition::OpenMetrics => {
                prometheus_client::encoding::text::encode(&mut out, &self.registry)
            }
        };
        if let Err(error) = written {
            tracing::error!(%error, "metrics could not be written");
        }
        out
    }

    /// The label of an operation name: itself when well formed and there is room, else a
    /// stand-in.
    fn operation_label(&self, operation: Option<&str>) -> String {
        let Some(name) = operation.filter(|n| !n.is_empty()) else {
            return "anonymous".to_owned();
        };
        let well_formed =
            name.len() <= MAX_NAME && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !well_formed {
            return "other".to_owned();
        }
        let Ok(mut operations) = self.operations.lock() else {
            return "other".to_owned();
        };
        if operations.contains(name) {
            return name.to_owned();
        }
        if operations.len() < MAX_OPERATIONS {
            operations.insert(name.to_owned());
            return name.to_owned();
        }
        "other".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_operation_and_outcome_with_bounded_labels() {
        let metrics = Metrics::default();
        metrics.record_request(Some("Offers"), Outcome::Ok, 0.02);
        metrics.record_request(Some("Offers"), Outcome::Errors, 0.2);
        metrics.record_request(None, Outcome::Refused, 0.001);
        metrics.record_request(Some("bad\"name{}"), Outcome::Ok, 0.001);
        let text = metrics.render(Gauges::default(), Exposition::PrometheusText);
        assert!(text.contains("ap_graphql_requests_total{operation=\"Offers\",outcome=\"ok\"} 1"));
        assert!(
            text.contains("ap_graphql_requests_total{operation=\"Offers\",outcome=\"errors\"} 1")
        );
        assert!(text.contains("operation=\"anonymous\",outcome=\"refused\"} 1"));
        assert!(text.contains("operation=\"other\",outcome=\"ok\"} 1"));
        assert!(
            text.contains("ap_graphql_request_seconds_bucket{le=\"0.025\",operation=\"Offers\"} 1")
                || text.contains(
                    "ap_graphql_request_seconds_bucket{operation=\"Offers\",le=\"0.025\"} 1"
                ),
            "{text}"
        );
        assert!(text.contains("ap_graphql_request_seconds_count{operation=\"Offers\"} 2"));
        for i in 0..(MAX_OPERATIONS + 10) {
            metrics.record_request(Some(&format!("Op{i}")), Outcome::Ok, 0.001);
        }
        let text = metrics.render(Gauges::default(), Exposition::PrometheusText);
        assert!(!text.contains(&format!("Op{}\"", MAX_OPERATIONS + 5)));
    }

    #[test]
    fn openmetrics_ends_with_eof_and_names_counter_families_without_total() {
        let metrics = Metrics::default();
        metrics.record_cache(true);
        let text = metrics.render(Gauges::default(), Exposition::OpenMetrics);
        assert!(text.ends_with("# EOF\n"), "{text}");
        assert!(text.contains("# TYPE ap_response_cache counter"), "{text}");
        assert!(
            text.contains("ap_response_cache_total{result=\"hit\"} 1"),
            "{text}"
        );
        assert!(text.contains("ap_build_info{version=\""), "{text}");
    }
}
