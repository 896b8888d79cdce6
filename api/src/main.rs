//! The `angebotsplattform` binary: parses settings and runs the chosen command.

use std::process::ExitCode;

use angebotsplattform::config::Cli;
use clap::Parser;

/// mimalloc rather than the system allocator: with many small allocations per request on
/// many threads, glibc's allocator spent a large share of the server's CPU consolidating
/// and unlinking chunks (see BENCHMARKS.md for the figures before and after).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[actix_web::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let telemetry = angebotsplattform::telemetry::init(&cli.settings);
    let outcome = angebotsplattform::run_cli(cli).await;
    telemetry.shutdown();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
