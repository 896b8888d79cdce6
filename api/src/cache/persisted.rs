//! Documents clients persisted automatically (the APQ protocol): the text of a query, found
//! by the SHA-256 of that text. With Redis they are shared by every instance, so a client
//! that registered a hash on one instance can send only the hash to the next; each process
//! also keeps the documents it used last, bounded by bytes and dropping the least used
//! first. A document is named by its own hash, so a copy can never be stale: what may
//! differ between the two stores is only whether it is there.

use std::sync::Arc;
use std::time::Duration;

use moka::sync::Cache;

use crate::cache::redis_store::RedisStore;

/// The lower-case hex SHA-256 of a document, as clients compute it.
pub fn sha256_hex(document: &str) -> String {
    crate::digest::sha256_hex(document.as_bytes())
}

/// Whether `text` can be a SHA-256 in hex.
pub fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

pub struct PersistedQueries {
    shared: Option<Arc<RedisStore>>,
    ttl: Duration,
    local: Cache<String, Arc<str>>,
}

impl PersistedQueries {
    /// A store keeping up to `max_bytes` of documents in the process and, with Redis, each
    /// document for `ttl` after it was last stored there.
    pub fn new(shared: Option<Arc<RedisStore>>, ttl: Duration, max_bytes: u64) -> Self {
        let local = Cache::builder()
            .max_capacity(max_bytes)
            .weigher(|hash: &String, document: &Arc<str>| {
                u32::try_from(hash.len() + document.len()).unwrap_or(u32::MAX)
            })
            .build();
        Self { shared, ttl, local }
    }

    /// The document with this hash, if any store holds it.
    pub async fn get(&self, hash: &str) -> Option<Arc<str>> {
        if let Some(document) = self.local_get(hash) {
            return Some(document);
        }
        let store = self.shared.as_ref()?;
        match store.get::<String>(&format!("pq:{hash}")).await {
            Ok(Some(document)) => {
                let document: Arc<str> = document.into();
                self.remember(hash, document.clone());
                Some(document)
            }
            Ok(None) => None,
            Err(err) => {
                // The client will send the full text again; nothing is lost.
                err.log("persisted query store unavailable");
                None
            }
        }
    }

    /// Stores a document under its hash (the caller has checked that they match).
    pub async fn put(&self, hash: &str, document: &str) {
        self.remember(hash, document.into());
        if let Some(store) = &self.shared
            && let Err(err) = store
                .set_expiring(&format!("pq:{hash}"), document, self.ttl)
                .await
        {
            err.log("could not share a persisted query");
        }
    }

    /// Keeps a document in the process only (a registered one, read from the database).
    pub fn remember(&self, hash: &str, document: Arc<str>) {
        self.local.insert(hash.to_owned(), document);
    }

    fn local_get(&self, hash: &str) -> Option<Arc<str>> {
        self.local.get(hash)
    }

    /// Bytes the process holds (after pending evictions are applied).
    pub fn local_bytes(&self) -> u64 {
        self.local.run_pending_tasks();
        self.local.weighted_size()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_like_clients_do() {
        assert_eq!(
            sha256_hex("{ __typename }"),
            "7f56e67dd21ab3f30d1ff8b7bed08893f0a0db86449836189b361dd1e56ddb4b"
        );
        assert!(is_sha256_hex(&sha256_hex("x")));
        assert!(!is_sha256_hex("abc"));
        assert!(!is_sha256_hex(&"g".repeat(64)));
    }

    #[tokio::test]
    async fn the_process_keeps_documents_up_to_its_bytes() {
        // Each entry weighs its 64-character hash and its text.
        let store = PersistedQueries::new(None, Duration::from_secs(60), 3 * (64 + 200));
        for i in 0..50 {
            let document = format!("{{ a{i:0>195} }}");
            store.put(&sha256_hex(&document), &document).await;
        }
        assert!(store.local_bytes() <= 3 * (64 + 200));
        let kept = store.local.iter().count();
        assert!((1..=3).contains(&kept), "{kept} documents kept");
    }
}
