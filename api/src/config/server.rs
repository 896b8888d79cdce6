//! Where the server listens, where it keeps its files, how it behaves and stops.

use super::Mode;
use clap::Args;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Where the server listens, where it keeps its files, how it behaves and stops.
#[derive(Debug, Clone, Args)]
pub struct ServerSettings {
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

    /// Development or production behaviour.
    #[arg(long, env = "APP_MODE", value_enum, default_value_t = Mode::Development, global = true)]
    pub mode: Mode,

    /// Seconds to let requests in flight, then background jobs, finish after SIGTERM.
    #[arg(
        long,
        env = "SHUTDOWN_TIMEOUT_SECS",
        default_value_t = 30,
        global = true
    )]
    pub shutdown_timeout_secs: u64,

    /// Load the small demo data set when the database holds no offers; on in development
    /// and off in production when unset, so a production instance never serves made-up
    /// offers.
    #[arg(long, env = "SEED_DEMO_WHEN_EMPTY", action = clap::ArgAction::Set, global = true)]
    pub seed_demo_when_empty: Option<bool>,
}
