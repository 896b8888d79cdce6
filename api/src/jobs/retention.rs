//! Anonymises mentoring records past their retention period (closed requests, retired
//! mentors), on a fixed interval. Instances may run it at once: erasing twice leaves the
//! same anonymous row.

use std::time::Duration;

use sea_orm::DatabaseConnection;

use crate::service::mentoring::erasure;

/// Runs the job every `interval` until the process ends.
pub fn spawn(db: DatabaseConnection, interval: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            match erasure::erase_expired(&db).await {
                Ok(0) => {}
                Ok(count) => tracing::info!(count, "anonymised mentoring records past retention"),
                Err(err) => tracing::warn!(error = %err, "retention job failed; will retry"),
            }
        }
    })
}
