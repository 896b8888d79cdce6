//! Command line and environment settings (clap), with safe defaults for the embedded mode.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    /// Print the GraphQL schema (SDL) to standard output or write it to a file.
    ExportSchema {
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
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

    /// Largest number of pooled database connections.
    #[arg(long, env = "DB_MAX_CONNECTIONS", default_value_t = 16, global = true)]
    pub db_max_connections: u32,

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

    /// Largest page a connection field hands out (`first` / `last`).
    #[arg(long, env = "MAX_PAGE_SIZE", default_value_t = 100, global = true)]
    pub max_page_size: u32,

    /// Load the small demo data set when the database holds no offers.
    #[arg(long, env = "SEED_DEMO_WHEN_EMPTY", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub seed_demo_when_empty: bool,
}

impl Settings {
    /// The log format to use: explicit, or chosen by mode.
    pub fn effective_log_format(&self) -> LogFormat {
        self.log_format.unwrap_or(match self.mode {
            Mode::Development => LogFormat::Text,
            Mode::Production => LogFormat::Json,
        })
    }

    /// Settings for tests and embedding: the defaults, with a given data directory.
    pub fn for_data_dir(data_dir: PathBuf) -> Self {
        Self {
            listen_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir,
            database_url: None,
            db_max_connections: 8,
            db_connect_timeout_secs: 5,
            mode: Mode::Development,
            log_format: None,
            max_page_size: 100,
            seed_demo_when_empty: false,
        }
    }
}
