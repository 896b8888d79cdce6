//! Importing a provider's offers from a file (see `exchange` for the shapes).
//!
//! Each row is matched to the provider's offer with the same external reference and then
//! created, updated or left as it is; with `archive_missing`, the provider's offers that
//! the file no longer lists are archived. The whole file is checked before anything is
//! written and written in one transaction, so one bad row means nothing changes, and a
//! second run of the same file changes nothing. A dry run reports what a real run would do.

mod plan;
mod write;

use entity::provider;
use sea_orm::{DatabaseConnection, EntityTrait};
use uuid::Uuid;

use crate::auth::RequestMeta;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::service::audit::Actor;
use crate::service::changes::Committed;
use crate::service::offer::files::FileRow;

/// How to run an import.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Report what would happen; write nothing.
    pub dry_run: bool,
    /// Archive the provider's offers (with an external reference) that the file does not
    /// list: for files that hold a provider's whole catalogue.
    pub archive_missing: bool,
}

/// What happens, or would happen, to one offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
    /// The row has problems; nothing of the file is written.
    Invalid,
    /// An offer the file does not list, archived because the import was asked to.
    Archived,
}

/// One offer's line in the report.
#[derive(Debug, Clone)]
pub struct RowReport {
    /// The row in the file; none for offers archived because the file left them out.
    pub row: Option<usize>,
    pub external_ref: Option<String>,
    pub outcome: Outcome,
    /// The offer, once it exists.
    pub offer_id: Option<Uuid>,
    /// For updates, the fields that change (`translations`, `schedules`, …).
    pub changed_fields: Vec<&'static str>,
    /// For invalid rows, every problem, named as the file names the field.
    pub problems: Vec<FieldError>,
}

/// What an import did, or would do.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub rows: Vec<RowReport>,
    /// Whether anything was written: false for dry runs and for files with problems.
    pub written: bool,
}

impl ImportReport {
    /// How many offers have this outcome.
    pub fn count(&self, outcome: Outcome) -> usize {
        self.rows.iter().filter(|r| r.outcome == outcome).count()
    }
}

/// Who imports: a signed-in editor of the provider (or an admin), or the operator at the
/// command line.
#[derive(Debug, Clone, Copy)]
pub enum Importer<'a> {
    Caller(&'a RequestMeta),
    Operator,
}

impl Importer<'_> {
    fn authorise(&self, provider_id: Uuid) -> ApiResult<()> {
        match self {
            Self::Caller(meta) => meta.viewer.require_provider_editor(provider_id).map(|_| ()),
            Self::Operator => Ok(()),
        }
    }

    fn actor(&self) -> Actor {
        match self {
            Self::Caller(meta) => Actor::of(meta),
            Self::Operator => Actor::system(),
        }
    }
}

/// Imports the rows of a file into a provider's offers.
pub async fn run(
    db: &DatabaseConnection,
    importer: Importer<'_>,
    provider_id: Uuid,
    rows: Vec<FileRow>,
    options: ImportOptions,
) -> ApiResult<Committed<ImportReport>> {
    importer.authorise(provider_id)?;
    provider::Entity::find_by_id(provider_id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("provider"))?;
    let plan = plan::make(db, provider_id, rows, options.archive_missing).await?;
    if plan.has_problems() || options.dry_run || !plan.has_changes() {
        return Ok(plan.report(None));
    }
    let written = write::apply(db, &importer.actor(), provider_id, &plan).await?;
    Ok(plan.report(Some(written)))
}
