//! Archives published offers past their end date, on a fixed interval.
//!
//! The public view already hides ended offers the moment they end; this job makes it
//! lasting (status, audit entry, search outbox row). Instances may run it at the same time:
//! the archiving statement is guarded, so each offer is archived once.

use entity::offer;
use sea_orm::DatabaseConnection;

use crate::error::ApiResult;
use crate::jobs::WriteJob;
use crate::service::changes::Committed;
use crate::service::offer::write;

/// The expiry job. Archived offers change public data: their side effects (cached answers
/// dropped, subscribers told) run as for any write.
pub struct Expiry;

impl WriteJob for Expiry {
    type Written = Vec<offer::Model>;
    const NAME: &'static str = "expiry";

    async fn write(db: DatabaseConnection) -> ApiResult<Committed<Self::Written>> {
        write::archive_expired(&db).await
    }

    fn report(archived: Self::Written) {
        if !archived.is_empty() {
            tracing::info!(
                count = archived.len(),
                "archived offers past their end date"
            );
        }
    }
}
