//! Rate limits as token buckets: a bucket holds up to a minute's allowance and refills
//! continuously, so a client may burst but not exceed its rate over time. What keeps the
//! buckets is a [`RateLimiter`]: Redis across instances, or memory in one.

use std::time::Duration;

use crate::cache::StoreError;

/// A rate: requests per minute, with a minute's worth as the burst.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub per_minute: u32,
}

/// Whether a request may pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Within the limit, with what is left of it.
    Allowed {
        /// Whole requests left in the bucket.
        remaining: u32,
        /// How long until the bucket is full again.
        full_in: Duration,
    },
    /// Over the limit: try again after this long.
    Limited { retry_after: Duration },
}

/// A bucket's state: tokens left and when they were counted (milliseconds).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bucket {
    pub tokens: f64,
    pub at_ms: i64,
}

/// Takes one token from `bucket` (a full one when `None`) at `now_ms`: the new state and
/// the decision. The Redis script does the same arithmetic.
pub fn take(bucket: Option<Bucket>, limit: Limit, now_ms: i64) -> (Bucket, Decision) {
    let capacity = f64::from(limit.per_minute.max(1));
    let rate = capacity / 60_000.0;
    let mut state = bucket.unwrap_or(Bucket {
        tokens: capacity,
        at_ms: now_ms,
    });
    if now_ms > state.at_ms {
        state.tokens = (state.tokens + (now_ms - state.at_ms) as f64 * rate).min(capacity);
        state.at_ms = now_ms;
    }
    if state.tokens >= 1.0 {
        state.tokens -= 1.0;
        let full_in_ms = ((capacity - state.tokens) / rate).ceil().max(0.0) as u64;
        (
            state,
            Decision::Allowed {
                remaining: state.tokens.floor() as u32,
                full_in: Duration::from_millis(full_in_ms),
            },
        )
    } else {
        let wait_ms = ((1.0 - state.tokens) / rate).ceil().max(1.0) as u64;
        (
            state,
            Decision::Limited {
                retry_after: Duration::from_millis(wait_ms),
            },
        )
    }
}

/// Something that keeps buckets by key.
#[async_trait::async_trait]
pub trait RateLimiter: Send + Sync {
    /// Takes one token from the bucket `key`.
    async fn take(&self, key: &str, limit: Limit) -> Result<Decision, StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_bursts_a_minutes_worth_then_refills_at_the_rate() {
        let limit = Limit { per_minute: 3 };
        let mut state = None;
        for remaining in [2, 1, 0] {
            let (next, decision) = take(state, limit, 0);
            assert_eq!(
                decision,
                Decision::Allowed {
                    remaining,
                    // Each token taken is 20 s of refill.
                    full_in: Duration::from_secs(20 * u64::from(3 - remaining)),
                }
            );
            state = Some(next);
        }
        let (next, decision) = take(state, limit, 0);
        assert_eq!(
            decision,
            Decision::Limited {
                retry_after: Duration::from_secs(20)
            }
        );
        // One token comes back every 20 s.
        let (_, decision) = take(Some(next), limit, 20_000);
        assert!(matches!(decision, Decision::Allowed { remaining: 0, .. }));
    }
}
