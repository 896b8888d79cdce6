//! The Redis side of the event bus: events go out with `PUBLISH` on one channel, and one
//! task per instance listens on that channel and hands what it hears to the instance's
//! subscribers. When the connection drops, the task connects again with growing pauses.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::broadcast;

use crate::cache::StoreError;
use crate::cache::redis_store::RedisStore;
use crate::events::Event;

/// The channel's name under the key prefix.
const CHANNEL: &str = "events";
/// Longest pause between two attempts to reconnect.
const MAX_PAUSE: Duration = Duration::from_secs(5);

#[derive(Default)]
pub struct RelayState {
    listening: AtomicBool,
}

impl RelayState {
    pub fn listening(&self) -> bool {
        self.listening.load(Ordering::Acquire)
    }
}

/// Publishes an event to every instance.
pub async fn publish(store: &RedisStore, event: &Event) -> Result<(), StoreError> {
    let payload = serde_json::to_string(event)?;
    let mut connection = store.connection().await?;
    let channel = store.key(CHANNEL);
    store
        .bounded(async {
            let _: i64 = redis::cmd("PUBLISH")
                .arg(&channel)
                .arg(&payload)
                .query_async(&mut connection)
                .await?;
            Ok(())
        })
        .await
}

/// Starts the task that relays the channel to this instance's subscribers, for the life of
/// the process.
pub fn spawn(store: Arc<RedisStore>, local: broadcast::Sender<Arc<Event>>, state: Arc<RelayState>) {
    tokio::spawn(async move {
        let first_pause = Duration::from_millis(100);
        let mut pause = first_pause;
        loop {
            let ended = listen(&store, &local, &state).await;
            if state.listening.swap(false, Ordering::AcqRel) {
                // It was connected: the next attempt starts with a short pause again.
                pause = first_pause;
            }
            match ended {
                Ok(()) => tracing::warn!("event relay lost Redis; reconnecting"),
                Err(err) => tracing::warn!(error = %err, "event relay cannot reach Redis"),
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(MAX_PAUSE);
        }
    });
}

/// Relays until the connection ends.
async fn listen(
    store: &RedisStore,
    local: &broadcast::Sender<Arc<Event>>,
    state: &RelayState,
) -> Result<(), StoreError> {
    let mut pubsub = store.pubsub().await?;
    let channel = store.key(CHANNEL);
    store
        .bounded(async { Ok(pubsub.subscribe(&channel).await?) })
        .await?;
    state.listening.store(true, Ordering::Release);
    tracing::info!("event relay listening");
    let mut messages = pubsub.into_on_message();
    while let Some(message) = messages.next().await {
        let Ok(payload) = message.get_payload::<String>() else {
            continue;
        };
        match serde_json::from_str::<Event>(&payload) {
            Ok(event) => {
                let _ = local.send(Arc::new(event));
            }
            // Another version of the platform may publish kinds this one does not know.
            Err(err) => tracing::debug!(error = %err, "ignored an unreadable event"),
        }
    }
    Ok(())
}
