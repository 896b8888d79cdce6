//! Command line and environment settings (clap), with safe defaults for the embedded mode.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use secrecy::SecretString;

/// The Angebotsplattform server and its maintenance commands.
#[derive(Debug, Parser)]
#[command(name = "angebotsplattform", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to do; without a subcommand the server starts.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate, load reference data (and demo data into an empty database), then serve.
    Serve,
    /// Apply pending migrations and load reference data, then exit.
    Migrate,
    /// Generate deterministic demo data (providers, offers, mentors, requests).
    SeedDemo(SeedDemoArgs),
    /// Load or update regions from a CSV file (see README for the columns).
    ImportRegions {
        /// The CSV file to read.
        file: PathBuf,
    },
    /// Import a file of offers into a provider (see README: "Importing and exporting
    /// offers"). Exits with an error, writing nothing, when any row is invalid.
    ImportOffers(ImportOffersArgs),
    /// Export offers as a file that `import-offers` takes back unchanged.
    ExportOffers(ExportOffersArgs),
    /// Rebuild the search index from the database (the server must be stopped when the
    /// index is the embedded one).
    Reindex,
    /// Create an administrator account; the password is read from standard input.
    CreateAdmin {
        /// The administrator's e-mail address (the sign-in name).
        #[arg(long)]
        email: String,
        /// The name shown in the audit log and to other staff.
        #[arg(long, default_value = "Administrator")]
        name: String,
    },
    /// Print the GraphQL schema (SDL) to standard output or write it to a file.
    ExportSchema {
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// The shape of an offer file on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FileFormat {
    Csv,
    Json,
}

/// What `import-offers` reads and how.
#[derive(Debug, Clone, Args)]
pub struct ImportOffersArgs {
    /// The provider's id (as the API gives it, or its UUID).
    #[arg(long)]
    pub provider: String,
    /// The file to read.
    pub file: PathBuf,
    /// The file's shape; by default taken from its extension (`.csv`, `.json`).
    #[arg(long, value_enum)]
    pub format: Option<FileFormat>,
    /// Report what would change; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Archive the provider's offers that the file does not list.
    #[arg(long)]
    pub archive_missing: bool,
}

/// What `export-offers` writes.
#[derive(Debug, Clone, Args)]
pub struct ExportOffersArgs {
    /// The provider's id (as the API gives it, or its UUID); without it, every provider's
    /// offers.
    #[arg(long)]
    pub provider: Option<String>,
    /// The file's shape.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: FileFormat,
    /// Write to this file instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Archived offers too.
    #[arg(long)]
    pub include_archived: bool,
}

/// How much demo data to generate.
#[derive(Debug, Clone, Args)]
pub struct SeedDemoArgs {
    /// Number of offers.
    #[arg(long, default_value_t = 500)]
    pub offers: u32,
    /// Number of mentors, spread over the mentoring pools.
    #[arg(long, default_value_t = 60)]
    pub mentors: u32,
    /// Number of open mentoring requests, spread over the mentoring pools.
    #[arg(long, default_value_t = 30)]
    pub requests: u32,
    /// Seed of the generator: the same seed gives the same data.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
}

/// Whether the server runs as a local, embedded installation or in production.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    /// Local defaults: readable logs, GraphiQL and introspection on.
    Development,
    /// Production: JSON logs, introspection off unless asked for.
    Production,
}

