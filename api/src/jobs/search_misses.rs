//! Writes the words of searches that found nothing (counted in memory by the searches) on
//! a fixed interval, adding to this month's counts, and deletes the months past their
//! retention. Instances may run it at once: each adds its own tally. When told to stop it
//! writes what it holds once more.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;

use crate::jobs::Stop;
use crate::service::search_misses::{self, MissTally};

/// Rounds between two deletions of old months (a day, at the default interval).
const ROUNDS_PER_PRUNE: u32 = 1440;

pub fn spawn(
    db: DatabaseConnection,
    tally: Arc<MissTally>,
    interval: Duration,
    keep_months: u32,
    mut stop: Stop,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut round = 0u32;
        while stop.before(ticker.tick()).await.is_some() {
            write(&db, &tally).await;
            if round.is_multiple_of(ROUNDS_PER_PRUNE) {
                match search_misses::forget_old_months(&db, keep_months).await {
                    Ok(0) => {}
                    Ok(rows) => tracing::info!(rows, "forgot search misses past retention"),
                    Err(err) => {
                        tracing::warn!(error = %err.detail(), "cannot forget old search misses")
                    }
                }
            }
            round = round.wrapping_add(1);
        }
        write(&db, &tally).await;
    })
}

async fn write(db: &DatabaseConnection, tally: &MissTally) {
    if let Err(err) = tally.write(db).await {
        tracing::warn!(error = %err.detail(), "search misses not written; will retry");
    }
}
