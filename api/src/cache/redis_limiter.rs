//! Rate-limit buckets in Redis, shared by every instance: one Lua script reads, refills and
//! takes atomically, on Redis's own clock (so instances' clocks need not agree).

use std::sync::Arc;
use std::time::Duration;

use redis::Script;

use crate::cache::StoreError;
use crate::cache::limiter::{Decision, Limit, RateLimiter};
use crate::cache::redis_store::RedisStore;

/// The token bucket of `limiter::take`, in Lua.
const TAKE: &str = r"
local capacity = tonumber(ARGV[1])
local rate = capacity / 60000
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 't', 'a')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
if now > at then
  tokens = math.min(capacity, tokens + (now - at) * rate)
  at = now
end
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
  wait = math.ceil((capacity - tokens) / rate)
else
  wait = math.max(1, math.ceil((1 - tokens) / rate))
end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'a', tostring(at))
redis.call('PEXPIRE', KEYS[1], 120000)
return {allowed, wait, math.floor(tokens)}
";

pub struct RedisLimiter {
    store: Arc<RedisStore>,
    script: Script,
}

impl RedisLimiter {
    pub fn new(store: Arc<RedisStore>) -> Self {
        Self {
            store,
            script: Script::new(TAKE),
        }
    }
}

#[async_trait::async_trait]
impl RateLimiter for RedisLimiter {
    async fn take(&self, key: &str, limit: Limit) -> Result<Decision, StoreError> {
        let mut connection = self.store.connection().await?;
        let mut invocation = self.script.key(self.store.key(&format!("rl:{key}")));
        invocation.arg(limit.per_minute.max(1));
        // `wait_ms` is the time to a full bucket when allowed, to the next token when not.
        let (allowed, wait_ms, remaining): (i64, i64, i64) = self
            .store
            .bounded(async {
                invocation
                    .invoke_async(&mut connection)
                    .await
                    .map_err(StoreError::from)
            })
            .await?;
        Ok(if allowed == 1 {
            Decision::Allowed {
                remaining: u32::try_from(remaining).unwrap_or(0),
                full_in: Duration::from_millis(u64::try_from(wait_ms).unwrap_or(0)),
            }
        } else {
            Decision::Limited {
                retry_after: Duration::from_millis(u64::try_from(wait_ms).unwrap_or(1)),
            }
        })
    }
}
