//! Anonymises mentoring records past their retention period (closed requests, retired
//! mentors), on a fixed interval. Instances may run it at once: erasing twice leaves the
//! same anonymous row.

use std::time::Duration;

use sea_orm::DatabaseConnection;

use crate::effects::Effects;
use crate::jobs::{self, Stop};
use crate::service::mentoring::erasure;

/// Runs the job every `interval` until told to stop. Matches it closes have the side
/// effects of any write (their pools' subscribers are told).
pub fn spawn(
    db: DatabaseConnection,
    effects: Effects,
    interval: Duration,
    stop: Stop,
) -> tokio::task::JoinHandle<()> {
    jobs::every(interval, stop, move || {
        let (db, effects) = (db.clone(), effects.clone());
        async move {
            match erasure::erase_expired(&db).await {
                Ok(written) => match effects.apply(written).await {
                    0 => {}
                    count => tracing::info!(count, "anonymised mentoring records past retention"),
                },
                Err(err) => {
                    tracing::warn!(error = %err.detail(), "retention job failed; will retry")
                }
            }
        }
    })
}
