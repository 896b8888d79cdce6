//! Sign-in throttling against password guessing: failed attempts are counted per account
//! and per network address in a fixed window; past the limit, sign-ins are refused until the
//! window ends (even with the right password, so guessing gains nothing).
//!
//! This store lives in the process. With several instances each counts on its own, which
//! multiplies the limit by the number of instances; a shared store (Redis) replaces it there.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Entries kept before expired ones are swept, so a flood of addresses cannot grow the map
/// without bound.
const SWEEP_ABOVE: usize = 10_000;

/// The limits of the throttle.
#[derive(Debug, Clone, Copy)]
pub struct ThrottleLimits {
    pub per_account: u32,
    pub per_address: u32,
    pub window: Duration,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    failures: u32,
}

/// Counts failed sign-ins.
#[derive(Debug)]
pub struct LoginThrottle {
    limits: ThrottleLimits,
    windows: Mutex<HashMap<String, Window>>,
}

impl LoginThrottle {
    pub fn new(limits: ThrottleLimits) -> Self {
        Self {
            limits,
            windows: Mutex::new(HashMap::new()),
        }
    }

    fn keys(account: &str, address: Option<&str>) -> [(String, bool); 2] {
        [
            (format!("account:{account}"), true),
            (format!("address:{}", address.unwrap_or("unknown")), false),
        ]
    }

    /// Seconds until sign-ins are allowed again, when the account or address is locked.
    pub fn locked_for(&self, account: &str, address: Option<&str>) -> Option<u64> {
        let now = Instant::now();
        let windows = self.windows.lock().ok()?;
        Self::keys(account, address)
            .iter()
            .filter_map(|(key, is_account)| {
                let window = windows.get(key)?;
                let limit = if *is_account {
                    self.limits.per_account
                } else {
                    self.limits.per_address
                };
                let ends = window.started + self.limits.window;
                (window.failures >= limit && ends > now)
                    .then(|| ends.duration_since(now).as_secs().max(1))
            })
            .max()
    }

    /// Counts a failed sign-in.
    pub fn record_failure(&self, account: &str, address: Option<&str>) {
        let now = Instant::now();
        let Ok(mut windows) = self.windows.lock() else {
            return;
        };
        if windows.len() > SWEEP_ABOVE {
            let window = self.limits.window;
            windows.retain(|_, w| w.started + window > now);
        }
        for (key, _) in Self::keys(account, address) {
            let entry = windows.entry(key).or_insert(Window {
                started: now,
                failures: 0,
            });
            if entry.started + self.limits.window <= now {
                *entry = Window {
                    started: now,
                    failures: 0,
                };
            }
            entry.failures = entry.failures.saturating_add(1);
        }
    }

    /// Forgets the account's failures after a successful sign-in.
    pub fn record_success(&self, account: &str) {
        if let Ok(mut windows) = self.windows.lock() {
            windows.remove(&format!("account:{account}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_the_limit_per_account_and_per_address() {
        let throttle = LoginThrottle::new(ThrottleLimits {
            per_account: 3,
            per_address: 5,
            window: Duration::from_secs(60),
        });
        for _ in 0..3 {
            assert!(
                throttle
                    .locked_for("a@example.org", Some("10.0.0.1"))
                    .is_none()
            );
            throttle.record_failure("a@example.org", Some("10.0.0.1"));
        }
        assert!(
            throttle
                .locked_for("a@example.org", Some("10.0.0.9"))
                .is_some()
        );
        // Other accounts from the same address still get two tries before the address locks.
        assert!(
            throttle
                .locked_for("b@example.org", Some("10.0.0.1"))
                .is_none()
        );
        throttle.record_failure("b@example.org", Some("10.0.0.1"));
        throttle.record_failure("c@example.org", Some("10.0.0.1"));
        assert!(
            throttle
                .locked_for("d@example.org", Some("10.0.0.1"))
                .is_some()
        );
        assert!(
            throttle
                .locked_for("d@example.org", Some("10.0.0.2"))
                .is_none()
        );
    }
}
