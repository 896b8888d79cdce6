//! The `import-offers` and `export-offers` commands: offer files on the operator's disk,
//! through the same services as `importOffers` and `offerExport`, without their size limit
//! on exports.

use std::io::Write;
use std::path::Path;

use uuid::Uuid;

use crate::config::{ExportOffersArgs, FileFormat, ImportOffersArgs, Settings};
use crate::effects::Effects;
use crate::error::ApiError;
use crate::exchange::{self, FileLimits, Format, RegionCodes};
use crate::graphql::offer::CreateOfferRecords;
use crate::ids::{NodeType, expect_global_id};
use crate::service::offer::export::{self, ExportScope, Exporter};
use crate::service::offer::import::{self, ImportOptions, Importer, Outcome};
use crate::startup::StartError;
use sea_orm::DatabaseConnection;

/// Imports a file and prints the report; fails when any row is invalid. What the import
/// changes has the side effects of any write (`effects`): with Redis, running servers drop
/// their cached answers and tell their subscribers.
pub async fn import(
    db: &DatabaseConnection,
    effects: &Effects,
    settings: &Settings,
    args: ImportOffersArgs,
) -> Result<(), StartError> {
    let provider_id = provider(&args.provider)?;
    let format = match args.format {
        Some(format) => format,
        None => format_of(&args.file)?,
    };
    let size = std::fs::metadata(&args.file)?.len();
    if size > settings.catalogue.import_max_bytes as u64 {
        return Err(StartError::Data(format!(
            "{} is {:.1} MB; an import takes at most {:.1} MB (IMPORT_MAX_BYTES)",
            args.file.display(),
            size as f64 / 1e6,
            settings.catalogue.import_max_bytes as f64 / 1e6
        )));
    }
    let bytes = std::fs::read(&args.file)?;
    let regions = RegionCodes::load(db).await?;
    let limits = FileLimits {
        max_bytes: settings.catalogue.import_max_bytes,
        max_rows: settings.catalogue.import_max_rows,
    };
    let rows = exchange::read(
        file_format(format),
        &bytes,
        &regions,
        &CreateOfferRecords,
        limits,
    )?;
    let options = ImportOptions {
        dry_run: args.dry_run,
        archive_missing: args.archive_missing,
    };
    let started = std::time::Instant::now();
    let written = import::run(db, Importer::Operator, provider_id, rows, options).await?;
    let report = effects.apply(written).await;
    let seconds = started.elapsed().as_secs_f64();
    for row in report.rows.iter().filter(|r| r.outcome == Outcome::Invalid) {
        let at = row.row.map(|n| format!("row {n}")).unwrap_or_default();
        let reference = row.external_ref.as_deref().unwrap_or("-");
        for problem in &row.problems {
            println!("{at} ({reference}): {}: {}", problem.field, problem.message);
        }
    }
    let verb = if report.written {
        "imported"
    } else if args.dry_run {
        "checked (dry run, nothing written)"
    } else if report.count(Outcome::Invalid) > 0 {
        "checked (nothing written)"
    } else {
        "compared (nothing to change)"
    };
    println!(
        "{verb} {} rows in {seconds:.1} s: {} created, {} updated, {} unchanged, {} archived, {} invalid",
        report.rows.iter().filter(|r| r.row.is_some()).count(),
        report.count(Outcome::Created),
        report.count(Outcome::Updated),
        report.count(Outcome::Unchanged),
        report.count(Outcome::Archived),
        report.count(Outcome::Invalid),
    );
    match report.count(Outcome::Invalid) {
        0 => Ok(()),
        n => Err(StartError::Data(format!(
            "{n} rows are invalid; nothing was imported"
        ))),
    }
}

/// Exports offers to a file or standard output.
pub async fn export(db: &DatabaseConnection, args: ExportOffersArgs) -> Result<(), StartError> {
    let provider_id = args.provider.as_deref().map(provider).transpose()?;
    let scope = ExportScope {
        provider_id,
        include_archived: args.include_archived,
    };
    let offers = export::offers(db, Exporter::Operator, scope).await?;
    let regions = RegionCodes::load(db).await?;
    let file = exchange::write(
        file_format(args.format),
        &offers,
        &regions,
        &CreateOfferRecords,
        provider_id.is_none(),
    )?;
    match &args.out {
        Some(path) => {
            std::fs::write(path, &file)?;
            eprintln!("exported {} offers to {}", offers.len(), path.display());
        }
        None => std::io::stdout().write_all(file.as_bytes())?,
    }
    Ok(())
}

/// A provider given as an API id or a bare UUID.
fn provider(value: &str) -> Result<Uuid, StartError> {
    Uuid::parse_str(value)
        .or_else(|_| expect_global_id(value, NodeType::Provider))
        .map_err(|_| StartError::Data(format!("`{value}` is not a provider id")))
}

fn format_of(path: &Path) -> Result<FileFormat, StartError> {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("csv") => Ok(FileFormat::Csv),
        Some("json") => Ok(FileFormat::Json),
        _ => Err(StartError::from(ApiError::bad_input(
            "cannot tell the file's format from its name: give --format csv or --format json",
        ))),
    }
}

fn file_format(format: FileFormat) -> Format {
    match format {
        FileFormat::Csv => Format::Csv,
        FileFormat::Json => Format::Json,
    }
}
