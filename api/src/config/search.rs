//! The search engines (embedded or Meilisearch), the indexer and the guard around them.

use clap::Args;
use secrecy::SecretString;
use std::path::PathBuf;

/// The search engines (embedded or Meilisearch), the indexer and the guard around them.
#[derive(Debug, Clone, Args)]
pub struct SearchSettings {
    /// Searches the embedded engine runs at once (0: one per core); the others wait. More
    /// than the cores adds threads and the memory each keeps, not throughput.
    #[arg(long, env = "SEARCH_THREADS", default_value_t = 0, global = true)]
    pub search_threads: usize,

    /// Directory of the embedded search index; `<data dir>/search` when unset.
    #[arg(long, env = "SEARCH_DIR", global = true)]
    pub search_dir: Option<PathBuf>,

    /// Meilisearch server to search with (e.g. `http://127.0.0.1:7700`); the embedded engine
    /// is used when unset.
    #[arg(long, env = "MEILI_URL", global = true)]
    pub meili_url: Option<String>,

    /// API key for Meilisearch (an admin key: the platform creates its index and settings).
    #[arg(long, env = "MEILI_API_KEY", global = true, hide_env_values = true)]
    pub meili_api_key: Option<SecretString>,

    /// Name of the Meilisearch index holding the offers.
    #[arg(long, env = "MEILI_INDEX", default_value = "offers", global = true)]
    pub meili_index: String,

    /// Seconds to wait for Meilisearch to finish a write before the batch counts as failed
    /// (and is retried).
    #[arg(
        long,
        env = "MEILI_TASK_TIMEOUT_SECS",
        default_value_t = 60,
        global = true
    )]
    pub meili_task_timeout_secs: u64,

    /// Most hits Meilisearch counts exactly for one search (its `maxTotalHits`).
    #[arg(
        long,
        env = "MEILI_MAX_TOTAL_HITS",
        default_value_t = 100_000,
        global = true
    )]
    pub meili_max_total_hits: usize,

    /// Outbox rows the search indexer applies per batch.
    #[arg(long, env = "SEARCH_BATCH_SIZE", default_value_t = 500, global = true)]
    pub search_batch_size: u64,

    /// Offers read and sent per batch when the whole index is rebuilt (`reindex`, or an
    /// empty index at start). Larger than the outbox's batches: a rebuild is throughput,
    /// not latency (82,000 offers into Meilisearch: 63 s with 500, 48 s with 2,000).
    #[arg(
        long,
        env = "REINDEX_BATCH_SIZE",
        default_value_t = 2000,
        global = true
    )]
    pub reindex_batch_size: u64,

    /// Milliseconds the search indexer waits when the outbox is empty.
    #[arg(
        long,
        env = "SEARCH_INTERVAL_MS",
        default_value_t = 1000,
        global = true
    )]
    pub search_interval_ms: u64,

    /// Milliseconds to wait for the search engine before answering from the database.
    #[arg(long, env = "SEARCH_TIMEOUT_MS", default_value_t = 2000, global = true)]
    pub search_timeout_ms: u64,

    /// Engine failures in a row after which search answers from the database for a while.
    #[arg(
        long,
        env = "SEARCH_BREAKER_FAILURES",
        default_value_t = 5,
        global = true
    )]
    pub search_breaker_failures: u32,

    /// Seconds search answers from the database once the breaker has opened.
    #[arg(
        long,
        env = "SEARCH_BREAKER_COOLDOWN_SECS",
        default_value_t = 30,
        global = true
    )]
    pub search_breaker_cooldown_secs: u64,

    /// Longest search text, in characters.
    #[arg(
        long,
        env = "SEARCH_MAX_QUERY_CHARS",
        default_value_t = 200,
        global = true
    )]
    pub search_max_query_chars: usize,

    /// Seconds between two writes of the words of searches that found nothing (they are
    /// counted in memory meanwhile).
    #[arg(
        long,
        env = "SEARCH_MISS_WRITE_SECS",
        default_value_t = 60,
        global = true
    )]
    pub search_miss_write_secs: u64,

    /// Distinct words of searches that found nothing held in memory between two writes;
    /// more are not counted.
    #[arg(
        long,
        env = "SEARCH_MISS_MAX_WORDS",
        default_value_t = 10_000,
        global = true
    )]
    pub search_miss_max_words: usize,

    /// Months the counts of words that found nothing are kept.
    #[arg(long, env = "SEARCH_MISS_MONTHS", default_value_t = 13, global = true)]
    pub search_miss_months: u32,
}
