//! Redis and the caches of answers, counts and reference data.

use clap::Args;
use secrecy::SecretString;

/// Redis and the caches of answers, counts and reference data.
#[derive(Debug, Clone, Args)]
pub struct CacheSettings {
    /// Redis server shared by the instances (e.g. `redis://127.0.0.1:6379`); limits are kept
    /// per instance when unset.
    #[arg(long, env = "REDIS_URL", global = true, hide_env_values = true)]
    pub redis_url: Option<SecretString>,

    /// Prefix of every key the platform writes to Redis (several platforms can share one).
    #[arg(long, env = "REDIS_KEY_PREFIX", default_value = "ap:", global = true)]
    pub redis_key_prefix: String,

    /// Milliseconds to wait for Redis before falling back to the process.
    #[arg(long, env = "REDIS_TIMEOUT_MS", default_value_t = 250, global = true)]
    pub redis_timeout_ms: u64,

    /// Redis failures in a row after which it is left alone for `REDIS_BREAKER_COOLDOWN_MS`
    /// (requests take their per-instance fallbacks at once meanwhile).
    #[arg(
        long,
        env = "REDIS_BREAKER_FAILURES",
        default_value_t = 3,
        global = true
    )]
    pub redis_breaker_failures: u32,

    /// Milliseconds the open breaker leaves a failing Redis alone before one call probes it.
    #[arg(
        long,
        env = "REDIS_BREAKER_COOLDOWN_MS",
        default_value_t = 5000,
        global = true
    )]
    pub redis_breaker_cooldown_ms: u64,

    /// Seconds regions and categories are held in memory at most: how long a change made
    /// beside the platform (not through its commands) can stay unseen.
    #[arg(
        long,
        env = "REFERENCE_MAX_AGE_SECS",
        default_value_t = 300,
        global = true
    )]
    pub reference_max_age_secs: u64,

    /// Seconds anonymous catalogue answers are cached (0 turns the cache off).
    #[arg(long, env = "RESPONSE_CACHE_SECS", default_value_t = 60, global = true)]
    pub response_cache_secs: u64,

    /// Bytes of remembered list totals (`totalCount` of public offer lists, per data
    /// version) one instance keeps; the least used are dropped first.
    #[arg(long, env = "COUNT_CACHE_BYTES", default_value_t = 4 * 1024 * 1024, global = true)]
    pub count_cache_bytes: u64,

    /// Bytes of cached answers one instance keeps in memory at most (without Redis); the
    /// least used are dropped first.
    #[arg(long, env = "RESPONSE_CACHE_MAX_BYTES", default_value_t = 64 * 1024 * 1024, global = true)]
    pub response_cache_max_bytes: u64,

    /// Answers larger than this many bytes are never cached.
    #[arg(long, env = "RESPONSE_CACHE_MAX_ENTRY_BYTES", default_value_t = 256 * 1024, global = true)]
    pub response_cache_max_entry_bytes: usize,

    /// `max-age` of anonymous answers to `GET` requests, for browsers, sites and CDNs
    /// (0 sends `no-cache`: they must ask again, and get 304 while nothing changed).
    #[arg(
        long,
        env = "HTTP_CACHE_MAX_AGE_SECS",
        default_value_t = 60,
        global = true
    )]
    pub http_cache_max_age_secs: u64,
}
