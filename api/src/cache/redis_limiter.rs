//! Rate-limit buckets in Redis, shared by every instance: one Lua script reads, refills and
//! takes atomically, on Redis's own clock (so instances' clocks need not agree). The
//! connection is made on first use and re-made by the connection manager after failures;
//! every call is bounded by a timeout.

use std::time::Duration;

use redis::Script;
use redis::aio::ConnectionManager;
use tokio::sync::OnceCell;

use crate::cache::StoreError;
use crate::cache::limiter::{Decision, Limit, RateLimiter};

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
else
  wait = math.max(1, math.ceil((1 - tokens) / rate))
end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'a', tostring(at))
redis.call('PEXPIRE', KEYS[1], 120000)
return {allowed, wait}
";

pub struct RedisLimiter {
    client: redis::Client,
    connection: OnceCell<ConnectionManager>,
    script: Script,
    prefix: String,
    timeout: Duration,
}

impl RedisLimiter {
    /// A limiter for the server at `url`; nothing is sent until the first request.
    pub fn new(url: &str, prefix: &str, timeout: Duration) -> Result<Self, StoreError> {
        Ok(Self {
            client: redis::Client::open(url)?,
            connection: OnceCell::new(),
            script: Script::new(TAKE),
            prefix: prefix.to_owned(),
            timeout,
        })
    }

    async fn connection(&self) -> Result<ConnectionManager, StoreError> {
        let manager = tokio::time::timeout(
            self.timeout,
            self.connection
                .get_or_try_init(|| ConnectionManager::new(self.client.clone())),
        )
        .await
        .map_err(|_| StoreError::Timeout)??;
        Ok(manager.clone())
    }
}

#[async_trait::async_trait]
impl RateLimiter for RedisLimiter {
    async fn take(&self, key: &str, limit: Limit) -> Result<Decision, StoreError> {
        let mut connection = self.connection().await?;
        let key = format!("{}rl:{key}", self.prefix);
        let mut invocation = self.script.key(key);
        invocation.arg(limit.per_minute.max(1));
        let (allowed, wait_ms): (i64, i64) =
            tokio::time::timeout(self.timeout, invocation.invoke_async(&mut connection))
                .await
                .map_err(|_| StoreError::Timeout)??;
        Ok(if allowed == 1 {
            Decision::Allowed
        } else {
            Decision::Limited {
                retry_after: Duration::from_millis(u64::try_from(wait_ms).unwrap_or(1)),
            }
        })
    }
}
