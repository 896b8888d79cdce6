//! Reference data shipped with the platform (the canton of Solothurn's regions and the KIP
//! category taxonomy) and the reader for region files that a canton brings itself.
//!
//! Shipped reference data is loaded at every start, but only what is missing is inserted:
//! an operator's later corrections (by `import-regions`) are never overwritten.

pub mod categories;
pub mod region_csv;
pub mod solothurn;

use sea_orm::DatabaseConnection;

use crate::error::ApiResult;
use crate::service::changes::{Changed, Committed};
use crate::service::region_import::{self, ImportMode, ImportReport};

/// Inserts whatever part of the shipped reference data the database lacks.
pub async fn load(db: &DatabaseConnection) -> ApiResult<Committed<ImportReport>> {
    let regions = solothurn::regions().map_err(|err| {
        crate::error::ApiError::internal(format_args!("shipped region data is unreadable: {err}"))
    })?;
    let mut written = region_import::import(db, &regions, ImportMode::InsertMissing).await?;
    let moved = solothurn::upgrade(db).await?;
    if moved > 0 {
        tracing::info!(
            municipalities = moved,
            "municipalities moved from their district's centre to their own coordinates"
        );
    }
    categories::load(db).await?;
    if moved > 0 {
        written = written.with(Changed::Reference);
    }
    Ok(written)
}
