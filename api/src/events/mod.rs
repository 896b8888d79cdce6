//! Change events for subscriptions: a write tells the bus what changed (ids and states,
//! never personal data), and every subscriber on every instance hears it. With Redis the
//! bus publishes to one channel that each instance relays to its own subscribers; without
//! Redis, or while Redis is away, events reach the subscribers of the instance that made
//! the change. Events are notices, not a log: a subscriber that was not connected misses
//! them and reads the current state when it comes back.

pub mod publish;
mod relay;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use uuid::Uuid;

use crate::cache::redis_store::RedisStore;

/// Events held for a slow subscriber before it starts missing some.
const SUBSCRIBER_BACKLOG: usize = 1024;

/// Something subscribers may want to know.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Event {
    /// A public offer appeared, changed or left the catalogue.
    #[serde(rename_all = "camelCase")]
    Offer {
        offer_id: Uuid,
        change: OfferChange,
        /// The regions the offer names (subscribers widen their own region instead).
        region_ids: Vec<Uuid>,
    },
    /// A mentoring match changed state.
    #[serde(rename_all = "camelCase")]
    Match { match_id: Uuid, pool_id: Uuid },
}

/// How a public offer changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OfferChange {
    Published,
    Updated,
    Withdrawn,
}

/// Where the events a subscriber hears come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relay {
    /// No Redis: every instance tells its own subscribers.
    Local,
    /// Redis is configured, and nobody has subscribed on this instance yet.
    Idle,
    /// Events of every instance arrive through Redis.
    Listening,
    /// The connection to Redis is being made again; meanwhile only this instance's own
    /// events arrive.
    Reconnecting,
}

impl Relay {
    /// The state's name in `/readyz`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Local => "this instance only",
            Self::Idle => "idle",
            Self::Listening => "shared",
            Self::Reconnecting => "reconnecting",
        }
    }
}

pub struct EventBus {
    local: broadcast::Sender<Arc<Event>>,
    shared: Option<Arc<RedisStore>>,
    relay: Arc<relay::RelayState>,
    relay_started: AtomicBool,
}

impl EventBus {
    pub fn new(shared: Option<Arc<RedisStore>>) -> Self {
        let (local, _) = broadcast::channel(SUBSCRIBER_BACKLOG);
        Self {
            local,
            shared,
            relay: Arc::new(relay::RelayState::default()),
            relay_started: AtomicBool::new(false),
        }
    }

    /// Tells every subscriber of every instance.
    pub async fn publish(&self, event: Event) {
        if let Some(store) = &self.shared {
            match relay::publish(store, &event).await {
                // This instance hears it back through its relay, unless the relay is
                // reconnecting; then it is told here, or its subscribers would miss it.
                Ok(()) if self.relay.listening() => return,
                Ok(()) => {}
                Err(err) => {
                    err.log("could not publish an event to Redis; telling this instance only");
                }
            }
        }
        // No receiver is not an error: nobody is subscribed right now.
        let _ = self.local.send(Arc::new(event));
    }

    /// Every event from now on. With Redis, the first subscription starts the relay.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        if let Some(store) = &self.shared
            && !self.relay_started.swap(true, Ordering::AcqRel)
        {
            relay::spawn(store.clone(), self.local.clone(), self.relay.clone());
        }
        self.local.subscribe()
    }

    /// Whether events from other instances arrive.
    pub fn relay(&self) -> Relay {
        if self.shared.is_none() {
            Relay::Local
        } else if !self.relay_started.load(Ordering::Acquire) {
            Relay::Idle
        } else if self.relay.listening() {
            Relay::Listening
        } else {
            Relay::Reconnecting
        }
    }

    /// Subscribers connected to this instance.
    pub fn subscriber_count(&self) -> usize {
        self.local.receiver_count()
    }
}
