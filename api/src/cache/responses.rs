//! Cached answers to anonymous reads. A key is the query (whitespace folded), its
//! variables, the operation name, the language asked for and the current data version;
//! writes to public data bump the version, so every instance stops serving older answers at
//! once. With Redis the answers and the version are shared; without it they live in the
//! process. When Redis fails, reads bypass the cache rather than risk a stale answer.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::cache::StoreError;
use crate::cache::redis_store::RedisStore;

/// Answers kept in the process at most.
const MAX_LOCAL_ENTRIES: usize = 10_000;
/// Larger answers are not cached.
const MAX_BODY_BYTES: usize = 1_000_000;

/// Answers kept in the process: when each expires, and the body.
type LocalAnswers = HashMap<String, (Instant, Arc<Vec<u8>>)>;

pub struct ResponseCache {
    shared: Option<Arc<RedisStore>>,
    ttl: Duration,
    local_version: AtomicU64,
    local: Mutex<LocalAnswers>,
}

/// What identifies an answer.
pub struct CacheKey<'a> {
    pub query: &'a str,
    pub operation_name: Option<&'a str>,
    pub variables: &'a serde_json::Value,
    pub language: Option<&'a str>,
}

impl ResponseCache {
    pub fn new(shared: Option<Arc<RedisStore>>, ttl: Duration) -> Self {
        Self {
            shared,
            ttl,
            local_version: AtomicU64::new(0),
            local: Mutex::new(HashMap::new()),
        }
    }

    /// The current data version, or `None` when it cannot be known (the cache is bypassed).
    pub async fn version(&self) -> Option<u64> {
        match &self.shared {
            None => Some(self.local_version.load(Ordering::Acquire)),
            Some(store) => match shared_version(store).await {
                Ok(version) => Some(version),
                Err(err) => {
                    tracing::warn!(error = %err, "response cache unavailable; answering afresh");
                    None
                }
            },
        }
    }

    /// The key of an answer at a data version.
    pub fn key(&self, version: u64, key: &CacheKey<'_>) -> String {
        let folded: Vec<&str> = key.query.split_whitespace().collect();
        let mut hasher = Sha256::new();
        hasher.update(version.to_be_bytes());
        for part in [
            folded.join(" ").as_str(),
            key.operation_name.unwrap_or(""),
            &key.variables.to_string(),
            key.language.unwrap_or(""),
        ] {
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part.as_bytes());
        }
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// A cached answer.
    pub async fn get(&self, key: &str) -> Option<Arc<Vec<u8>>> {
        match &self.shared {
            None => {
                let local = self.local.lock().ok()?;
                local
                    .get(key)
                    .filter(|(expires, _)| *expires > Instant::now())
                    .map(|(_, body)| body.clone())
            }
            Some(store) => match store.get::<Vec<u8>>(&format!("rc:{key}")).await {
                Ok(body) => body.map(Arc::new),
                Err(err) => {
                    tracing::warn!(error = %err, "response cache read failed");
                    None
                }
            },
        }
    }

    /// Keeps an answer for the cache's lifetime.
    pub async fn put(&self, key: &str, body: Vec<u8>) {
        if body.len() > MAX_BODY_BYTES {
            return;
        }
        match &self.shared {
            None => {
                let Ok(mut local) = self.local.lock() else {
                    return;
                };
                let now = Instant::now();
                if local.len() >= MAX_LOCAL_ENTRIES {
                    local.retain(|_, (expires, _)| *expires > now);
                    if local.len() >= MAX_LOCAL_ENTRIES {
                        local.clear();
                    }
                }
                local.insert(key.to_owned(), (now + self.ttl, Arc::new(body)));
            }
            Some(store) => {
                if let Err(err) = store
                    .set_expiring(&format!("rc:{key}"), body, self.ttl)
                    .await
                {
                    tracing::warn!(error = %err, "response cache write failed");
                }
            }
        }
    }

    /// Public data changed: no answer from before may be served again.
    pub async fn bump(&self) {
        self.local_version.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut local) = self.local.lock() {
            local.clear();
        }
        if let Some(store) = &self.shared
            && let Err(err) = shared_bump(store).await
        {
            // Answers cached under the old version expire with their lifetime.
            tracing::warn!(error = %err, "could not bump the shared data version");
        }
    }
}

async fn shared_version(store: &RedisStore) -> Result<u64, StoreError> {
    Ok(store.get::<u64>("dv").await?.unwrap_or(0))
}

async fn shared_bump(store: &RedisStore) -> Result<(), StoreError> {
    let mut connection = store.connection().await?;
    let key = store.key("dv");
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
