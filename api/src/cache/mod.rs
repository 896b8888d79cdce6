//! State shared between instances, kept in Redis when `REDIS_URL` is set and in the
//! process otherwise, so both run the same code: request rate limits, sign-in throttling,
//! session liveness, cached answers and persisted queries.

pub mod document_key;
pub mod failures;
pub mod limiter;
pub mod limiters;
pub mod memory;
pub mod persisted;
pub mod redis_limiter;
pub mod redis_store;
pub mod responses;
pub mod sessions;
pub mod version;

pub use limiter::{Decision, Limit, RateLimiter};
pub use limiters::Limiters;

/// Why the shared store could not answer; callers fall back to the process.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("Redis error: {0}")]
    Redis(#[from] redis::RedisError),
    #[error("Redis did not answer in time")]
    Timeout,
    /// Redis failed repeatedly and is left alone for a while (see `breaker`).
    #[error("Redis is failing; not asked for a while")]
    Unavailable,
    #[error("could not encode a value for Redis: {0}")]
    Encode(#[from] serde_json::Error),
}

impl StoreError {
    /// Logs a failed use of the store. Outages (no connection, no answer in time, the
    /// breaker open) are reported once by the store's breaker when they begin and end, so
    /// here they are only debug lines; anything else is a warning.
    pub fn log(&self, what: &str) {
        let outage = match self {
            Self::Timeout | Self::Unavailable => true,
            Self::Redis(err) => {
                err.is_io_error()
                    || err.is_timeout()
                    || err.is_connection_dropped()
                    || err.is_connection_refusal()
            }
            Self::Encode(_) => false,
        };
        if outage {
            tracing::debug!(error = %self, "{what}");
        } else {
            tracing::warn!(error = %self, "{what}");
        }
    }
}
