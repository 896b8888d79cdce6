//! Counts of failed sign-ins in Redis, in fixed windows shared by every instance. Keys are
//! hashed so no e-mail address is written to Redis.

use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::cache::StoreError;
use crate::cache::redis_store::RedisStore;

/// Adds one failure and starts the window on the first.
const ADD: &str = r"
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count
";

fn key(store: &RedisStore, name: &str) -> String {
    let digest = Sha256::digest(name.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    store.key(&format!("lt:{hex}"))
}

/// Failures so far and the time left in each key's window.
pub async fn counts(
    store: &RedisStore,
    names: &[String],
) -> Result<Vec<(u32, Duration)>, StoreError> {
    let mut connection = store.connection().await?;
    let keys: Vec<String> = names.iter().map(|n| key(store, n)).collect();
    let mut ttls = redis::pipe();
    for key in &keys {
        ttls.cmd("PTTL").arg(key);
    }
    let (counts, ttls): (Vec<Option<u32>>, Vec<i64>) = store
        .bounded(async {
            let counts: Vec<Option<u32>> = redis::cmd("MGET")
                .arg(&keys)
                .query_async(&mut connection)
                .await?;
            let ttls: Vec<i64> = ttls.query_async(&mut connection).await?;
            Ok((counts, ttls))
        })
        .await?;
    let replies = counts.into_iter().zip(ttls);
    Ok(replies
        .into_iter()
        .map(|(count, ttl)| {
            (
                count.unwrap_or(0),
                Duration::from_millis(u64::try_from(ttl).unwrap_or(0)),
            )
        })
        .collect())
}

/// Adds a failure to each key, starting a window of `window` where none runs.
pub async fn add(store: &RedisStore, names: &[String], window: Duration) -> Result<(), StoreError> {
    let mut connection = store.connection().await?;
    let script = redis::Script::new(ADD);
    let window_ms = u64::try_from(window.as_millis()).unwrap_or(u64::MAX);
    for name in names {
        let mut invocation = script.key(key(store, name));
        invocation.arg(window_ms);
        store
            .bounded(async {
                let _: i64 = invocation.invoke_async(&mut connection).await?;
                Ok(())
            })
            .await?;
    }
    Ok(())
}

/// Forgets a key's failures.
pub async fn clear(store: &RedisStore, name: &str) -> Result<(), StoreError> {
    let mut connection = store.connection().await?;
    let key = key(store, name);
    store
        .bounded(async {
            let _: i64 = redis::cmd("DEL")
                .arg(&key)
                .query_async(&mut connection)
                .await?;
            Ok(())
        })
        .await
}
