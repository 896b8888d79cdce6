//! Anonymises mentoring records past their retention period (closed requests, retired
//! mentors), on a fixed interval. Instances may run it at once: erasing twice leaves the
//! same anonymous row.

use std::time::Duration;

use sea_orm::DatabaseConnection;

use crate::jobs::Stop;
use crate::service::mentoring::erasure;

/// Runs the job every `interval` until told to stop.
pub fn spawn(
    db: DatabaseConnection,
    interval: Duration,
    mut stop: Stop,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        while stop.before(ticker.tick()).await.is_some() {
            match erasure::erase_expired(&db).await {
                Ok(0) => {}
                Ok(count) => tracing::info!(count, "anonymised mentoring records past retention"),
                Err(err) => tracing::warn!(error = %err, "retention job failed; will retry"),
            }
        }
    })
}
