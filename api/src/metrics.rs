//! Counters and latency histograms of the process, written in the Prometheus text format by
//! `/metrics`. GraphQL requests are counted by operation name and outcome; the names come
//! from clients, so only well-formed ones are kept as labels, and only so many of them.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

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

#[derive(Default, Clone)]
struct Histogram {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        for (bucket, bound) in self.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
        self.count += 1;
        self.sum += seconds;
    }
}

#[derive(Default)]
struct Requests {
    counts: HashMap<(String, Outcome), u64>,
    latency: HashMap<String, Histogram>,
}

/// What changes only at scrape time, read by the caller.
#[derive(Debug, Default)]
pub struct Gauges {
    pub db_pool_size: Option<u64>,
    pub db_pool_idle: Option<u64>,
    /// Statements sent to the database since start.
    pub db_statements: u64,
    pub outbox_pending: Option<u64>,
    pub outbox_oldest_secs: Option<f64>,
    pub subscribers: u64,
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<Requests>,
    rate_limited: AtomicU64,
    cache_hits: AtomicU64,
    cache_misses: AtomicU64,
}

impl Metrics {
    /// Counts a GraphQL request.
    pub fn record_request(&self, operation: Option<&str>, outcome: Outcome, seconds: f64) {
        let Ok(mut requests) = self.requests.lock() else {
            return;
        };
        let label = operation_label(operation, &requests);
        *requests.counts.entry((label.clone(), outcome)).or_default() += 1;
        requests.latency.entry(label).or_default().observe(seconds);
    }

    /// Counts a request refused by a rate limit.
    pub fn record_rate_limited(&self) {
        self.rate_limited.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts an answer from the response cache (`hit`) or computed for it.
    pub fn record_cache(&self, hit: bool) {
        let counter = if hit {
            &self.cache_hits
        } else {
            &self.cache_misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Everything in the Prometheus text format.
    pub fn render(&self, gauges: &Gauges) -> String {
        let mut out = String::new();
        if let Ok(requests) = self.requests.lock() {
            render_requests(&mut out, &requests);
        }
        counter(
            &mut out,
            "ap_rate_limited_total",
            "Requests refused by a rate limit.",
            self.rate_limited.load(Ordering::Relaxed),
        );
        let (hits, misses) = (
            self.cache_hits.load(Ordering::Relaxed),
            self.cache_misses.load(Ordering::Relaxed),
        );
        let _ = writeln!(
            out,
            "# HELP ap_response_cache_total Cacheable reads by whether the response cache answered.\n# TYPE ap_response_cache_total counter\nap_response_cache_total{{result=\"hit\"}} {hits}\nap_response_cache_total{{result=\"miss\"}} {misses}"
        );
        let ratio = if hits + misses == 0 {
            0.0
        } else {
            hits as f64 / (hits + misses) as f64
        };
        gauge(
            &mut out,
            "ap_response_cache_hit_ratio",
            "Share of cacheable reads answered from the cache since start.",
            ratio,
        );
        counter(
            &mut out,
            "ap_db_statements_total",
            "SQL statements sent to the database.",
            gauges.db_statements,
        );
        if let Some(size) = gauges.db_pool_size {
            gauge(
                &mut out,
                "ap_db_pool_connections",
                "Open database connections.",
                size as f64,
            );
        }
        if let Some(idle) = gauges.db_pool_idle {
            gauge(
                &mut out,
                "ap_db_pool_idle_connections",
                "Open database connections not in use.",
                idle as f64,
            );
        }
        if let Some(pending) = gauges.outbox_pending {
            gauge(
                &mut out,
                "ap_search_outbox_pending",
                "Changes the search index has not applied yet.",
                pending as f64,
            );
        }
        if let Some(oldest) = gauges.outbox_oldest_secs {
            gauge(
                &mut out,
                "ap_search_outbox_lag_seconds",
                "Age of the oldest change the search index has not applied.",
                oldest,
            );
        }
        gauge(
            &mut out,
            "ap_subscriptions",
            "Subscriptions open on this instance.",
            gauges.subscribers as f64,
        );
        out
    }
}

/// The label of an operation name: itself when well formed and there is room, else a
/// stand-in.
fn operation_label(operation: Option<&str>, requests: &Requests) -> String {
    let Some(name) = operation.filter(|n| !n.is_empty()) else {
        return "anonymous".to_owned();
    };
    let well_formed =
        name.len() <= MAX_NAME && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !well_formed {
        return "other".to_owned();
    }
    if requests.latency.contains_key(name) || requests.latency.len() < MAX_OPERATIONS {
        name.to_owned()
    } else {
        "other".to_owned()
    }
}

fn render_requests(out: &mut String, requests: &Requests) {
    let _ = writeln!(
        out,
        "# HELP ap_graphql_requests_total GraphQL requests by operation name and outcome.\n# TYPE ap_graphql_requests_total counter"
    );
    let mut counts: Vec<_> = requests.counts.iter().collect();
    counts.sort_by(|a, b| a.0.0.cmp(&b.0.0).then(a.0.1.label().cmp(b.0.1.label())));
    for ((operation, outcome), count) in counts {
        let _ = writeln!(
            out,
            "ap_graphql_requests_total{{operation=\"{operation}\",outcome=\"{}\"}} {count}",
            outcome.label()
        );
    }
    let _ = writeln!(
        out,
        "# HELP ap_graphql_request_seconds Time to answer a GraphQL request.\n# TYPE ap_graphql_request_seconds histogram"
    );
    let mut latency: Vec<_> = requests.latency.iter().collect();
    latency.sort_by(|a, b| a.0.cmp(b.0));
    for (operation, histogram) in latency {
        for (bound, count) in BUCKETS.iter().zip(histogram.buckets) {
            let _ = writeln!(
                out,
                "ap_graphql_request_seconds_bucket{{operation=\"{operation}\",le=\"{bound}\"}} {count}"
            );
        }
        let _ = writeln!(
            out,
            "ap_graphql_request_seconds_bucket{{operation=\"{operation}\",le=\"+Inf\"}} {}\nap_graphql_request_seconds_sum{{operation=\"{operation}\"}} {}\nap_graphql_request_seconds_count{{operation=\"{operation}\"}} {}",
            histogram.count, histogram.sum, histogram.count
        );
    }
}

fn counter(out: &mut String, name: &str, help: &str, value: u64) {
    let _ = writeln!(
        out,
        "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
    );
}

fn gauge(out: &mut String, name: &str, help: &str, value: f64) {
    let _ = writeln!(
        out,
        "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
    );
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
        let text = metrics.render(&Gauges::default());
        assert!(text.contains("ap_graphql_requests_total{operation=\"Offers\",outcome=\"ok\"} 1"));
        assert!(
            text.contains("ap_graphql_requests_total{operation=\"Offers\",outcome=\"errors\"} 1")
        );
        assert!(text.contains("operation=\"anonymous\",outcome=\"refused\"} 1"));
        assert!(text.contains("operation=\"other\",outcome=\"ok\"} 1"));
        assert!(
            text.contains("ap_graphql_request_seconds_bucket{operation=\"Offers\",le=\"0.025\"} 1")
        );
        assert!(text.contains("ap_graphql_request_seconds_count{operation=\"Offers\"} 2"));
        for i in 0..(MAX_OPERATIONS + 10) {
            metrics.record_request(Some(&format!("Op{i}")), Outcome::Ok, 0.001);
        }
        let text = metrics.render(&Gauges::default());
        assert!(!text.contains(&format!("Op{}\"", MAX_OPERATIONS + 5)));
    }
}
