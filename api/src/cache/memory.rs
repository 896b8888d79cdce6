//! Rate-limit buckets in the process: the embedded default, and the fallback when Redis
//! fails. The map is bounded: when it is full, buckets that have refilled completely (and
//! so carry no information) are dropped first.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::cache::StoreError;
use crate::cache::limiter::{Bucket, Decision, Limit, RateLimiter, take};

/// Buckets kept at most; beyond, idle ones are forgotten.
const MAX_BUCKETS: usize = 100_000;

#[derive(Default)]
pub struct MemoryLimiter {
    buckets: Mutex<HashMap<String, Bucket>>,
}

fn now_ms() -> i64 {
    crate::clock::now().timestamp_millis()
}

impl MemoryLimiter {
    /// Takes a token at the current time.
    pub fn take_now(&self, key: &str, limit: Limit) -> Decision {
        let now = now_ms();
        let mut buckets = match self.buckets.lock() {
            Ok(buckets) => buckets,
            Err(poisoned) => poisoned.into_inner(),
        };
        if buckets.len() >= MAX_BUCKETS && !buckets.contains_key(key) {
            // A bucket untouched for a minute is full again: forgetting it changes nothing.
            buckets.retain(|_, b| now - b.at_ms < 60_000);
            if buckets.len() >= MAX_BUCKETS {
                buckets.clear();
            }
        }
        let (state, decision) = take(buckets.get(key).copied(), limit, now);
        buckets.insert(key.to_owned(), state);
        decision
    }
}

#[async_trait::async_trait]
impl RateLimiter for MemoryLimiter {
    async fn take(&self, key: &str, limit: Limit) -> Result<Decision, StoreError> {
        Ok(self.take_now(key, limit))
    }
}
