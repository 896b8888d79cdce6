//! The database: which one, its pool and its time limits.

use clap::Args;

/// The database: which one, its pool and its time limits.
#[derive(Debug, Clone, Args)]
pub struct DatabaseSettings {
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

    /// Seconds one SQL statement may run (PostgreSQL; SQLite statements end with the request).
    #[arg(
        long,
        env = "DB_STATEMENT_TIMEOUT_SECS",
        default_value_t = 10,
        global = true
    )]
    pub db_statement_timeout_secs: u64,
}
