//! Archives published offers past their end date, on a fixed interval.
//!
//! The public view already hides ended offers the moment they end; this job makes it
//! lasting (status, audit entry, search outbox row). Instances may run it at the same time:
//! the archiving statement is guarded, so each offer is archived once.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;

use crate::cache::responses::ResponseCache;
use crate::events::{EventBus, OfferChange, publish};
use crate::jobs::Stop;
use crate::service::offer_write;

/// Runs the job every `interval` until told to stop.
/// Archived offers change public data: cached answers are invalidated and subscribers told.
pub fn spawn(
    db: DatabaseConnection,
    responses: Arc<ResponseCache>,
    events: Arc<EventBus>,
    interval: Duration,
    mut stop: Stop,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        while stop.before(ticker.tick()).await.is_some() {
            match offer_write::archive_expired(&db).await {
                Ok(archived) if archived.is_empty() => {}
                Ok(archived) => {
                    tracing::info!(
                        count = archived.len(),
                        "archived offers past their end date"
                    );
                    responses.bump().await;
                    for offer in &archived {
                        publish::offer_changed(&db, &events, offer, OfferChange::Withdrawn).await;
                    }
                }
                // Already logged where it happened; the next tick tries again.
                Err(err) => tracing::warn!(error = %err, "expiry job failed; will retry"),
            }
        }
    })
}
