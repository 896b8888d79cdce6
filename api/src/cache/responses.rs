//! Cached answers to anonymous reads. A key is the query's tokens (comments and layout
//! left out, see `cache::document_key`), its variables, the operation name, the language
//! asked for and the current data version; writes to public data bump the version, so
//! every instance stops serving older answers at once. With Redis the answers and the
//! version are shared; without it they live in the process, in a cache bounded by bytes
//! (`RESPONSE_CACHE_MAX_BYTES`) that drops the least used answers first. Answers larger
//! than `RESPONSE_CACHE_MAX_ENTRY_BYTES` are never kept. When Redis fails, reads bypass
//! the cache rather than risk a stale answer.

use std::sync::Arc;
use std::time::Duration;

use moka::sync::Cache;
use sha2::{Digest, Sha256};

use crate::cache::document_key;
use crate::cache::redis_store::RedisStore;
use crate::cache::version::DataVersion;

/// How much the cache may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheBounds {
    /// Bytes of answers kept in the process at most.
    pub max_bytes: u64,
    /// Larger answers are not cached at all.
    pub max_entry_bytes: usize,
}

pub struct ResponseCache {
    shared: Option<Arc<RedisStore>>,
    ttl: Duration,
    max_entry_bytes: usize,
    version: DataVersion,
    local: Cache<String, Arc<Vec<u8>>>,
}

/// What identifies an answer.
pub struct CacheKey<'a> {
    pub query: &'a str,
    pub operation_name: Option<&'a str>,
    pub variables: &'a serde_json::Value,
    pub language: Option<&'a str>,
}

impl ResponseCache {
    pub fn new(shared: Option<Arc<RedisStore>>, ttl: Duration, bounds: CacheBounds) -> Self {
        let local = Cache::builder()
            .max_capacity(bounds.max_bytes)
            .weigher(|key: &String, body: &Arc<Vec<u8>>| {
                u32::try_from(key.len() + body.len()).unwrap_or(u32::MAX)
            })
            .time_to_live(ttl.max(Duration::from_millis(1)))
            .build();
        Self {
            version: DataVersion::new("dv", shared.clone()),
            shared,
            ttl,
            max_entry_bytes: bounds.max_entry_bytes,
            local,
        }
    }

    /// Bytes the process holds (after pending evictions are applied).
    pub fn local_bytes(&self) -> u64 {
        self.local.run_pending_tasks();
        self.local.weighted_size()
    }

    /// The current data version, or `None` when it cannot be known (the cache is bypassed).
    pub async fn version(&self) -> Option<u64> {
        self.version.current().await
    }

    /// The key of an answer at a data version.
    pub fn key(&self, version: u64, key: &CacheKey<'_>) -> String {
        let document = document_key::normalised(key.query);
        let mut hasher = Sha256::new();
        hasher.update(version.to_be_bytes());
        for part in [
            document.as_str(),
            key.operation_name.unwrap_or(""),
            &key.variables.to_string(),
            key.language.unwrap_or(""),
        ] {
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part.as_bytes());
        }
        hex::encode(hasher.finalize())
    }

    /// A cached answer.
    pub async fn get(&self, key: &str) -> Option<Arc<Vec<u8>>> {
        match &self.shared {
            None => self.local.get(key),
            Some(store) => match store.get::<Vec<u8>>(&format!("rc:{key}")).await {
                Ok(body) => body.map(Arc::new),
                Err(err) => {
                    err.log("response cache read failed");
                    None
                }
            },
        }
    }

    /// Keeps an answer for the cache's lifetime.
    pub async fn put(&self, key: &str, body: Vec<u8>) {
        if body.len() > self.max_entry_bytes {
            return;
        }
        match &self.shared {
            None => self.local.insert(key.to_owned(), Arc::new(body)),
            Some(store) => {
                if let Err(err) = store
                    .set_expiring(&format!("rc:{key}"), body, self.ttl)
                    .await
                {
                    err.log("response cache write failed");
                }
            }
        }
    }

    /// Public data changed: no answer from before may be served again.
    pub async fn bump(&self) {
        self.version.bump().await;
        // Keys carry the version, so older answers can no longer be found; this frees them.
        self.local.invalidate_all();
    }
}
