//! State shared between instances, kept in Redis when `REDIS_URL` is set and in the
//! process otherwise, so both run the same code: request rate limits, sign-in throttling,
//! session liveness, cached answers and persisted queries.

pub mod failures;
pub mod limiter;
pub mod memory;
pub mod persisted;
pub mod redis_limiter;
pub mod redis_store;
pub mod responses;
pub mod sessions;

pub use limiter::{Decision, Limit, Limiters, RateLimiter};

/// Why the shared store could not answer; callers fall back to the process.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("Redis error: {0}")]
    Redis(#[from] redis::RedisError),
    #[error("Redis did not answer in time")]
    Timeout,
    #[error("could not encode a value for Redis: {0}")]
    Encode(#[from] serde_json::Error),
}