/// How access tokens are signed. The algorithm is fixed here, never taken from a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum JwtAlgorithm {
    /// HMAC with SHA-256 and a shared secret (`JWT_SECRET`).
    #[value(name = "HS256")]
    Hs256,
    /// Ed25519 signatures with a PEM key pair.
    #[value(name = "EdDSA")]
    EdDsa,
    /// RSA PKCS#1 v1.5 with SHA-256 and a PEM key pair.
    #[value(name = "RS256")]
    Rs256,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Settings shared by every command. Each one is a flag and an environment variable.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Address and port to listen on.
    #[arg(
        long = "listen",
        env = "LISTEN_ADDR",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub listen_addr: SocketAddr,

    /// Directory for the embedded database, search index and generated secrets.
    #[arg(long, env = "DATA_DIR", default_value = "./data", global = true)]
    pub data_dir: PathBuf,

    /// Database URL (`postgres://…` or `sqlite://…`); the embedded SQLite file under the data
    /// directory when unset.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,

    /// Largest number of pooled database connections (0: by engine, 16 for PostgreSQL and
    /// four per core for SQLite, whose reads use the CPU, not the network: more connections
    /// only hold more page caches and threads).
    #[arg(long, env = "DB_MAX_CONNECTIONS", default_value_t = 0, global = true)]
    pub db_max_connections: u32,

    /// SQLite: bytes of the database file each connection reads through a memory map
    /// (0: reads with `pread`). Off by default: the mapped pages count in the process's
    /// resident memory (1.65 GiB peak over the benchmark suite with 1 GiB mapped), which
    /// container limits and monitors take for the server's own.
    #[arg(long, env = "SQLITE_MMAP_BYTES", default_value_t = 0, global = true)]
    pub sqlite_mmap_bytes: u64,

    /// SQLite: KiB of page cache per connection (pages written and those beyond the map).
    #[arg(
        long,
        env = "SQLITE_CACHE_KIB",
        default_value_t = 4 * 1024,
        global = true
    )]
    pub sqlite_cache_kib: u32,

    /// Seconds to wait for a database connection before giving up.
    #[arg(
        long,
        env = "DB_CONNECT_TIMEOUT_SECS",
        default_value_t = 5,
        global = true
    )]
    pub db_connect_timeout_secs: u64,

    /// Development or production behaviour.
    #[arg(long, env = "APP_MODE", value_enum, default_value_t = Mode::Development, global = true)]
    pub mode: Mode,

    /// Log format; text in development and JSON in production when unset.
    #[arg(long, env = "LOG_FORMAT", value_enum, global = true)]
    pub log_format: Option<LogFormat>,

    /// Where to send traces, by OTLP over HTTP (protobuf): a collector or agent such as
    /// `http://localhost:4318`; spans go to `<endpoint>/v1/traces`. Unset: no export.
    #[arg(long, env = "OTEL_EXPORTER_OTLP_ENDPOINT", global = true)]
    pub otel_exporter_otlp_endpoint: Option<String>,

    /// The `service.name` the exported traces carry.
    #[arg(
        long,
        env = "OTEL_SERVICE_NAME",
        default_value = "angebotsplattform",
        global = true
    )]
    pub otel_service_name: String,

    /// Largest page a connection field hands out (`first` / `last`).
    #[arg(long, env = "MAX_PAGE_SIZE", default_value_t = 100, global = true)]
    pub max_page_size: u32,

    /// Deepest nesting of fields a query may have.
    #[arg(long, env = "MAX_QUERY_DEPTH", default_value_t = 15, global = true)]
    pub max_query_depth: usize,

    /// Largest query cost; a connection field costs its page size times what it selects.
    #[arg(
        long,
        env = "MAX_QUERY_COMPLEXITY",
        default_value_t = 20_000,
        global = true
    )]
    pub max_query_complexity: usize,

    /// Most aliases in one query.
    #[arg(long, env = "MAX_QUERY_ALIASES", default_value_t = 50, global = true)]
    pub max_query_aliases: usize,

    /// Most directives on one field.
    #[arg(
        long,
        env = "MAX_QUERY_DIRECTIVES",
        default_value_t = 10,
        global = true
    )]
    pub max_query_directives: usize,

    /// Longest query text, in bytes.
    #[arg(long, env = "MAX_QUERY_BYTES", default_value_t = 32 * 1024, global = true)]
    pub max_query_bytes: usize,

    /// Most items in any list a request gives as input (filters, ids).
    #[arg(long, env = "MAX_LIST_ITEMS", default_value_t = 500, global = true)]
    pub max_list_items: usize,

    /// Largest request body, in bytes.
    #[arg(long, env = "MAX_BODY_BYTES", default_value_t = 1024 * 1024, global = true)]
    pub max_body_bytes: usize,

    /// Seconds a GraphQL request may run before it is stopped.
    #[arg(
        long,
        env = "REQUEST_TIMEOUT_SECS",
        default_value_t = 15,
        global = true
    )]
    pub request_timeout_secs: u64,

    /// Seconds one SQL statement may run (PostgreSQL; SQLite statements end with the request).
    #[arg(
        long,
        env = "DB_STATEMENT_TIMEOUT_SECS",
        default_value_t = 10,
        global = true
    )]
    pub db_statement_timeout_secs: u64,

    /// Answer introspection queries and suggest field names in errors; on in development and
    /// off in production when unset.
    #[arg(long, env = "INTROSPECTION", action = clap::ArgAction::Set, global = true)]
    pub introspection: Option<bool>,

    /// Serve the GraphiQL page on `GET /graphql`; on in development and off in production
    /// when unset.
    #[arg(long, env = "GRAPHIQL", action = clap::ArgAction::Set, global = true)]
    pub graphiql: Option<bool>,

    /// Algorithm of access tokens.
    #[arg(long, env = "JWT_ALGORITHM", value_enum, default_value_t = JwtAlgorithm::Hs256, global = true)]
    pub jwt_algorithm: JwtAlgorithm,

    /// HS256 signing secret (at least 32 bytes). In development a random one is generated
    /// once and kept in the data directory; in production it must be set.
    #[arg(long, env = "JWT_SECRET", global = true, hide_env_values = true)]
    pub jwt_secret: Option<SecretString>,

    /// PEM private key that signs tokens (EdDSA or RS256).
    #[arg(long, env = "JWT_PRIVATE_KEY_FILE", global = true)]
    pub jwt_private_key_file: Option<PathBuf>,

    /// PEM public key of the signing key (EdDSA or RS256), to verify the tokens it signs.
    #[arg(long, env = "JWT_PUBLIC_KEY_FILE", global = true)]
    pub jwt_public_key_file: Option<PathBuf>,

    /// Key id (`kid`) written into new tokens; derived from the key when unset.
    #[arg(long, env = "JWT_KEY_ID", global = true)]
    pub jwt_key_id: Option<String>,

    /// Further keys that still verify tokens, as `kid=FILE` (a PEM public key, or a file
    /// holding an HS256 secret), comma-separated: keys being rotated out.
    #[arg(long, env = "JWT_VERIFY_KEYS", value_delimiter = ',', global = true)]
    pub jwt_verify_keys: Vec<String>,

    /// `iss` of access tokens.
    #[arg(
        long,
        env = "JWT_ISSUER",
        default_value = "angebotsplattform",
        global = true
    )]
    pub jwt_issuer: String,

    /// `aud` of access tokens.
    #[arg(
        long,
        env = "JWT_AUDIENCE",
        default_value = "angebotsplattform-api",
        global = true
    )]
    pub jwt_audience: String,

    /// Seconds of clock difference tolerated on `exp` and `nbf` (at most 30).
    #[arg(long, env = "JWT_LEEWAY_SECS", default_value_t = 30, global = true)]
    pub jwt_leeway_secs: u64,

    /// Lifetime of an access token, in seconds.
    #[arg(
        long,
        env = "ACCESS_TOKEN_TTL_SECS",
        default_value_t = 900,
        global = true
    )]
    pub access_token_ttl_secs: u64,

    /// Lifetime of a refresh token (a sign-in), in days.
    #[arg(
        long,
        env = "REFRESH_TOKEN_TTL_DAYS",
        default_value_t = 30,
        global = true
    )]
    pub refresh_token_ttl_days: u32,

    /// Hours an invitation can be accepted.
    #[arg(
        long,
        env = "INVITATION_TTL_HOURS",
        default_value_t = 168,
        global = true
    )]
    pub invitation_ttl_hours: u32,

    /// Shortest password a staff account may choose.
    #[arg(long, env = "PASSWORD_MIN_LENGTH", default_value_t = 12, global = true)]
    pub password_min_length: usize,

    /// Password hashes computed at once (each takes 19 MiB and a core); 0 means one per CPU.
    #[arg(
        long,
        env = "PASSWORD_HASH_CONCURRENCY",
        default_value_t = 0,
        global = true
    )]
    pub password_hash_concurrency: usize,

    /// Failed sign-ins for one account within the throttle window before it is locked.
    #[arg(
        long,
        env = "LOGIN_MAX_FAILURES_PER_ACCOUNT",
        default_value_t = 5,
        global = true
    )]
    pub login_max_failures_per_account: u32,

    /// Failed sign-ins from one network address within the throttle window before it is
    /// locked.
    #[arg(
        long,
        env = "LOGIN_MAX_FAILURES_PER_ADDRESS",
        default_value_t = 30,
        global = true
    )]
    pub login_max_failures_per_address: u32,

    /// Length of the sign-in throttle window, in seconds.
    #[arg(
        long,
        env = "LOGIN_THROTTLE_WINDOW_SECS",
        default_value_t = 900,
        global = true
    )]
    pub login_throttle_window_secs: u64,

    /// Take the client address from `Forwarded` / `X-Forwarded-For` (only behind a proxy that
    /// sets them; otherwise clients could pick their own address and dodge throttling).
    #[arg(long, env = "TRUST_FORWARDED_HEADERS", default_value_t = false, action = clap::ArgAction::Set, global = true)]
    pub trust_forwarded_headers: bool,

    /// Seconds between runs of the job that archives offers past their end date.
    #[arg(
        long,
        env = "EXPIRY_INTERVAL_SECS",
        default_value_t = 300,
        global = true
    )]
    pub expiry_interval_secs: u64,

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

    /// Days a closed mentoring request keeps its personal data before it is anonymised.
    #[arg(
        long,
        env = "MENTORING_RETENTION_DAYS",
        default_value_t = 365,
        global = true
    )]
    pub mentoring_retention_days: u32,

    /// Seconds between runs of the job that anonymises closed requests past retention.
    #[arg(
        long,
        env = "RETENTION_INTERVAL_SECS",
        default_value_t = 3600,
        global = true
    )]
    pub retention_interval_secs: u64,

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

    /// Seconds an instance may serve a sign-in (live, with its account's role and scopes)
    /// from memory without asking the database. Sign-outs on the instance are seen at once;
    /// with Redis, those on other instances too, otherwise within these seconds. 0 asks the
    /// database on every request.
    #[arg(long, env = "SESSION_CACHE_SECS", default_value_t = 30, global = true)]
    pub session_cache_secs: u64,

    /// Seconds regions and categories are held in memory at most: how long a change made
    /// beside the platform (not through its commands) can stay unseen.
    #[arg(
        long,
        env = "REFERENCE_MAX_AGE_SECS",
        default_value_t = 300,
        global = true
    )]
    pub reference_max_age_secs: u64,

    /// Sign-ins one instance remembers at most (see `SESSION_CACHE_SECS`).
    #[arg(
        long,
        env = "SESSION_CACHE_SIGN_INS",
        default_value_t = 100_000,
        global = true
    )]
    pub session_cache_sign_ins: u64,

    /// Seconds anonymous catalogue answers are cached (0 turns the cache off).
    #[arg(long, env = "RESPONSE_CACHE_SECS", default_value_t = 60, global = true)]
    pub response_cache_secs: u64,

    /// Bytes of remembered list totals (`totalCount` of public offer lists, per data
    /// version) one instance keeps; the least used are dropped first.
    #[arg(long, env = "COUNT_CACHE_BYTES", default_value_t = 4 * 1024 * 1024, global = true)]
    pub count_cache_bytes: u64,

    /// Mentors whose matching profiles one instance holds in memory for rankings, over
    /// every pool; the least used pools are dropped first.
    #[arg(
        long,
        env = "MENTOR_PROFILE_CACHE_MENTORS",
        default_value_t = 100_000,
        global = true
    )]
    pub mentor_profile_cache_mentors: u64,

    /// Seconds a pool's held mentor profiles are used at most. Writes through the platform
    /// replace them at once; this bounds how long a change made beside it (by hand in the
    /// database, or by a command without Redis) stays unseen by rankings.
    #[arg(
        long,
        env = "MENTOR_PROFILE_MAX_AGE_SECS",
        default_value_t = 300,
        global = true
    )]
    pub mentor_profile_max_age_secs: u64,

    /// Bytes of cached answers one instance keeps in memory at most (without Redis); the
    /// least used are dropped first.
    #[arg(long, env = "RESPONSE_CACHE_MAX_BYTES", default_value_t = 64 * 1024 * 1024, global = true)]
    pub response_cache_max_bytes: u64,

    /// Answers larger than this many bytes are never cached.
    #[arg(long, env = "RESPONSE_CACHE_MAX_ENTRY_BYTES", default_value_t = 256 * 1024, global = true)]
    pub response_cache_max_entry_bytes: usize,

    /// Accept automatic persisted queries: a client may send a query's SHA-256 alone once it
    /// has sent the text with it. Registered operations are answered by hash either way.
    #[arg(long, env = "AUTOMATIC_PERSISTED_QUERIES", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub automatic_persisted_queries: bool,

    /// Seconds an automatically persisted query is kept in Redis after it was last sent
    /// (a client whose text expired sends it once more).
    #[arg(
        long,
        env = "PERSISTED_QUERY_TTL_SECS",
        default_value_t = 24 * 3600,
        global = true
    )]
    pub persisted_query_ttl_secs: u64,

    /// Bytes of persisted query texts each instance keeps in memory; the least used are
    /// dropped first.
    #[arg(
        long,
        env = "PERSISTED_QUERY_CACHE_BYTES",
        default_value_t = 16 * 1024 * 1024,
        global = true
    )]
    pub persisted_query_cache_bytes: u64,

    /// Longest query text a client may persist automatically, in bytes.
    #[arg(
        long,
        env = "PERSISTED_QUERY_MAX_BYTES",
        default_value_t = 16 * 1024,
        global = true
    )]
    pub persisted_query_max_bytes: usize,

    /// New query texts one client network may persist per minute (beyond: 429).
    #[arg(
        long,
        env = "PERSISTED_QUERIES_PER_MINUTE",
        default_value_t = 60,
        global = true
    )]
    pub persisted_queries_per_minute: u32,

    /// `max-age` of anonymous answers to `GET` requests, for browsers, sites and CDNs
    /// (0 sends `no-cache`: they must ask again, and get 304 while nothing changed).
    #[arg(
        long,
        env = "HTTP_CACHE_MAX_AGE_SECS",
        default_value_t = 60,
        global = true
    )]
    pub http_cache_max_age_secs: u64,

    /// Requests per minute from one network address (a minute's worth may come at once).
    #[arg(
        long,
        env = "RATE_LIMIT_PER_ADDRESS",
        default_value_t = 600,
        global = true
    )]
    pub rate_limit_per_address: u32,

    /// Requests per minute for one API key, unless the key has its own limit.
    #[arg(
        long,
        env = "RATE_LIMIT_PER_KEY",
        default_value_t = 6000,
        global = true
    )]
    pub rate_limit_per_key: u32,

    /// Seconds to let requests in flight, then background jobs, finish after SIGTERM.
    #[arg(
        long,
        env = "SHUTDOWN_TIMEOUT_SECS",
        default_value_t = 30,
        global = true
    )]
    pub shutdown_timeout_secs: u64,

    /// Milliseconds a client has to send a request's head once connected (slow clients are
    /// answered 408 and disconnected).
    #[arg(
        long,
        env = "CLIENT_HEADER_TIMEOUT_MS",
        default_value_t = 5000,
        global = true
    )]
    pub client_header_timeout_ms: u64,

    /// Milliseconds a client has to send a request's whole body once its head arrived (slow
    /// clients are answered 408 and disconnected); signed-in staff sending offer files have
    /// `IMPORT_TIMEOUT_SECS`.
    #[arg(
        long,
        env = "CLIENT_BODY_TIMEOUT_MS",
        default_value_t = 10_000,
        global = true
    )]
    pub client_body_timeout_ms: u64,

    /// Connections one client network (an IPv4 address or an IPv6 /64) may hold open at
    /// once; requests on further ones are answered 429 and closed (0: no cap). Off behind a
    /// trusted proxy, where every connection comes from the proxy.
    #[arg(
        long,
        env = "MAX_CONNECTIONS_PER_ADDRESS",
        default_value_t = 256,
        global = true
    )]
    pub max_connections_per_address: usize,

    /// Open connections each worker thread accepts (there is one worker per CPU).
    #[arg(
        long,
        env = "MAX_CONNECTIONS_PER_WORKER",
        default_value_t = 25_000,
        global = true
    )]
    pub max_connections_per_worker: usize,

    /// Subscription (WebSocket) connections one instance holds open at most.
    #[arg(
        long,
        env = "WS_MAX_CONNECTIONS",
        default_value_t = 10_000,
        global = true
    )]
    pub ws_max_connections: usize,

    /// Subscriptions one WebSocket connection may run at once.
    #[arg(
        long,
        env = "WS_MAX_SUBSCRIPTIONS_PER_CONNECTION",
        default_value_t = 25,
        global = true
    )]
    pub ws_max_subscriptions_per_connection: usize,

    /// Bytes a subscription connection may send in a burst; its allowance refills at
    /// `WS_INBOUND_BYTES_PER_SEC`. Beyond, the connection is closed.
    #[arg(long, env = "WS_MAX_INBOUND_BURST_BYTES", default_value_t = 64 * 1024, global = true)]
    pub ws_max_inbound_burst_bytes: usize,

    /// Bytes per second a subscription connection may send in the long run.
    #[arg(
        long,
        env = "WS_INBOUND_BYTES_PER_SEC",
        default_value_t = 1024,
        global = true
    )]
    pub ws_inbound_bytes_per_sec: usize,

    /// Web origins allowed to call the API from a browser (`*` for any, the default; or a
    /// comma-separated list such as `https://www.integration-so.ch,https://app.example.org`).
    #[arg(long, env = "CORS_ALLOWED_ORIGINS", default_value = "*", global = true)]
    pub cors_allowed_origins: String,

    /// Request headers browsers may send beside the API's own (`Authorization`,
    /// `Content-Type`, `Accept-Language`, `If-None-Match`, `X-Api-Key`): a comma-separated
    /// list, or `*` for any. The default lets tracing and client-library headers through.
    #[arg(
        long,
        env = "CORS_ALLOWED_HEADERS",
        default_value = "traceparent,tracestate,baggage,x-request-id,apollographql-client-name,apollographql-client-version,apollo-require-preflight,x-apollo-operation-name,graphql-client-name,graphql-client-version",
        global = true
    )]
    pub cors_allowed_headers: String,

    /// Most offers a region's calendar feed lists (the soonest first).
    #[arg(long, env = "FEED_MAX_OFFERS", default_value_t = 500, global = true)]
    pub feed_max_offers: u64,

    /// Largest offer file an import takes, in bytes. A signed-in staff member's GraphQL
    /// request may be this large (others stay within `MAX_BODY_BYTES`), as may a file given
    /// to `import-offers`.
    #[arg(long, env = "IMPORT_MAX_BYTES", default_value_t = 32 * 1024 * 1024, global = true)]
    pub import_max_bytes: usize,

    /// Seconds an `importOffers` or `offerExport` request may run (other requests have
    /// `REQUEST_TIMEOUT_SECS`); a stopped import writes nothing.
    #[arg(
        long,
        env = "IMPORT_TIMEOUT_SECS",
        default_value_t = 300,
        global = true
    )]
    pub import_timeout_secs: u64,

    /// Most offers one import takes.
    #[arg(long, env = "IMPORT_MAX_ROWS", default_value_t = 20_000, global = true)]
    pub import_max_rows: usize,

    /// Most offers one `offerExport` query returns (the `export-offers` command has no
    /// limit).
    #[arg(
        long,
        env = "EXPORT_MAX_OFFERS",
        default_value_t = 20_000,
        global = true
    )]
    pub export_max_offers: u64,

    /// Token a scraper must send as `Authorization: Bearer …` to read `/metrics`; when unset
    /// the endpoint is open (keep it behind the internal network then).
    #[arg(long, env = "METRICS_TOKEN", global = true, hide_env_values = true)]
    pub metrics_token: Option<SecretString>,

    /// Load the small demo data set when the database holds no offers; on in development
    /// and off in production when unset, so a production instance never serves made-up
    /// offers.
    #[arg(long, env = "SEED_DEMO_WHEN_EMPTY", action = clap::ArgAction::Set, global = true)]
    pub seed_demo_when_empty: Option<bool>,
}

