//! The metrics whose values live elsewhere and are read when `/metrics` is scraped: the
//! database pool, statements sent, the search outbox, open subscriptions and the response
//! cache's hit ratio.

use std::fmt;
use std::sync::{Arc, Mutex};

use prometheus_client::encoding::{
    DescriptorEncoder, EncodeCounterValue, EncodeGaugeValue, EncodeMetric,
};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;

use super::CacheLabels;

/// What the `/metrics` handler reads at scrape time (the database needs `await`, which a
/// collector cannot).
#[derive(Debug, Default, Clone)]
pub struct Gauges {
    pub db_pool_size: Option<u64>,
    pub db_pool_idle: Option<u64>,
    /// Statements sent to the database since start.
    pub db_statements: u64,
    pub outbox_pending: Option<u64>,
    pub outbox_oldest_secs: Option<f64>,
    pub subscribers: u64,
}

/// Writes the last scrape's [`Gauges`] and the hit ratio of the response cache.
#[derive(Debug)]
pub(super) struct Collector {
    gauges: Arc<Mutex<Gauges>>,
    response_cache: Family<CacheLabels, Counter>,
}

impl Collector {
    pub(super) fn new(
        gauges: Arc<Mutex<Gauges>>,
        response_cache: Family<CacheLabels, Counter>,
    ) -> Self {
        Self {
            gauges,
            response_cache,
        }
    }

    fn cache_hit_ratio(&self) -> f64 {
        let count = |result| {
            self.response_cache
                .get(&CacheLabels { result })
                .map_or(0, |counter| counter.get())
        };
        let (hits, misses) = (count("hit"), count("miss"));
        if hits + misses == 0 {
            0.0
        } else {
            hits as f64 / (hits + misses) as f64
        }
    }
}

impl prometheus_client::collector::Collector for Collector {
    fn encode(&self, mut encoder: DescriptorEncoder<'_>) -> fmt::Result {
        let gauges = self.gauges.lock().map(|g| g.clone()).unwrap_or_default();
        gauge(
            &mut encoder,
            "ap_response_cache_hit_ratio",
            "Share of cacheable reads answered from the cache since start",
            self.cache_hit_ratio(),
        )?;
        counter(
            &mut encoder,
            "ap_db_statements",
            "SQL statements sent to the database",
            gauges.db_statements,
        )?;
        if let Some(size) = gauges.db_pool_size {
            gauge(
                &mut encoder,
                "ap_db_pool_connections",
                "Open database connections",
                size,
            )?;
        }
        if let Some(idle) = gauges.db_pool_idle {
            gauge(
                &mut encoder,
                "ap_db_pool_idle_connections",
                "Open database connections not in use",
                idle,
            )?;
        }
        if let Some(pending) = gauges.outbox_pending {
            gauge(
                &mut encoder,
                "ap_search_outbox_pending",
                "Changes the search index has not applied yet",
                pending,
            )?;
        }
        if let Some(oldest) = gauges.outbox_oldest_secs {
            gauge(
                &mut encoder,
                "ap_search_outbox_lag_seconds",
                "Age of the oldest change the search index has not applied",
                oldest,
            )?;
        }
        gauge(
            &mut encoder,
            "ap_subscriptions",
            "Subscriptions open on this instance",
            gauges.subscribers,
        )
    }
}

/// Writes one gauge with its value read now.
pub(super) fn gauge<N>(
    encoder: &mut DescriptorEncoder<'_>,
    name: &str,
    help: &str,
    value: N,
) -> fmt::Result
where
    N: EncodeGaugeValue + Send + Sync + fmt::Debug + 'static,
{
    write(encoder, name, help, ConstGauge::new(value))
}

/// Writes one counter (its name gets `_total`) with its value read now.
pub(super) fn counter<N>(
    encoder: &mut DescriptorEncoder<'_>,
    name: &str,
    help: &str,
    value: N,
) -> fmt::Result
where
    N: EncodeCounterValue + Send + Sync + fmt::Debug + 'static,
{
    write(encoder, name, help, ConstCounter::new(value))
}

fn write(
    encoder: &mut DescriptorEncoder<'_>,
    name: &str,
    help: &str,
    metric: impl EncodeMetric,
) -> fmt::Result {
    metric.encode(encoder.encode_descriptor(name, help, None, metric.metric_type())?)
}
