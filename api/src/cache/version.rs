//! A data version: a number that every write of one kind of data bumps, so whatever was
//! computed from that data at an older version is known to be stale. With Redis the number
//! is shared, so a write on one instance (or by a command) retires every instance's copies
//! at once; without Redis it lives in the process.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::cache::StoreError;
use crate::cache::redis_store::RedisStore;

pub struct DataVersion {
    /// The Redis key (under the store's prefix) of the shared number.
    name: &'static str,
    local: AtomicU64,
    shared: Option<Arc<RedisStore>>,
}

impl DataVersion {
    pub fn new(name: &'static str, shared: Option<Arc<RedisStore>>) -> Self {
        Self {
            name,
            local: AtomicU64::new(0),
            shared,
        }
    }

    /// The current version, or `None` when it cannot be known (Redis failing): callers then
    /// compute afresh rather than risk a stale answer.
    pub async fn current(&self) -> Option<u64> {
        match &self.shared {
            None => Some(self.local.load(Ordering::Acquire)),
            Some(store) => match store.get::<u64>(self.name).await {
                Ok(version) => Some(version.unwrap_or(0)),
                Err(err) => {
                    err.log("data version unavailable; computing afresh");
                    None
                }
            },
        }
    }

    /// The data changed: nothing computed before may be used again.
    pub async fn bump(&self) {
        self.local.fetch_add(1, Ordering::AcqRel);
        if let Some(store) = &self.shared
            && let Err(err) = shared_bump(store, self.name).await
        {
            // Shared copies expire with their lifetime.
            err.log("could not bump a shared data version");
        }
    }
}

async fn shared_bump(store: &RedisStore, name: &str) -> Result<(), StoreError> {
    let mut connection = store.connection().await?;
    let key = store.key(name);
    store
        .bounded(async {
            let _: u64 = redis::cmd("INCR")
                .arg(&key)
                .query_async(&mut connection)
                .await?;
            Ok(())
        })
        .await
}