impl Settings {
    /// How long an access token can still be presented after it was issued, clock leeway
    /// included: how long an ended sign-in must stay announced as ended.
    pub fn access_token_lifetime(&self) -> std::time::Duration {
        std::time::Duration::from_secs(
            self.access_token_ttl_secs
                .saturating_add(self.jwt_leeway_secs),
        )
    }

    /// The log format to use: explicit, or chosen by mode.
    pub fn effective_log_format(&self) -> LogFormat {
        self.log_format.unwrap_or(match self.mode {
            Mode::Development => LogFormat::Text,
            Mode::Production => LogFormat::Json,
        })
    }

    /// Whether introspection is answered.
    pub fn introspection_enabled(&self) -> bool {
        self.introspection.unwrap_or(self.mode == Mode::Development)
    }

    /// Whether an empty catalogue is filled with the demo data set.
    pub fn seed_demo_enabled(&self) -> bool {
        self.seed_demo_when_empty
            .unwrap_or(self.mode == Mode::Development)
    }

    /// Whether the GraphiQL page is served.
    pub fn graphiql_enabled(&self) -> bool {
        self.graphiql.unwrap_or(self.mode == Mode::Development)
    }

    /// Where the embedded search index lives.
    pub fn effective_search_dir(&self) -> PathBuf {
        self.search_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("search"))
    }

    /// Settings for tests and embedding: the defaults (as the command line has them), with a
    /// given data directory, an ephemeral port and no demo data.
    pub fn for_data_dir(data_dir: PathBuf) -> Self {
        let mut settings = Cli::parse_from(["angebotsplattform"]).settings;
        settings.listen_addr = SocketAddr::from(([127, 0, 0, 1], 0));
        settings.data_dir = data_dir;
        settings.database_url = None;
        settings.db_max_connections = 8;
        settings.seed_demo_when_empty = Some(false);
        settings
    }
}
