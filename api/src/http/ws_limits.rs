//! Limits of subscription connections: how many one instance holds open, and how much a
//! client may send on one. Subscription clients send little (an init, a few subscribe
//! messages, pongs), so a byte allowance that refills slowly is generous for them and stops
//! a client that streams data (oversized messages split into continuation frames, floods).

use std::time::Instant;

use actix_web::error::PayloadError;
use actix_web::web::Bytes;
use futures_util::{Stream, StreamExt, stream};
use tokio::sync::OwnedSemaphorePermit;

/// A token bucket of bytes.
struct Allowance {
    tokens: f64,
    burst: f64,
    per_sec: f64,
    at: Instant,
}

impl Allowance {
    fn take(&mut self, bytes: usize) -> bool {
        let now = Instant::now();
        let refill = now.duration_since(self.at).as_secs_f64() * self.per_sec;
        self.tokens = (self.tokens + refill).min(self.burst);
        self.at = now;
        self.tokens -= bytes as f64;
        self.tokens >= 0.0
    }
}

/// The client's side of a connection, holding its slot for as long as the connection lives
/// and ending it with an error once the client sends more than its allowance.
pub fn limited<S>(
    inbound: S,
    slot: OwnedSemaphorePermit,
    burst_bytes: usize,
    bytes_per_sec: usize,
) -> impl Stream<Item = Result<Bytes, PayloadError>> + 'static
where
    S: Stream<Item = Result<Bytes, PayloadError>> + Unpin + 'static,
{
    let allowance = Allowance {
        tokens: burst_bytes as f64,
        burst: burst_bytes as f64,
        per_sec: bytes_per_sec as f64,
        at: Instant::now(),
    };
    stream::unfold(
        (inbound, allowance, slot, false),
        |(mut inbound, mut allowance, slot, ended)| async move {
            if ended {
                return None;
            }
            let item = match inbound.next().await? {
                Ok(bytes) if allowance.take(bytes.len()) => Ok(bytes),
                Ok(_) => {
                    tracing::info!("subscription connection closed: client sent too much");
                    return Some((
                        Err(PayloadError::Overflow),
                        (inbound, allowance, slot, true),
                    ));
                }
                Err(err) => Err(err),
            };
            Some((item, (inbound, allowance, slot, false)))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_allowance_refills_up_to_its_burst() {
        let mut allowance = Allowance {
            tokens: 100.0,
            burst: 100.0,
            per_sec: 0.0,
            at: Instant::now(),
        };
        assert!(allowance.take(60));
        assert!(allowance.take(40));
        assert!(!allowance.take(1));
    }
}
