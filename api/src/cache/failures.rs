//! Sign-in attempt counts in Redis, in fixed windows shared by every instance. Keys are
//! hashed so no e-mail address is written to Redis.
//!
//! An attempt is admitted and counted in one script, before its password is checked, so
//! concurrent guesses cannot all pass a check made before any of them was counted.

use std::time::Duration;

use crate::cache::StoreError;
use crate::cache::redis_store::RedisStore;

/// KEYS: the counters; ARGV[1]: the window in ms, ARGV[1 + i]: the limit of KEYS[i].
/// When any counter has reached its limit, nothing is counted and the script returns the
/// milliseconds until that window ends (at least 1); otherwise every counter takes the
/// attempt (the first one starts its window) and the script returns -1.
const ADMIT: &str = r"
local wait = -1
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  if count >= tonumber(ARGV[i + 1]) then
    local left = redis.call('PTTL', key)
    if left < 1 then left = 1 end
    if left > wait then wait = left end
  end
end
if wait > 0 then return wait end
for _, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
end
return -1
";

/// Takes one attempt back from a counter (never below zero).
const REFUND: &str = r"
if redis.call('DECR', KEYS[1]) < 1 then redis.call('DEL', KEYS[1]) end
return 0
";

fn key(store: &RedisStore, name: &str) -> String {
    let digest = crate::digest::sha256_hex(name.as_bytes());
    store.key(&format!("lt:{digest}"))
}

/// Admits and counts an attempt against every `(counter, limit)`; `Some(wait)` when one of
/// them is at its limit (then nothing is counted).
pub async fn admit(
    store: &RedisStore,
    counters: &[(String, u32)],
    window: Duration,
) -> Result<Option<Duration>, StoreError> {
    let mut connection = store.connection().await?;
    let script = redis::Script::new(ADMIT);
    let mut invocation = script.prepare_invoke();
    for (name, _) in counters {
        invocation.key(key(store, name));
    }
    invocation.arg(u64::try_from(window.as_millis()).unwrap_or(u64::MAX));
    for (_, limit) in counters {
        invocation.arg(*limit);
    }
    let wait: i64 = store
        .bounded(async { Ok(invocation.invoke_async(&mut connection).await?) })
        .await?;
    Ok(u64::try_from(wait).ok().map(Duration::from_millis))
}

/// Takes an admitted attempt back from a counter: the sign-in succeeded.
pub async fn refund(store: &RedisStore, name: &str) -> Result<(), StoreError> {
    let mut connection = store.connection().await?;
    let script = redis::Script::new(REFUND);
    let invocation = script.key(key(store, name));
    store
        .bounded(async {
            let _: i64 = invocation.invoke_async(&mut connection).await?;
            Ok(())
        })
        .await
}

/// Forgets a counter.
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
