//! The catalogue's jobs and files: expiry, feeds, imports and exports.

use clap::Args;

/// The catalogue's jobs and files: expiry, feeds, imports and exports.
#[derive(Debug, Clone, Args)]
pub struct CatalogueSettings {
    /// Seconds between runs of the job that archives offers past their end date.
    #[arg(
        long,
        env = "EXPIRY_INTERVAL_SECS",
        default_value_t = 300,
        global = true
    )]
    pub expiry_interval_secs: u64,

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
}
