//! Command line and environment settings (clap), with safe defaults for the embedded mode.

mod auth;
mod caches;
mod catalogue;
mod database;
mod http;
mod mentoring;
mod queries;
mod search;
mod server;
mod telemetry;

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use auth::AuthSettings;
pub use caches::CacheSettings;
pub use catalogue::CatalogueSettings;
pub use database::DatabaseSettings;
pub use http::HttpSettings;
pub use mentoring::MentoringSettings;
pub use queries::QuerySettings;
pub use search::SearchSettings;
pub use server::ServerSettings;
pub use telemetry::TelemetrySettings;

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

/// Settings shared by every command, grouped by concern. Each one is a flag and an
/// environment variable (`--max-page-size`, `MAX_PAGE_SIZE`), whatever its group.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    #[command(flatten)]
    pub server: ServerSettings,
    #[command(flatten)]
    pub database: DatabaseSettings,
    #[command(flatten)]
    pub telemetry: TelemetrySettings,
    #[command(flatten)]
    pub queries: QuerySettings,
    #[command(flatten)]
    pub auth: AuthSettings,
    #[command(flatten)]
    pub search: SearchSettings,
    #[command(flatten)]
    pub mentoring: MentoringSettings,
    #[command(flatten)]
    pub caches: CacheSettings,
    #[command(flatten)]
    pub http: HttpSettings,
    #[command(flatten)]
    pub catalogue: CatalogueSettings,
}

impl Settings {
    /// How long an access token can still be presented after it was issued, clock leeway
    /// included: how long an ended sign-in must stay announced as ended.
    pub fn access_token_lifetime(&self) -> std::time::Duration {
        std::time::Duration::from_secs(
            self.auth
                .access_token_ttl_secs
                .saturating_add(self.auth.jwt_leeway_secs),
        )
    }

    /// The log format to use: explicit, or chosen by mode.
    pub fn effective_log_format(&self) -> LogFormat {
        self.telemetry.log_format.unwrap_or(match self.server.mode {
            Mode::Development => LogFormat::Text,
            Mode::Production => LogFormat::Json,
        })
    }

    /// Whether introspection is answered.
    pub fn introspection_enabled(&self) -> bool {
        self.queries
            .introspection
            .unwrap_or(self.server.mode == Mode::Development)
    }

    /// Whether an empty catalogue is filled with the demo data set.
    pub fn seed_demo_enabled(&self) -> bool {
        self.server
            .seed_demo_when_empty
            .unwrap_or(self.server.mode == Mode::Development)
    }

    /// Whether the GraphiQL page is served.
    pub fn graphiql_enabled(&self) -> bool {
        self.queries
            .graphiql
            .unwrap_or(self.server.mode == Mode::Development)
    }

    /// Where the embedded search index lives.
    pub fn effective_search_dir(&self) -> PathBuf {
        self.search
            .search_dir
            .clone()
            .unwrap_or_else(|| self.server.data_dir.join("search"))
    }

    /// Settings for tests and embedding: the defaults (as the command line has them), with a
    /// given data directory, an ephemeral port and no demo data.
    pub fn for_data_dir(data_dir: PathBuf) -> Self {
        let mut settings = Cli::parse_from(["angebotsplattform"]).settings;
        settings.server.listen_addr = SocketAddr::from(([127, 0, 0, 1], 0));
        settings.server.data_dir = data_dir;
        settings.database.database_url = None;
        settings.database.db_max_connections = 8;
        settings.server.seed_demo_when_empty = Some(false);
        settings
    }
}
