//! Sign-in throttling against password guessing: attempts are counted per account and per
//! network address in a fixed window; past the limit, sign-ins are refused until the window
//! ends (even with the right password, so guessing gains nothing).
//!
//! An attempt is admitted and counted in one step *before* its password is verified, and a
//! successful sign-in takes its attempt back. Checking first and counting after the slow
//! password hash would let a burst of concurrent guesses all pass the check.
//!
//! [`LoginThrottle`] counts in the process; [`SignInThrottle`] also counts in Redis when it
//! is configured, so the limits hold across instances; an attempt needs both to admit it,
//! and the process's count alone decides while Redis fails.

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

impl ThrottleLimits {
    /// The counters a sign-in touches, with their limits: its account's and its address's.
    fn counters(&self, account: &str, address: Option<&str>) -> [(String, u32); 2] {
        [
            (account_key(account), self.per_account),
            (address_key(address), self.per_address),
        ]
    }
}

fn account_key(account: &str) -> String {
    format!("account:{account}")
}

fn address_key(address: Option<&str>) -> String {
    format!("address:{}", address.unwrap_or("unknown"))
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    attempts: u32,
}

/// Counts sign-in attempts in the process.
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

    fn windows(&self) -> std::sync::MutexGuard<'_, HashMap<String, Window>> {
        match self.windows.lock() {
            Ok(windows) => windows,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Admits and counts an attempt; `Err(seconds)` until the account or address may try
    /// again, when either is at its limit (then nothing is counted).
    pub fn admit(&self, account: &str, address: Option<&str>) -> Result<(), u64> {
        self.admit_at(account, address)
    }

    /// Takes an admitted attempt back from both counters: another store refused it.
    fn take_back(&self, account: &str, address: Option<&str>) {
        let mut windows = self.windows();
        for (key, _) in self.limits.counters(account, address) {
            if let Some(window) = windows.get_mut(&key) {
                window.attempts = window.attempts.saturating_sub(1);
            }
        }
    }

    fn admit_at(&self, account: &str, address: Option<&str>) -> Result<(), u64> {
        let now = Instant::now();
        let span = self.limits.window;
        let mut windows = self.windows();
        if windows.len() > SWEEP_ABOVE {
            windows.retain(|_, w| w.started + span > now);
        }
        let counters = self.limits.counters(account, address);
        let wait = counters
            .iter()
            .filter_map(|(key, limit)| {
                let window = windows.get(key)?;
                let ends = window.started + span;
                (window.attempts >= *limit && ends > now)
                    .then(|| ends.duration_since(now).as_secs().max(1))
            })
            .max();
        if let Some(seconds) = wait {
            return Err(seconds);
        }
        for (key, _) in counters {
            let window = windows.entry(key).or_insert(Window {
                started: now,
                attempts: 0,
            });
            if window.started + span <= now {
                *window = Window {
                    started: now,
                    attempts: 0,
                };
            }
            window.attempts = window.attempts.saturating_add(1);
        }
        Ok(())
    }

    /// The attempt succeeded: the account starts afresh and the address gets its attempt
    /// back.
    pub fn succeeded(&self, account: &str, address: Option<&str>) {
        let mut windows = self.windows();
        windows.remove(&account_key(account));
        if let Some(window) = windows.get_mut(&address_key(address)) {
            window.attempts = window.attempts.saturating_sub(1);
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

    /// Admits and counts a sign-in attempt before its password is checked; `Err(seconds)`
    /// until sign-ins are allowed again when the account or address is locked.
    ///
    /// Both counts must admit it: this instance's, always, and the instances' shared count
    /// in Redis when it answers. So a slow or failing Redis (which an attacker can bring
    /// about by loading the server) never lets more attempts through than one instance's
    /// limit.
    pub async fn admit(&self, account: &str, address: Option<&str>) -> Result<(), u64> {
        self.local.admit(account, address)?;
        let Some(store) = &self.shared else {
            return Ok(());
        };
        let counters = self.limits.counters(account, address);
        match failures::admit(store, &counters, self.limits.window).await {
            Ok(Some(wait)) => {
                // Refused across instances: this instance does not count it either.
                self.local.take_back(account, address);
                Err(wait.as_secs().max(1))
            }
            Ok(None) => Ok(()),
            Err(err) => {
                tracing::debug!(error = %err, "shared sign-in counts unavailable; this instance's count decides");
                Ok(())
            }
        }
    }

    /// The admitted attempt signed in: the account's count is cleared and the address's
    /// attempt given back.
    pub async fn succeeded(&self, account: &str, address: Option<&str>) {
        self.local.succeeded(account, address);
        if let Some(store) = &self.shared {
            let result = match failures::clear(store, &account_key(account)).await {
                Ok(()) => failures::refund(store, &address_key(address)).await,
                Err(err) => Err(err),
            };
            if let Err(err) = result {
                tracing::debug!(error = %err, "could not clear sign-in attempts in Redis");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle() -> LoginThrottle {
        LoginThrottle::new(ThrottleLimits {
            per_account: 3,
            per_address: 5,
            window: Duration::from_secs(60),
        })
    }

    #[test]
    fn locks_after_the_limit_per_account_and_per_address() {
        let throttle = throttle();
        for _ in 0..3 {
            assert!(throttle.admit("a@example.org", Some("10.0.0.1")).is_ok());
        }
        assert!(throttle.admit("a@example.org", Some("10.0.0.9")).is_err());
        // The refused attempt was not counted against the other address.
        assert!(throttle.admit("b@example.org", Some("10.0.0.9")).is_ok());
        // Other accounts from the first address get two more tries before it locks.
        assert!(throttle.admit("b@example.org", Some("10.0.0.1")).is_ok());
        assert!(throttle.admit("c@example.org", Some("10.0.0.1")).is_ok());
        assert!(throttle.admit("d@example.org", Some("10.0.0.1")).is_err());
        assert!(throttle.admit("d@example.org", Some("10.0.0.2")).is_ok());
    }

    #[test]
    fn a_successful_sign_in_gives_its_attempts_back() {
        let throttle = throttle();
        for _ in 0..2 {
            assert!(throttle.admit("a@example.org", Some("10.0.0.1")).is_ok());
        }
        assert!(throttle.admit("a@example.org", Some("10.0.0.1")).is_ok());
        throttle.succeeded("a@example.org", Some("10.0.0.1"));
        for _ in 0..3 {
            assert!(throttle.admit("a@example.org", Some("10.0.0.1")).is_ok());
        }
        // 2 failed + 3 = 5 counted against the address now.
        assert!(throttle.admit("z@example.org", Some("10.0.0.1")).is_err());
    }
}
