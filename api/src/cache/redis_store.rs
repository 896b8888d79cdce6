//! The connection to Redis shared by everything the platform keeps there: made on first use,
//! re-made by the connection manager after failures, every call bounded by a timeout and
//! behind a circuit breaker, and every key under the configured prefix.
//!
//! While Redis is down, every request would otherwise wait out the timeout once or twice
//! before taking its fallback; with the breaker open they take it at once, and one call per
//! cool-down probes whether Redis is back.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use redis::aio::ConnectionManager;
use secrecy::ExposeSecret;
use tokio::sync::OnceCell;

use crate::breaker::{CircuitBreaker, Refusal};
use crate::cache::StoreError;
use crate::config::CacheSettings;

/// How the store guards its calls.
#[derive(Debug, Clone, Copy)]
pub struct StoreLimits {
    /// Longest wait for one call.
    pub timeout: Duration,
    /// Failures in a row that open the breaker.
    pub breaker_failures: u32,
    /// How long the open breaker leaves Redis alone.
    pub breaker_cooldown: Duration,
}

pub struct RedisStore {
    client: redis::Client,
    connection: OnceCell<ConnectionManager>,
    prefix: String,
    timeout: Duration,
    breaker: CircuitBreaker,
}

impl RedisStore {
    /// A store for the server at `url`; nothing is sent until the first call.
    /// The store `REDIS_URL` names, if any (nothing is sent until it is used).
    pub fn configured(settings: &CacheSettings) -> Result<Option<Arc<Self>>, StoreError> {
        let Some(url) = settings
            .redis_url
            .as_ref()
            .map(|url| url.expose_secret().trim())
            .filter(|url| !url.is_empty())
        else {
            return Ok(None);
        };
        let limits = StoreLimits {
            timeout: Duration::from_millis(settings.redis_timeout_ms.max(1)),
            breaker_failures: settings.redis_breaker_failures,
            breaker_cooldown: Duration::from_millis(settings.redis_breaker_cooldown_ms),
        };
        Ok(Some(Arc::new(Self::new(
            url,
            &settings.redis_key_prefix,
            limits,
        )?)))
    }

    pub fn new(url: &str, prefix: &str, limits: StoreLimits) -> Result<Self, StoreError> {
        Ok(Self {
            client: redis::Client::open(url)?,
            connection: OnceCell::new(),
            prefix: prefix.to_owned(),
            timeout: limits.timeout,
            breaker: CircuitBreaker::new("redis", limits.breaker_failures, limits.breaker_cooldown),
        })
    }

    /// Whether the breaker has Redis down as failing.
    pub fn failing(&self) -> bool {
        self.breaker.is_open()
    }

    /// The full name of a key.
    pub fn key(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    /// A connection (a cheap handle to the shared one).
    pub async fn connection(&self) -> Result<ConnectionManager, StoreError> {
        let manager = self
            .bounded(async {
                self.connection
                    .get_or_try_init(|| ConnectionManager::new(self.client.clone()))
                    .await
                    .map_err(StoreError::from)
            })
            .await?;
        Ok(manager.clone())
    }

    /// Runs a call under the timeout and the breaker.
    pub async fn bounded<T>(
        &self,
        call: impl Future<Output = Result<T, StoreError>>,
    ) -> Result<T, StoreError> {
        self.breaker
            .run(self.timeout, call)
            .await
            .map_err(|refusal| match refusal {
                Refusal::Open => StoreError::Unavailable,
                Refusal::TimedOut => StoreError::Timeout,
                Refusal::Failed(err) => err,
            })
    }

    /// The value of a key under the prefix, if it is set.
    pub async fn get<T: redis::FromRedisValue>(&self, name: &str) -> Result<Option<T>, StoreError> {
        let mut connection = self.connection().await?;
        let key = self.key(name);
        self.bounded(async {
            Ok(redis::cmd("GET")
                .arg(&key)
                .query_async(&mut connection)
                .await?)
        })
        .await
    }

    /// Sets a key under the prefix that expires after `ttl` (at least a millisecond).
    pub async fn set_expiring(
        &self,
        name: &str,
        value: impl redis::ToRedisArgs + Send + Sync,
        ttl: Duration,
    ) -> Result<(), StoreError> {
        let mut connection = self.connection().await?;
        let key = self.key(name);
        let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        self.bounded(async {
            let _: () = redis::cmd("SET")
                .arg(&key)
                .arg(value)
                .arg("PX")
                .arg(millis)
                .query_async(&mut connection)
                .await?;
            Ok(())
        })
        .await
    }

    /// A connection of its own for receiving published messages (a subscribed connection
    /// can do nothing else, so it is never the shared one).
    pub async fn pubsub(&self) -> Result<redis::aio::PubSub, StoreError> {
        self.bounded(async { Ok(self.client.get_async_pubsub().await?) })
            .await
    }

    /// Whether Redis answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut connection = self.connection().await?;
        self.bounded(async {
            let _: String = redis::cmd("PING").query_async(&mut connection).await?;
            Ok(())
        })
        .await
    }
}
