//! An instance's rate limiters: the shared one (Redis) when configured, and the in-process
//! one it falls back to. When the shared limiter fails, each instance limits on its own
//! until it answers again, and requests keep being served.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::cache::limiter::{Decision, Limit, RateLimiter};
use crate::cache::memory::MemoryLimiter;

/// The limiters of an instance: the shared one if configured, and the in-process one it
/// falls back to.
pub struct Limiters {
    shared: Option<Arc<dyn RateLimiter>>,
    local: MemoryLimiter,
    /// Whether the last call to the shared limiter failed (for logs and readiness).
    degraded: AtomicBool,
}

impl Limiters {
    pub fn new(shared: Option<Arc<dyn RateLimiter>>, local: MemoryLimiter) -> Self {
        Self {
            shared,
            local,
            degraded: AtomicBool::new(false),
        }
    }

    /// Whether the shared limiter is failing and limits hold per instance for now.
    pub fn degraded(&self) -> bool {
        self.degraded.load(Ordering::Relaxed)
    }

    /// Takes a token from the shared bucket, or from this instance's when the shared store
    /// fails.
    pub async fn take(&self, key: &str, limit: Limit) -> Decision {
        if let Some(shared) = &self.shared {
            match shared.take(key, limit).await {
                Ok(decision) => {
                    if self.degraded.swap(false, Ordering::Relaxed) {
                        tracing::info!("shared rate limits answer again");
                    }
                    return decision;
                }
                Err(err) => {
                    if !self.degraded.swap(true, Ordering::Relaxed) {
                        tracing::warn!(error = %err, "shared rate limits unavailable; limiting per instance");
                    }
                }
            }
        }
        self.local.take_now(key, limit)
    }
}
