//! Sign-in throttling against password guessing: failed attempts are counted per account
//! and per network address in a fixed window; past the limit, sign-ins are refused until the
//! window ends (even with the right password, so guessing gains nothing).
//!
//! [`LoginThrottle`] counts in the process; [`SignInThrottle`] counts in Redis when it is
//! configured, so the limits hold across instances, and falls back to the process's counts
//! while Redis fails.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::cache::failures;
use crate::cache::redis_store::RedisStore;

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

    /// The counters a sign-in touches: its account's and its address's.
    pub fn keys(account: &str, address: Option<&str>) -> [(String, bool); 2] {
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

/// Sign-in throttling for an instance.
pub struct SignInThrottle {
    limits: ThrottleLimits,
    local: LoginThrottle,
    shared: Option<Arc<RedisStore>>,
}

impl SignInThrottle {
    pub fn new(limits: ThrottleLimits, shared: Option<Arc<RedisStore>>) -> Self {
        Self {
            limits,
            local: LoginThrottle::new(limits),
            shared,
        }
    }

    /// Seconds until sign-ins are allowed again, when the account or address is locked.
    pub async fn locked_for(&self, account: &str, address: Option<&str>) -> Option<u64> {
        if let Some(store) = &self.shared {
            let keys = LoginThrottle::keys(account, address);
            let names: Vec<String> = keys.iter().map(|(k, _)| k.clone()).collect();
            match failures::counts(store, &names).await {
                Ok(counts) => {
                    return keys
                        .iter()
                        .zip(counts)
                        .filter_map(|((_, is_account), (count, left))| {
                            let limit = if *is_account {
                                self.limits.per_account
                            } else {
                                self.limits.per_address
                            };
                            (count >= limit).then(|| left.as_secs().max(1))
                        })
                        .max();
                }
                Err(err) => {
                    tracing::warn!(error = %err, "shared sign-in counts unavailable; counting per instance")
                }
            }
        }
        self.local.locked_for(account, address)
    }

    /// Counts a failed sign-in (in this process too, so a Redis outage starts warm).
    pub async fn record_failure(&self, account: &str, address: Option<&str>) {
        self.local.record_failure(account, address);
        if let Some(store) = &self.shared {
            let names: Vec<String> = LoginThrottle::keys(account, address)
                .into_iter()
                .map(|(k, _)| k)
                .collect();
            if let Err(err) = failures::add(store, &names, self.limits.window).await {
                tracing::warn!(error = %err, "could not count a failed sign-in in Redis");
            }
        }
    }

    /// Forgets the account's failures after a successful sign-in.
    pub async fn record_success(&self, account: &str) {
        self.local.record_success(account);
        if let Some(store) = &self.shared
            && let Err(err) = failures::clear(store, &format!("account:{account}")).await
        {
            tracing::warn!(error = %err, "could not clear sign-in failures in Redis");
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
