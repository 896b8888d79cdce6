//! Anonymises mentoring records past their retention period (closed requests, retired
//! mentors), on a fixed interval. Instances may run it at once: erasing twice leaves the
//! same anonymous row.

use sea_orm::DatabaseConnection;

use crate::error::ApiResult;
use crate::jobs::WriteJob;
use crate::service::changes::Committed;
use crate::service::mentoring::erasure;

/// The retention job. Matches it closes have the side effects of any write (their pools'
/// subscribers are told).
pub struct Retention;

impl WriteJob for Retention {
    type Written = usize;
    const NAME: &'static str = "retention";

    async fn write(db: DatabaseConnection) -> ApiResult<Committed<Self::Written>> {
        erasure::erase_expired(&db).await
    }

    fn report(count: Self::Written) {
        if count > 0 {
            tracing::info!(count, "anonymised mentoring records past retention");
        }
    }
}
