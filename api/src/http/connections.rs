//! Open connections per client network. A client that opens thousands of connections and
//! trickles a byte into each holds as many file descriptors; the cap leaves it
//! `MAX_CONNECTIONS_PER_ADDRESS` of them, and answers every request on a connection beyond
//! that with 429 and `Connection: close`, so the descriptor is given back at once.
//!
//! Connections are counted when accepted and given back when closed (the count rides in
//! the connection's data, which actix drops with the connection). Behind a trusted proxy
//! every connection comes from the proxy, so the cap is the proxy's job and is off here.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Extensions, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;

use crate::error::Code;
use crate::network;

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
        let key = network::limit_key(ip);
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
        self.open()
            .get(&network::limit_key(ip))
            .copied()
            .unwrap_or(0)
    }
}

/// The server's hook for new connections: counts TCP connections by their peer.
pub fn on_connect(
    counter: Arc<ConnectionCounter>,
) -> impl Fn(&dyn Any, &mut Extensions) + Send + Sync + 'static {
    move |connection, data| {
        if let Some(stream) = connection.downcast_ref::<actix_web::rt::net::TcpStream>()
            && let Ok(peer) = stream.peer_addr()
        {
            data.insert(counter.accept(peer.ip()));
        }
    }
}

/// The middleware: a request on a connection over its network's cap is answered 429 and
/// the connection closed, before anything else runs.
pub async fn refuse_over_cap(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let over = request
        .conn_data::<ConnectionSlot>()
        .is_some_and(|slot| slot.over);
    if !over {
        return next
            .call(request)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    }
    let mut response = crate::http::graphql::refusal(
        Code::RateLimited,
        "too many open connections from your network; close some and try again",
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
        .head_mut()
        .set_connection_type(actix_web::http::ConnectionType::Close);
    Ok(request.into_response(response))
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
