//! Open connections per client network, counted when accepted and given back when closed
//! (the slot rides in the connection's data, which the server drops with the connection);
//! `http::connections` answers requests on connections beyond the cap.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::limit_key;

/// How many connections each client network holds open.
pub struct ConnectionCounter {
    max_per_address: usize,
    open: Mutex<HashMap<String, usize>>,
}

/// One accepted connection's place in the count.
pub struct ConnectionSlot {
    counter: Arc<ConnectionCounter>,
    key: String,
    /// Whether the connection is one more than its network may hold.
    pub over: bool,
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        let mut open = self.counter.open();
        if let Some(count) = open.get_mut(&self.key) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.key);
            }
        }
    }
}

impl ConnectionCounter {
    /// A counter allowing `max_per_address` connections per client network (0: no cap).
    pub fn new(max_per_address: usize) -> Self {
        Self {
            max_per_address,
            open: Mutex::new(HashMap::new()),
        }
    }

    fn open(&self) -> std::sync::MutexGuard<'_, HashMap<String, usize>> {
        match self.open.lock() {
            Ok(open) => open,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Counts a connection from `ip`.
    pub fn accept(self: &Arc<Self>, ip: std::net::IpAddr) -> ConnectionSlot {
        let key = limit_key(ip);
        let mut open = self.open();
        let count = open.entry(key.clone()).or_default();
        *count += 1;
        ConnectionSlot {
            counter: self.clone(),
            over: self.max_per_address > 0 && *count > self.max_per_address,
            key,
        }
    }

    /// Connections open from the network `ip` belongs to.
    pub fn open_from(&self, ip: std::net::IpAddr) -> usize {
        self.open().get(&limit_key(ip)).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_beyond_the_cap_are_marked_and_given_back_when_closed() {
        let counter = Arc::new(ConnectionCounter::new(2));
        let ip: std::net::IpAddr = "2001:db8::1"
            .parse()
            .unwrap_or(std::net::IpAddr::from([0; 4]));
        let same_64: std::net::IpAddr = "2001:db8::2"
            .parse()
            .unwrap_or(std::net::IpAddr::from([0; 4]));
        let first = counter.accept(ip);
        let second = counter.accept(same_64);
        let third = counter.accept(ip);
        assert!(!first.over && !second.over);
        assert!(
            third.over,
            "the third connection of one /64 is over the cap"
        );
        drop(third);
        drop(first);
        assert_eq!(counter.open_from(ip), 1);
        assert!(!counter.accept(ip).over);
    }
}
