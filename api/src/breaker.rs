//! A circuit breaker around a dependency that may fail or hang (the search engine, Redis):
//! after a run of failures it stops asking the dependency for a cool-down, so callers take
//! their fallback at once instead of each waiting out a timeout; after the cool-down one
//! call probes the dependency while the others still take the fallback, and its answer
//! closes the breaker or opens it again. Each change of state is logged once.

use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Where the breaker stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Calls go through; `failures` in a row so far.
    Closed { failures: u32 },
    /// Calls fail fast until `until`.
    Open { until: Instant },
    /// One probe is out; the others fail fast. A probe that never reports back (its caller
    /// gave up) is replaced once `overdue_at` has passed.
    Probing { overdue_at: Instant },
}

/// Why a guarded call gave no answer.
#[derive(Debug)]
pub enum Refusal<E> {
    /// The breaker is open: the dependency was not asked.
    Open,
    /// The dependency took longer than the time limit.
    TimedOut,
    /// The dependency failed.
    Failed(E),
}

impl<E: std::fmt::Display> std::fmt::Display for Refusal<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Open => f.write_str("not asked: failing recently"),
            Self::TimedOut => f.write_str("no answer in time"),
            Self::Failed(err) => err.fmt(f),
        }
    }
}

/// The breaker of one dependency.
#[derive(Debug)]
pub struct CircuitBreaker {
    /// Names the dependency in log lines.
    name: &'static str,
    threshold: u32,
    cooldown: Duration,
    state: Mutex<State>,
}

impl CircuitBreaker {
    /// Opens after `threshold` failures in a row, for `cooldown`.
    pub fn new(name: &'static str, threshold: u32, cooldown: Duration) -> Self {
        Self {
            name,
            threshold: threshold.max(1),
            cooldown,
            state: Mutex::new(State::Closed { failures: 0 }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        match self.state.lock() {
            Ok(state) => state,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Whether the dependency may be asked now (the caller must report how it went).
    pub fn allow(&self) -> bool {
        let now = Instant::now();
        let mut state = self.state();
        match *state {
            State::Closed { .. } => true,
            State::Open { until } | State::Probing { overdue_at: until } if now < until => false,
            State::Open { .. } | State::Probing { .. } => {
                *state = State::Probing {
                    overdue_at: now + self.cooldown,
                };
                true
            }
        }
    }

    /// Whether the breaker is open (or probing): the dependency is considered down.
    pub fn is_open(&self) -> bool {
        !matches!(*self.state(), State::Closed { .. })
    }

    /// The dependency answered.
    pub fn success(&self) {
        let mut state = self.state();
        if !matches!(*state, State::Closed { .. }) {
            tracing::info!(dependency = self.name, "answers again");
        }
        *state = State::Closed { failures: 0 };
    }

    /// The dependency failed or was too slow.
    pub fn failure(&self) {
        let now = Instant::now();
        let mut state = self.state();
        match *state {
            State::Closed { failures } if failures + 1 < self.threshold => {
                *state = State::Closed {
                    failures: failures + 1,
                };
            }
            State::Closed { failures } => {
                tracing::warn!(
                    dependency = self.name,
                    failures = failures + 1,
                    cooldown_secs = self.cooldown.as_secs_f64(),
                    "failing: not asked for a while, fallbacks answer"
                );
                *state = State::Open {
                    until: now + self.cooldown,
                };
            }
            State::Probing { .. } | State::Open { .. } => {
                // Still down: no new log line, the state did not change for the reader.
                *state = State::Open {
                    until: now + self.cooldown,
                };
            }
        }
    }

    /// Runs `call` under the breaker and the time limit, reporting how it went.
    pub async fn run<T, E>(
        &self,
        limit: Duration,
        call: impl Future<Output = Result<T, E>>,
    ) -> Result<T, Refusal<E>> {
        if !self.allow() {
            return Err(Refusal::Open);
        }
        match tokio::time::timeout(limit, call).await {
            Ok(Ok(value)) => {
                self.success();
                Ok(value)
            }
            Ok(Err(err)) => {
                self.failure();
                Err(Refusal::Failed(err))
            }
            Err(_) => {
                self.failure();
                Err(Refusal::TimedOut)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_the_threshold_and_probes_after_the_cooldown() {
        let breaker = CircuitBreaker::new("test", 2, Duration::from_millis(30));
        assert!(breaker.allow());
        breaker.failure();
        assert!(breaker.allow(), "one failure is not a run");
        breaker.failure();
        assert!(!breaker.allow(), "open");
        std::thread::sleep(Duration::from_millis(40));
        assert!(breaker.allow(), "one probe after the cooldown");
        assert!(
            !breaker.allow(),
            "while the probe is out, the others fail fast"
        );
        breaker.failure();
        assert!(!breaker.allow(), "a failed probe opens it again");
        std::thread::sleep(Duration::from_millis(40));
        assert!(breaker.allow());
        breaker.success();
        assert!(!breaker.is_open());
        breaker.failure();
        assert!(breaker.allow(), "success resets the run");
    }

    #[test]
    fn a_probe_that_never_reports_is_replaced() {
        let breaker = CircuitBreaker::new("test", 1, Duration::from_millis(20));
        breaker.failure();
        std::thread::sleep(Duration::from_millis(30));
        assert!(breaker.allow(), "the probe");
        std::thread::sleep(Duration::from_millis(30));
        assert!(breaker.allow(), "another probe once the first is overdue");
    }

    #[tokio::test]
    async fn run_times_out_and_fails_fast_when_open() {
        let breaker = CircuitBreaker::new("test", 1, Duration::from_secs(60));
        let slow = breaker
            .run(Duration::from_millis(10), async {
                tokio::time::sleep(Duration::from_secs(1)).await;
                Ok::<(), ()>(())
            })
            .await;
        assert!(matches!(slow, Err(Refusal::TimedOut)));
        let started = Instant::now();
        let refused = breaker
            .run(Duration::from_secs(1), async { Ok::<(), ()>(()) })
            .await;
        assert!(matches!(refused, Err(Refusal::Open)));
        assert!(started.elapsed() < Duration::from_millis(50));
    }
}
