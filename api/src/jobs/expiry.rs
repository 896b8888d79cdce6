//! Archives published offers past their end date, on a fixed interval.
//!
//! The public view already hides ended offers the moment they end; this job makes it
//! lasting (status, audit entry, search outbox row). Instances may run it at the same time:
//! the archiving statement is guarded, so each offer is archived once.

use std::time::Duration;

use sea_orm::DatabaseConnection;

use crate::effects::Effects;
use crate::jobs::{self, Stop};
use crate::service::offer::write;

/// Runs the job every `interval` until told to stop. Archived offers change public data:
/// their side effects (cached answers dropped, subscribers told) run as for any write.
pub fn spawn(
    db: DatabaseConnection,
    effects: Effects,
    interval: Duration,
    stop: Stop,
) -> tokio::task::JoinHandle<()> {
    jobs::every(interval, stop, move || {
        let (db, effects) = (db.clone(), effects.clone());
        async move {
            match write::archive_expired(&db).await {
                Ok(written) => {
                    let archived = effects.apply(written).await;
                    if !archived.is_empty() {
                        tracing::info!(
                            count = archived.len(),
                            "archived offers past their end date"
                        );
                    }
                }
                // The next tick tries again.
                Err(err) => tracing::warn!(error = %err.detail(), "expiry job failed; will retry"),
            }
        }
    })
}
