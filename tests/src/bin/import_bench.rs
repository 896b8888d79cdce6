//! Import benchmark: builds a provider's file of 10,000 offers (two locales, a place, a
//! weekly slot and a single date each), then times reading it, a dry run, the first import,
//! the same file again, a file with every tenth offer changed, and the export, and prints
//! rows per second for each and the process's peak memory.
//!
//! ```sh
//! cargo build --release -p tests --bin import_bench && target/release/import_bench
//! TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test target/release/import_bench
//! ```
//!
//! The database is a fresh SQLite file, or a fresh schema in `TEST_DATABASE_URL`'s database,
//! removed afterwards.

use std::time::Instant;

use angebotsplattform::effects::Effects;
use angebotsplattform::exchange::{self, FileLimits, Format, RegionCodes};
use angebotsplattform::graphql::offer::CreateOfferRecords;
use angebotsplattform::service::offer::export::{self, ExportScope, Exporter};
use angebotsplattform::service::offer::import::{self, ImportOptions, Importer, Outcome};
use clap::Parser;
use sea_orm::DatabaseConnection;
use tests::{TestDatabase, offer_file};
use uuid::Uuid;

#[derive(Debug, Parser)]
#[command(about = "Times importing and exporting a provider's file of offers")]
struct Args {
    /// Offers in the file.
    #[arg(long, default_value_t = 10_000)]
    offers: usize,
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let args = Args::parse();
    let database = TestDatabase::create().await;
    let db = angebotsplattform::db::open(database.options.clone())
        .await
        .map_err(|e| e.to_string())?;
    let effects =
        Effects::for_command(db.clone(), &database.settings).map_err(|e| e.to_string())?;
    angebotsplattform::prepare(&db, &database.settings)
        .await
        .map_err(|e| e.to_string())?;
    let provider = tests::fixtures::provider(&db, "Benchmark-Verein").await;
    let engine = if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.trim().is_empty()) {
        "PostgreSQL"
    } else {
        "SQLite"
    };

    let file = offer_file::csv(args.offers, "");
    let changed = offer_file::csv(args.offers, " (neu)");
    println!(
        "{} offers, {:.1} MB of CSV, on {engine}\n",
        args.offers,
        file.len() as f64 / 1e6
    );
    println!("| step | seconds | rows/s | outcome |");
    println!("|---|---|---|---|");

    let regions = RegionCodes::load(&db).await.map_err(|e| e.to_string())?;
    let limits = FileLimits {
        max_bytes: usize::MAX,
        max_rows: usize::MAX,
    };
    let started = Instant::now();
    let rows = exchange::read(
        Format::Csv,
        file.as_bytes(),
        &regions,
        &CreateOfferRecords,
        limits,
    )
    .map_err(|e| e.to_string())?;
    row(
        "read the file",
        args.offers,
        started,
        format!("{} rows", rows.len()),
    );

    step(
        &db,
        &effects,
        provider,
        &file,
        &regions,
        true,
        "dry run",
        args.offers,
    )
    .await?;
    step(
        &db,
        &effects,
        provider,
        &file,
        &regions,
        false,
        "first import",
        args.offers,
    )
    .await?;
    step(
        &db,
        &effects,
        provider,
        &file,
        &regions,
        false,
        "same file again",
        args.offers,
    )
    .await?;
    step(
        &db,
        &effects,
        provider,
        &changed,
        &regions,
        false,
        "every 10th changed",
        args.offers,
    )
    .await?;

    let started = Instant::now();
    let scope = ExportScope {
        provider_id: Some(provider),
        include_archived: false,
    };
    let offers = export::offers(&db, Exporter::Operator, scope)
        .await
        .map_err(|e| e.to_string())?;
    let exported = exchange::write(Format::Csv, &offers, &regions, &CreateOfferRecords, false)
        .map_err(|e| e.to_string())?;
    row(
        "export",
        offers.len(),
        started,
        format!("{:.1} MB", exported.len() as f64 / 1e6),
    );
    step(
        &db,
        &effects,
        provider,
        &exported,
        &regions,
        false,
        "export imported back",
        args.offers,
    )
    .await?;
    if let Some(kib) = peak_kib() {
        println!("\npeak memory of the process: {} MiB", kib / 1024);
    }
    Ok(())
}

async fn step(
    db: &DatabaseConnection,
    effects: &Effects,
    provider: Uuid,
    file: &str,
    regions: &RegionCodes,
    dry_run: bool,
    name: &str,
    offers: usize,
) -> Result<(), String> {
    let started = Instant::now();
    let limits = FileLimits {
        max_bytes: usize::MAX,
        max_rows: usize::MAX,
    };
    let rows = exchange::read(
        Format::Csv,
        file.as_bytes(),
        regions,
        &CreateOfferRecords,
        limits,
    )
    .map_err(|e| e.to_string())?;
    let options = ImportOptions {
        dry_run,
        archive_missing: false,
    };
    let written = import::run(db, Importer::Operator, provider, rows, options)
        .await
        .map_err(|e| e.to_string())?;
    let report = effects.apply(written).await;
    if report.count(Outcome::Invalid) > 0 {
        return Err(format!("{} invalid rows", report.count(Outcome::Invalid)));
    }
    row(
        name,
        offers,
        started,
        format!(
            "{} created, {} updated, {} unchanged{}",
            report.count(Outcome::Created),
            report.count(Outcome::Updated),
            report.count(Outcome::Unchanged),
            if report.written {
                ""
            } else {
                ", nothing written"
            }
        ),
    );
    Ok(())
}

fn row(name: &str, rows: usize, started: Instant, outcome: String) {
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "| {name} | {seconds:.2} | {:.0} | {outcome} |",
        rows as f64 / seconds.max(1e-9)
    );
}

/// The process's peak resident memory (Linux).
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
