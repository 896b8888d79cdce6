//! A circuit breaker around the search engine: after a run of failures it stops asking the
//! engine for a cool-down, so a sick engine is not hammered and searches answer at once from
//! the fallback; the first call after the cool-down tries the engine again.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// The breaker's state.
#[derive(Debug)]
pub struct CircuitBreaker {
    threshold: u32,
    cooldown: Duration,
    failures: AtomicU32,
    open_until: Mutex<Option<Instant>>,
}

impl CircuitBreaker {
    /// Opens after `threshold` failures in a row, for `cooldown`.
    pub fn new(threshold: u32, cooldown: Duration) -> Self {
        Self {
            threshold: threshold.max(1),
            cooldown,
            failures: AtomicU32::new(0),
            open_until: Mutex::new(None),
        }
    }

    /// Whether the engine may be asked now.
    pub fn allow(&self) -> bool {
        let Ok(mut open) = self.open_until.lock() else {
            return true;
        };
        match *open {
            Some(until) if Instant::now() < until => false,
            Some(_) => {
                // Half open: one call decides; a failure opens the breaker again.
                *open = None;
                self.failures
                    .store(self.threshold.saturating_sub(1), Ordering::SeqCst);
                true
            }
            None => true,
        }
    }

    /// The engine answered.
    pub fn success(&self) {
        self.failures.store(0, Ordering::SeqCst);
    }

    /// The engine failed or was too slow.
    pub fn failure(&self) {
        let failures = self.failures.fetch_add(1, Ordering::SeqCst) + 1;
        if failures >= self.threshold
            && let Ok(mut open) = self.open_until.lock()
        {
            *open = Some(Instant::now() + self.cooldown);
            tracing::warn!(
                failures,
                "search engine failing: answering from the database for a while"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_the_threshold_and_retries_after_the_cooldown() {
        let breaker = CircuitBreaker::new(2, Duration::from_millis(30));
        assert!(breaker.allow());
        breaker.failure();
        assert!(breaker.allow(), "one failure is not a run");
        breaker.failure();
        assert!(!breaker.allow(), "open");
        std::thread::sleep(Duration::from_millis(40));
        assert!(breaker.allow(), "half open after the cooldown");
        breaker.failure();
        assert!(!breaker.allow(), "a failed trial opens it again");
        std::thread::sleep(Duration::from_millis(40));
        assert!(breaker.allow());
        breaker.success();
        breaker.failure();
        assert!(breaker.allow(), "success resets the run");
    }
}
