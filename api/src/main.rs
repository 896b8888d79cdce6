//! The `angebotsplattform` binary: parses settings and runs the chosen command.

use std::process::ExitCode;

use angebotsplattform::config::Cli;
use clap::Parser;

#[actix_web::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    angebotsplattform::telemetry::init(cli.settings.effective_log_format());
    match angebotsplattform::run_cli(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
