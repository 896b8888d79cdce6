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

    /// Whether introspection is answered.
    pub fn introspection_enabled(&self) -> bool {
        self.introspection.unwrap_or(self.mode == Mode::Development)
    }

    /// Whether the GraphiQL page is served.
    pub fn graphiql_enabled(&self) -> bool {
        self.graphiql.unwrap_or(self.mode == Mode::Development)
    }

    /// Settings for tests and embedding: the defaults (as the command line has them), with a
    /// given data directory, an ephemeral port and no demo data.
    pub fn for_data_dir(data_dir: PathBuf) -> Self {
        let mut settings = Cli::parse_from(["angebotsplattform"]).settings;
        settings.listen_addr = SocketAddr::from(([127, 0, 0, 1], 0));
        settings.data_dir = data_dir;
        settings.database_url = None;
        settings.db_max_connections = 8;
        settings.seed_demo_when_empty = false;
        settings
    }
}
